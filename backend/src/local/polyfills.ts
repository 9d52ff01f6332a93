/**
 * Runtime polyfills the local cloud needs on Node 20, imported first by its entry points (cli.ts).
 * `Promise.withResolvers` (ES2024) is called by aws-local-stepfunctions 3; Node ≥ 22 has it.
 *
 * Note for helper C: backend/src/workflows/promise-polyfill.ts does the same for the workflow
 * runner; both are idempotent (they only fill in a missing function), so either may load first.
 */
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (v: T | PromiseLike<T>) => void;
  reject: (e?: unknown) => void;
};
const P = Promise as unknown as { withResolvers?: WithResolvers };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>() => {
    let resolve!: (v: T | PromiseLike<T>) => void;
    let reject!: (e?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};

// Operator logs stay readable: the AWS SDK's "upgrade to Node 22" notice is printed once per
// process otherwise. Node 20 is this project's supported floor (package.json engines).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Runtime set-up the local cloud needs on Node 20, imported first by its entry points (cli.ts).
 * `Promise.withResolvers` (ES2024, called by aws-local-stepfunctions 3; Node ≥ 22 has it) is
 * filled in by the workflow runner's polyfill, the one place it is defined.
 */
import '../workflows/promise-polyfill.js';

// Operator logs stay readable: the AWS SDK's "upgrade to Node 22" notice is printed once per
// process otherwise. Node 20 is this project's supported floor (package.json engines).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

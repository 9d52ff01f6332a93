import { Logger } from '@aws-lambda-powertools/logger';
import { fromPowertools } from '../data/log.js';
import { dataContextFromEnv } from '../data/client.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import type { WorkflowDeps } from './deps.js';
import { directoryFromEnv } from './directory.js';

let cached: WorkflowDeps | null = null;

/** Deps for a workflow task running in Lambda, built once per container from the environment. */
export function workflowDepsFromEnv(): WorkflowDeps {
  if (!cached) {
    const logger = fromPowertools(new Logger({ serviceName: 'jetway-workflows' }));
    const ctx = dataContextFromEnv();
    let policy: ReturnType<typeof defaultPolicySet> | null = null;
    const deps: WorkflowDeps = {
      ctx,
      policy: () => (policy ??= defaultPolicySet()),
      notifier: notifierFromEnv(ctx, logger),
      log: logger,
      autoIssue: process.env.AUTO_ISSUE === 'true',
      directory: directoryFromEnv(),
    };
    cached = deps;
    return deps;
  }
  return cached;
}

/** Wrap a task function `(deps, input)` as a Lambda handler `(event)`. */
export function lambdaHandler<R>(fn: (deps: WorkflowDeps, input: unknown) => Promise<R>): (event: unknown) => Promise<R> {
  return (event: unknown) => fn(workflowDepsFromEnv(), event);
}

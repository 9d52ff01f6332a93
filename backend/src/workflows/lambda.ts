import { fromPowertools } from '../data/log.js';
import { dataContextFromEnv } from '../data/client.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { createLogger, idsOf, scopedLog } from '../observability/logger.js';
import { flushMetrics } from '../observability/metrics.js';
import { traced } from '../observability/tracer.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import type { WorkflowDeps } from './deps.js';
import { directoryFromEnv } from './directory.js';
import { policyResolver } from '../data/policy-store.js';

let cached: WorkflowDeps | null = null;

/** Deps for a workflow task running in Lambda, built once per container from the environment. */
export function workflowDepsFromEnv(): WorkflowDeps {
  if (!cached) {
    const logger = fromPowertools(createLogger('jetway-workflows'));
    const ctx = dataContextFromEnv();
    let policy: ReturnType<typeof defaultPolicySet> | null = null;
    const deps: WorkflowDeps = {
      ctx,
      policy: () => (policy ??= defaultPolicySet()),
      resolvePolicy: () => policyResolver(ctx),
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

/**
 * Wrap a task function `(deps, input)` as a Lambda handler `(event)`: every log line of the invocation
 * carries the ids on its input (eventId, flightId, caseId, approvalId, …), the task runs in an X-Ray
 * subsegment annotated with them, and the metrics it counted are published when it ends.
 */
export function lambdaHandler<R>(fn: (deps: WorkflowDeps, input: unknown) => Promise<R>): (event: unknown) => Promise<R> {
  return async (event: unknown) => {
    const deps = workflowDepsFromEnv();
    const ids = idsOf(event);
    try {
      return await traced(fn.name || 'task', ids, () => fn({ ...deps, log: scopedLog(deps.log, ids) }, event));
    } finally {
      flushMetrics();
    }
  };
}

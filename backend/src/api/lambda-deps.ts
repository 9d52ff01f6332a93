import { Logger } from '@aws-lambda-powertools/logger';
import { fromPowertools } from '../data/log.js';
import { dataContextFromEnv } from '../data/client.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { createTokenVerifier, tokenVerifierConfigFromEnv } from './auth/verifier.js';
import { createChangeWaiter } from './change-waiter.js';
import type { ApiDeps } from './deps.js';

import { noApprovalWorkflow } from '../workflows/approval-port.js';

let cached: ApiDeps | null = null;

/** API deps in Lambda, built once per container from the environment. */
export function apiDepsFromEnv(): ApiDeps {
  if (!cached) {
    const log = fromPowertools(new Logger({ serviceName: 'jetway-api' }));
    const ctx = dataContextFromEnv();
    let policy: ReturnType<typeof defaultPolicySet> | null = null;
    const deps: ApiDeps = {
      ctx,
      verifier: createTokenVerifier(tokenVerifierConfigFromEnv()),
      notifier: notifierFromEnv(ctx, log),
      policy: () => (policy ??= defaultPolicySet()),
      changes: createChangeWaiter(),
      log,
      // TODO(approval workflow): Step Functions implementation (sfn-approvals.ts).
      approvals: noApprovalWorkflow,
    };
    cached = deps;
    return deps;
  }
  return cached;
}

/** A Lambda handler from a route factory, deps resolved lazily on the first call. */
export function lambdaRoute<E, R>(make: (deps: ApiDeps) => (event: E) => Promise<R>): (event: E) => Promise<R> {
  let h: ((event: E) => Promise<R>) | null = null;
  return (event) => (h ??= make(apiDepsFromEnv()))(event);
}

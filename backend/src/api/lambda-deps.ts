import { createLogger } from '../observability/logger.js';
import { flushMetrics } from '../observability/metrics.js';
import { fromPowertools } from '../data/log.js';
import { dataContextFromEnv } from '../data/client.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { storePolicyAt } from '../data/policy-store.js';
import { createTokenVerifier, tokenVerifierConfigFromEnv } from './auth/verifier.js';
import { createChangeWaiter } from './change-waiter.js';
import type { ApiDeps } from './deps.js';

import type { ApprovalWorkflow } from '../workflows/approval-port.js';
import { sfnApprovalWorkflow } from '../workflows/sfn-approvals.js';

let cached: ApiDeps | null = null;

/** API deps in Lambda, built once per container from the environment. */
export function apiDepsFromEnv(): ApiDeps {
  if (!cached) {
    const log = fromPowertools(createLogger('jetway-api'));
    const ctx = dataContextFromEnv();
    let policy: ReturnType<typeof defaultPolicySet> | null = null;
    const deps: ApiDeps = {
      ctx,
      verifier: createTokenVerifier(tokenVerifierConfigFromEnv()),
      notifier: notifierFromEnv(ctx, log),
      policy: () => (policy ??= defaultPolicySet()),
      policyAt: storePolicyAt(ctx),
      changes: createChangeWaiter(),
      log,
      approvals: approvalWorkflowFromEnv(ctx),
    };
    cached = deps;
    return deps;
  }
  return cached;
}

/**
 * The approval workflow on Step Functions (APPROVAL_STATE_MACHINE_ARN, set by the CDK app on the
 * push function). Functions without it (health, me, pull) never start or complete approvals; if
 * one did, it fails loudly rather than silently skipping the workflow.
 */
export function approvalWorkflowFromEnv(ctx: ApiDeps['ctx'], env: NodeJS.ProcessEnv = process.env): ApprovalWorkflow {
  const arn = env.APPROVAL_STATE_MACHINE_ARN;
  if (arn) return sfnApprovalWorkflow({ ctx, stateMachineArn: arn });
  const missing = async () => {
    throw new Error('APPROVAL_STATE_MACHINE_ARN is not set for this function');
  };
  return { start: missing, decided: missing };
}

/** A Lambda handler from a route factory, deps resolved lazily on the first call. */
export function lambdaRoute<E, R>(make: (deps: ApiDeps) => (event: E) => Promise<R>): (event: E) => Promise<R> {
  let h: ((event: E) => Promise<R>) | null = null;
  return async (event) => {
    try {
      return await (h ??= make(apiDepsFromEnv()))(event);
    } finally {
      // Notifications sent by commands (NotificationsSent, …) are published per invocation.
      flushMetrics();
    }
  };
}

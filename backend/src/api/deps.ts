import type { DataContext } from '../data/client.js';
import type { Notifier } from '../notify/notifier.js';
import type { PolicySet } from '../../../src/shared/policy/index.js';
import type { TokenVerifier } from './auth/verifier.js';
import type { ChangeWaiter } from './change-waiter.js';
import type { Logger } from './http.js';
import type { ApprovalWorkflow } from '../workflows/approval-port.js';

/** What API handlers need; built from env in Lambda (lambda-deps.ts), passed in by the local app. */
export interface ApiDeps {
  ctx: DataContext;
  verifier: TokenVerifier;
  notifier: Notifier;
  policy: () => PolicySet;
  /**
   * The policy store's published version in force at an instant (issue #9): money controls use the
   * version in force at the flight's scheduled departure. Absent: `policy()` (a fixed set, tests).
   */
  policyAt?: (at: string) => Promise<PolicySet>;
  changes: ChangeWaiter;
  log: Logger;
  /** The approval workflow (start on request, complete on decision). */
  approvals: ApprovalWorkflow;
  /** Long-poll cap in seconds (≤ 20; API Gateway's timeout is 29 s). */
  maxWaitSeconds?: number;
}

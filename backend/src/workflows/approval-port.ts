import type { Approval } from '../../../src/shared/domain/index.js';

/**
 * The approval workflow as the command handlers see it (statemachines/approval.asl.json).
 *
 * - `start`: after a requestApproval commit. Starts the execution named after the approval id
 *   (idempotent: a second start of the same approval is a no-op). The workflow waits on a task
 *   token (`.waitForTaskToken`, heartbeat + timeout); on timeout it escalates (supervisors of the
 *   station + the duty admin are notified), then expires the request with a reason.
 * - `decided`: after a decideApproval commit (approve or deny). Completes the waiting task
 *   (SendTaskSuccess in AWS; the local callback registry locally). Idempotent; a workflow that
 *   already finished is not an error.
 *
 * Locally (ARCHITECTURE.md stand-in): a callback registry kept in DynamoDB (`LOCALCB`), re-driven
 * idempotently after the local cloud restarts. In AWS: Step Functions (sfn-approvals.ts).
 */
export interface ApprovalWorkflow {
  start(approval: Approval): Promise<void>;
  decided(approval: Approval): Promise<void>;
}

/** For deps that run without workflows (unit tests of pure command logic). Never used by the cloud. */
export const noApprovalWorkflow: ApprovalWorkflow = { start: async () => undefined, decided: async () => undefined };

import { z } from 'zod';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const MarkApprovalFailedInputSchema = z.object({
  approvalId: z.string(),
  caseId: z.string(),
  error: z.unknown(),
});

/**
 * Compensating state of the approval workflow: each task commits whole or not at all, so there
 * is nothing to undo. The failure is logged loudly; the approval stays as it is (an open one can
 * still be decided by a supervisor, the decision does not need the workflow), and an operator
 * re-drives it by starting a new execution.
 */
export async function markApprovalFailed(deps: WorkflowDeps, raw: unknown): Promise<{ recorded: true }> {
  const input = MarkApprovalFailedInputSchema.parse(raw);
  deps.log?.warn('approval workflow failed', {
    approvalId: input.approvalId,
    caseId: input.caseId,
    error: input.error,
  });
  return { recorded: true };
}

export const handler = lambdaHandler(markApprovalFailed);

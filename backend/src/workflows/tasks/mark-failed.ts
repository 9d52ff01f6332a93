import { z } from 'zod';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const MarkFailedInputSchema = z.object({
  flightId: z.string(),
  disruptionId: z.string(),
  eventId: z.string(),
  error: z.unknown(),
});

/**
 * Compensating state: everything the workflow wrote is idempotent and complete per
 * transaction, so there is nothing to undo; record the failure loudly so that an operator
 * can re-drive the event (a re-run creates nothing twice).
 */
export async function markDisruptionFailed(deps: WorkflowDeps, raw: unknown): Promise<{ recorded: true }> {
  const input = MarkFailedInputSchema.parse(raw);
  deps.log?.warn('disruption workflow failed', { flightId: input.flightId, disruptionId: input.disruptionId, eventId: input.eventId, error: input.error });
  return { recorded: true };
}

export const handler = lambdaHandler(markDisruptionFailed);

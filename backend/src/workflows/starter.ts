import { z } from 'zod';

/** Input of the disruption workflow (statemachines/disruption.asl.json). */
export const DisruptionWorkflowInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  eventId: z.string().min(1),
});
export type DisruptionWorkflowInput = z.infer<typeof DisruptionWorkflowInputSchema>;

/**
 * Starts the disruption workflow. Locally: aws-local-stepfunctions (local-runner.ts); in AWS:
 * Step Functions StartExecution (sfn-starter.ts). `name` is deterministic per event, so a
 * repeated start of the same event is harmless (and, in AWS, deduplicated by execution name).
 */
export interface WorkflowStarter {
  startDisruption(input: DisruptionWorkflowInput, name: string): Promise<void>;
}

/** Execution names: ≤ 80 chars of [A-Za-z0-9-_]. */
export function executionName(input: DisruptionWorkflowInput): string {
  return `${input.flightId}-${input.eventId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DisruptionWorkflowInput, WorkflowStarter } from './starter.js';

/** A failed (or timed-out, or aborted) execution may be run again for the same event; a running or succeeded one not. */
const RERUNNABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
/** Re-runs of one event's workflow before the starter gives up (each is a new, deterministic execution name). */
export const MAX_RERUNS = 20;

/** `arn:aws:states:<region>:<acct>:stateMachine:<sm>` + name → `arn:aws:states:<region>:<acct>:execution:<sm>:<name>`. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The name of the n-th run of an execution: the first keeps `name`, later ones `name-r<n>` (≤ 80 chars). */
export function rerunName(name: string, n: number): string {
  if (n === 0) return name;
  const suffix = `-r${n}`;
  return `${name.slice(0, 80 - suffix.length)}${suffix}`;
}

/**
 * Step Functions StartExecution (AWS). Execution names are unique per state machine (for 90 days),
 * even after a failure, so "already exists" is answered by looking at that execution: RUNNING or
 * SUCCEEDED (or waiting for a redrive) → the event is handled, nothing to do; FAILED, TIMED_OUT or
 * ABORTED → the next run of the same event starts under the next deterministic name (`<name>-r1`,
 * `-r2`, …), so two concurrent re-sends of the event converge on one new execution.
 */
export function sfnWorkflowStarter(stateMachineArn: string, client = new SFNClient({})): WorkflowStarter {
  return {
    async startDisruption(input: DisruptionWorkflowInput, name: string) {
      for (let n = 0; n <= MAX_RERUNS; n++) {
        const attempt = rerunName(name, n);
        try {
          await client.send(new StartExecutionCommand({ stateMachineArn, name: attempt, input: JSON.stringify(input) }));
          return;
        } catch (err) {
          if (!(err instanceof ExecutionAlreadyExists) && (err as Error).name !== 'ExecutionAlreadyExists') throw err;
        }
        const prev = await client.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, attempt) }));
        if (!RERUNNABLE.has(String(prev.status))) return;
      }
      throw new Error(`the workflow of ${name} failed ${MAX_RERUNS + 1} times; not started again`);
    },
  };
}

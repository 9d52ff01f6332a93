import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionArn, rerunName, sfnWorkflowStarter } from '../../../src/workflows/sfn-starter.js';

// Step Functions cannot run here: the SDK client is replaced by a stub `send` that plays the
// service's answers (ExecutionAlreadyExists, DescribeExecution statuses). What is tested is the
// starter's decision, not AWS.
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:jetway-disruption';
const input = { flightId: 'F1', disruptionId: 'D1', eventId: 'E1' };

function fakeSfn(executions: Map<string, string>): { client: SFNClient; started: string[] } {
  const started: string[] = [];
  const client = {
    send: async (cmd: unknown) => {
      if (cmd instanceof StartExecutionCommand) {
        const name = cmd.input.name!;
        if (executions.has(name)) throw new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
        executions.set(name, 'RUNNING');
        started.push(name);
        return { executionArn: executionArn(SM, name) };
      }
      if (cmd instanceof DescribeExecutionCommand) {
        const name = cmd.input.executionArn!.split(':').pop()!;
        expect(cmd.input.executionArn).toBe(executionArn(SM, name));
        return { status: executions.get(name) };
      }
      throw new Error('unexpected command');
    },
  } as unknown as SFNClient;
  return { client, started };
}

describe('sfnWorkflowStarter: a re-sent event re-runs a failed workflow, never a running or succeeded one', () => {
  it('starts a new execution the first time', async () => {
    const { client, started } = fakeSfn(new Map());
    await sfnWorkflowStarter(SM, client).startDisruption(input, 'F1-E1');
    expect(started).toEqual(['F1-E1']);
  });

  it.each(['RUNNING', 'SUCCEEDED', 'PENDING_REDRIVE'])('an execution %s is left alone', async (status) => {
    const { client, started } = fakeSfn(new Map([['F1-E1', status]]));
    await sfnWorkflowStarter(SM, client).startDisruption(input, 'F1-E1');
    expect(started).toEqual([]);
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'])('an execution %s runs again under the next deterministic name', async (status) => {
    const runs = new Map([['F1-E1', status]]);
    const { client, started } = fakeSfn(runs);
    await sfnWorkflowStarter(SM, client).startDisruption(input, 'F1-E1');
    expect(started).toEqual(['F1-E1-r1']);
    // The same event again while the re-run is running: nothing new.
    await sfnWorkflowStarter(SM, client).startDisruption(input, 'F1-E1');
    expect(started).toEqual(['F1-E1-r1']);
    // The re-run failed too: the next one.
    runs.set('F1-E1-r1', 'FAILED');
    await sfnWorkflowStarter(SM, client).startDisruption(input, 'F1-E1');
    expect(started).toEqual(['F1-E1-r1', 'F1-E1-r2']);
  });

  it('re-run names stay within 80 characters', () => {
    const long = 'x'.repeat(80);
    expect(rerunName(long, 12)).toHaveLength(80);
    expect(rerunName(long, 12).endsWith('-r12')).toBe(true);
    expect(rerunName('abc', 0)).toBe('abc');
  });
});

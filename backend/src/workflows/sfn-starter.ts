import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DisruptionWorkflowInput, WorkflowStarter } from './starter.js';

/** Step Functions StartExecution (AWS). Same name + same input = already started: not an error. */
export function sfnWorkflowStarter(stateMachineArn: string, client = new SFNClient({})): WorkflowStarter {
  return {
    async startDisruption(input: DisruptionWorkflowInput, name: string) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      } catch (err) {
        if (err instanceof ExecutionAlreadyExists) return;
        throw err;
      }
    },
  };
}

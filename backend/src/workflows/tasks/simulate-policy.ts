import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { runSimulation, type SimulationRunner } from '../policy-simulation.js';
import { lambdaHandler } from '../lambda.js';

/**
 * The policy simulation job in AWS: the admin API creates the job item and invokes this function
 * asynchronously (InvocationType Event) with `{jobId}`; it runs the job to its end (progress and
 * results in DynamoDB). Bounded by Lambda's 15 minutes (timeoutSeconds in src/handlers.ts): a window
 * too large for that fails with its error on the job, and would need a Step Functions Map over
 * case pages (not built).
 */
const InputSchema = z.object({ jobId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });

export const handler = lambdaHandler(async (deps, raw) => {
  const { jobId } = InputSchema.parse(raw);
  return runSimulation(deps.ctx, jobId);
});

/** Start jobs by invoking the simulation function asynchronously (POLICY_SIMULATION_FUNCTION, set by the CDK app). */
export function lambdaSimulationRunner(functionName: string, client = new LambdaClient({})): SimulationRunner {
  return {
    kind: 'lambda',
    async start(jobId) {
      await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify({ jobId })) }),
      );
    },
    async idle() {},
  };
}

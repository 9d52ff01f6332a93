import { ExecutionAlreadyExists, SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Approval } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import { keys } from '../data/keys.js';
import { approvalExecutionName, approvalWorkflowInput, type DecisionOutput } from './approval-common.js';
import type { ApprovalWorkflow } from './approval-port.js';

/** Completes a waiting task (SendTaskSuccess). */
export interface TaskCompleter {
  /** True when the task was completed; false when it had already ended (timed out, completed, unknown). */
  succeed(taskToken: string, output: DecisionOutput): Promise<boolean>;
}

/** The errors that mean "that wait is over already": not a failure of the caller. */
const ENDED = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export function sfnTaskCompleter(client: SFNClient = new SFNClient({})): TaskCompleter {
  return {
    async succeed(taskToken, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return true;
      } catch (err) {
        if (ENDED.has((err as Error).name)) return false;
        throw err;
      }
    },
  };
}

/** The task token the current wait of an approval's workflow registered (RegisterApprovalToken), if any. */
export async function readTaskToken(ctx: DataContext, approvalId: string): Promise<string | null> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.table, Key: keys.approvalTaskToken(approvalId), ConsistentRead: true }),
  );
  return typeof res.Item?.taskToken === 'string' ? res.Item.taskToken : null;
}

/**
 * The approval workflow in AWS (statemachines/approval.asl.json on Step Functions):
 * - start: StartExecution named after the approval id, input from its absolute deadlines
 *   (ExecutionAlreadyExists: already started, not an error);
 * - decided: SendTaskSuccess with the token the waiting task registered. No token yet means the
 *   wait has not registered: RegisterApprovalToken then finds the approval decided and completes
 *   its own token. A wait that already ended (timed out) is not an error: the escalate/expire
 *   tasks find the approval decided and leave it alone.
 */
export function sfnApprovalWorkflow(opts: {
  ctx: DataContext;
  stateMachineArn: string;
  client?: SFNClient;
}): ApprovalWorkflow {
  const client = opts.client ?? new SFNClient({});
  const completer = sfnTaskCompleter(client);
  return {
    async start(approval: Approval) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: opts.stateMachineArn,
            name: approvalExecutionName(approval.id),
            input: JSON.stringify(approvalWorkflowInput(approval)),
          }),
        );
      } catch (err) {
        if (err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists') return;
        throw err;
      }
    },
    async decided(approval: Approval) {
      const token = await readTaskToken(opts.ctx, approval.id);
      if (!token) return;
      await completer.succeed(token, { approvalId: approval.id, status: approval.status });
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../data/keys.js';
import { NamedError, RegisterTokenPayloadSchema, readApproval } from '../approval-common.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';
import { sfnTaskCompleter, type TaskCompleter } from '../sfn-approvals.js';

export type RegisterResult = { registered: true } | { registered: false; completed: boolean; status: string };

/**
 * RegisterApprovalToken (AWS; invoked by the `.waitForTaskToken` states AwaitDecision and
 * AwaitDecisionEscalated): stores the wait's task token next to the approval
 * (`APPROVAL#<id>`/TASKTOKEN), in one transaction with a condition check that the approval is
 * still open. If it was decided first, nobody would ever complete the token, so it completes it
 * itself (SendTaskSuccess) and the workflow ends. Either way one side sees the other: the
 * decision commits before the check (→ completed here) or after the token (→ decided() finds it).
 */
export async function registerApprovalToken(
  deps: WorkflowDeps,
  raw: unknown,
  completer: TaskCompleter,
): Promise<RegisterResult> {
  const p = RegisterTokenPayloadSchema.parse(raw);
  const { ctx } = deps;
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: ctx.table,
              Key: keys.approval(p.approvalId),
              ConditionExpression: '#s IN (:pending, :escalated)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':pending': 'PENDING', ':escalated': 'ESCALATED' },
            },
          },
          {
            Put: {
              TableName: ctx.table,
              Item: {
                ...keys.approvalTaskToken(p.approvalId),
                entityType: 'approval_task_token',
                approvalId: p.approvalId,
                taskToken: p.taskToken,
                phase: p.phase,
                registeredAt: new Date().toISOString(),
              },
            },
          },
        ],
      }),
    );
    return { registered: true };
  } catch (err) {
    const canceled =
      err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException';
    const reasons = canceled ? ((err as TransactionCanceledException).CancellationReasons ?? []) : [];
    if (reasons[0]?.Code !== 'ConditionalCheckFailed') throw err;
  }
  const a = await readApproval(ctx, p.approvalId);
  if (!a) throw new NamedError('ApprovalNotFound', `approval ${p.approvalId} does not exist`);
  const completed = await completer.succeed(p.taskToken, { approvalId: a.id, status: a.status });
  return { registered: false, completed, status: a.status };
}

let completer: TaskCompleter | null = null;
export const handler = lambdaHandler((deps, event) =>
  registerApprovalToken(deps, event, (completer ??= sfnTaskCompleter())),
);

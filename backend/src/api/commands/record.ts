import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CommandResultSchema,
  type CommandEnvelope,
  type CommandResult,
  type Change,
} from '../../../../src/shared/sync/protocol.js';
import type { DataContext } from '../../data/client.js';
import { ConditionFailedError, commitWithLog, type TransactItem } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';

/**
 * The durable command record `CMD#<ulid>`: written in the same transaction as the command's
 * effects (or alone, for a rejection), kept for ever. A replay returns the stored result.
 */
export function commandRecordPut(
  ctx: DataContext,
  env: CommandEnvelope,
  result: CommandResult,
  user: string,
): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: {
        ...keys.command(env.commandId),
        entityType: 'command',
        commandId: env.commandId,
        type: env.type,
        deskId: env.deskId,
        station: env.station,
        /** The caller whose token pushed it (the server's actor). */
        user,
        /** Who created it on the desk (signed), and the supervisor it was released to, if any. */
        author: env.author ?? null,
        pushedBy: user,
        releasedBy: env.release?.by ?? null,
        receivedAt: new Date().toISOString(),
        result,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export async function readCommandResult(ctx: DataContext, commandId: string): Promise<CommandResult | null> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.table, Key: keys.command(commandId), ConsistentRead: true }),
  );
  return res.Item ? CommandResultSchema.parse(res.Item.result) : null;
}

export const replayed = (r: CommandResult): CommandResult => ({ ...r, replayed: true });

export const commandResultChange = (r: CommandResult): Change => ({
  kind: 'command_result',
  id: r.commandId,
  version: 1,
  op: 'put',
  data: { ...r },
});

/**
 * Commit a rejection: its own command record plus a `command_result` change in the stations'
 * logs, so the desk sees it in "needs attention" and its queue moves on. On a race with the
 * same command id, the stored result wins.
 */
export async function commitRejection(
  ctx: DataContext,
  env: CommandEnvelope,
  user: string,
  stations: string[],
  code: string,
  message: string,
  /** Records written with the rejection (e.g. `SERIALDUP#`: a refused duplicate serial is recorded). */
  extra: TransactItem[] = [],
): Promise<CommandResult> {
  const result: CommandResult = {
    commandId: env.commandId,
    status: 'rejected',
    replayed: false,
    code,
    message,
    effects: [],
  };
  try {
    await commitWithLog(ctx, {
      items: [commandRecordPut(ctx, env, result, user), ...extra],
      changes: [commandResultChange(result)],
      stations,
    });
    return result;
  } catch (err) {
    if (err instanceof ConditionFailedError) {
      const stored = await readCommandResult(ctx, env.commandId);
      if (stored) return replayed(stored);
    }
    throw err;
  }
}

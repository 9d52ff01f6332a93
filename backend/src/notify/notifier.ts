import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DataContext } from '../data/client.js';
import { keys } from '../data/keys.js';
import type { EmailMessage, EmailTransport, SmsTransport } from './transports.js';

/**
 * Sends notifications at most once per idempotency key (e.g. the issuance id).
 *
 * Powertools-Idempotency-style record in the main table (`NOTIFY#<key>`): a conditional put
 * claims the key (IN_PROGRESS, with an expiry), the send happens, the record becomes
 * COMPLETED with the transport's message id. A retry finds COMPLETED and does not send again;
 * a claim whose holder crashed is taken over after `inProgressExpirySeconds`. We do not use
 * Powertools' DynamoDBPersistenceLayer on the single table because with a sort key it keeps
 * every record under one static partition key (a hot partition, STYLE.md); see docs/decisions.md.
 */
export interface Notifier {
  /** Whether an SMS transport is configured (SNS in AWS is a later issue; the local SMS log here). */
  readonly canSms: boolean;
  emailOnce(key: string, msg: EmailMessage): Promise<'sent' | 'already-sent' | 'in-progress'>;
  smsOnce(key: string, to: string, text: string): Promise<'sent' | 'already-sent' | 'in-progress'>;
}

export interface NotifierOptions {
  ctx: DataContext;
  email: EmailTransport;
  sms?: SmsTransport;
  inProgressExpirySeconds?: number;
  log?: { warn(msg: string, extra?: Record<string, unknown>): void };
}

export function createNotifier(opts: NotifierOptions): Notifier {
  const { ctx } = opts;
  const expiry = opts.inProgressExpirySeconds ?? 60;

  async function once(key: string, channel: string, send: () => Promise<string>): Promise<'sent' | 'already-sent' | 'in-progress'> {
    const k = keys.notification(`${channel}:${key}`);
    const now = Date.now();
    try {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.table,
          Item: { ...k, entityType: 'notification', channel, key, status: 'IN_PROGRESS', claimedAt: now, inProgressUntil: now + expiry * 1000 },
          // New key, or a stale claim whose sender died before completing.
          ConditionExpression: 'attribute_not_exists(PK) OR (#s = :ip AND inProgressUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':ip': 'IN_PROGRESS', ':now': now },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      const cur = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: k, ConsistentRead: true }));
      return cur.Item?.status === 'COMPLETED' ? 'already-sent' : 'in-progress';
    }
    let messageId: string;
    try {
      messageId = await send();
    } catch (err) {
      // Release the claim so a retry may send (the message was not accepted by the transport).
      await ctx.doc.send(new UpdateCommand({ TableName: ctx.table, Key: k, UpdateExpression: 'SET inProgressUntil = :z', ExpressionAttributeValues: { ':z': 0 } })).catch(() => undefined);
      throw err;
    }
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: k,
        UpdateExpression: 'SET #s = :c, messageId = :m, completedAt = :t',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':c': 'COMPLETED', ':m': messageId, ':t': new Date().toISOString() },
      }),
    );
    return 'sent';
  }

  return {
    canSms: Boolean(opts.sms),
    emailOnce: (key, msg) => once(key, 'email', async () => (await opts.email.send(msg)).messageId),
    smsOnce: (key, to, text) =>
      once(key, 'sms', async () => {
        if (!opts.sms) throw new Error('no SMS transport configured');
        await opts.sms.send(to, text);
        return `sms:${key}`;
      }),
  };
}

import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import pMap from 'p-map';
import { z } from 'zod';
import { commitUnlogged, ConditionFailedError, type TransactItem } from '../data/changelog.js';
import type { DataContext } from '../data/client.js';
import { keys, OUTBOX_DUE_PREFIX, OUTBOX_DUE_SHARDS, stripKeys } from '../data/keys.js';
import { METRIC, countMetric } from '../observability/metrics.js';
import { idempotentSend, type IdempotentSendOptions, type SendRequest } from './idempotency.js';
import { maskAddress, recordNotification, type RecordOutcome } from './record.js';
import { E164 } from './sns.js';
import { isPermanent, PermanentSendError, type EmailTransport, type SmsTransport } from './transports.js';

/**
 * One notification to deliver. `id` is its idempotency key: recipient + change + channel (e.g.
 * `FLT-…:CANCELLATION|PAX-1|email`), so the same change never reaches the same passenger twice on a
 * channel, however often it is enqueued. A `fanout` item is a job that enqueues messages (a gate
 * change for every passenger of a flight) when the outbox worker takes it.
 */
export const OutboxInputSchema = z.object({
  id: z.string().min(1).max(900),
  kind: z.enum(['message', 'fanout']).default('message'),
  channel: z.enum(['email', 'sms', 'fanout']),
  /** The address (message) or the job's subject (fanout: a flight id). */
  to: z.string().min(1).max(320),
  subject: z.string().max(998).optional(),
  text: z.string().max(16_000),
  html: z.string().max(64_000).optional(),
  /** What it is about (`disruption:CANCELLATION`, `voucher`, `approval:denied`, …): the audit entry's topic. */
  topic: z.string().min(1).max(100),
  /** The case whose trail records the delivery (`notified`) or the final failure (`notification_failed`). */
  caseId: z.string().nullable().default(null),
  language: z.string().default('en'),
  /** Job parameters of a fanout item. */
  job: z.record(z.string(), z.string()).optional(),
});
export type OutboxInput = z.input<typeof OutboxInputSchema>;

export const OutboxItemSchema = OutboxInputSchema.extend({
  status: z.enum(['PENDING', 'SENT', 'DEAD']),
  attempts: z.number().int().nonnegative(),
  createdAt: z.string(),
  nextAttemptAt: z.number().int().nonnegative(),
  lastError: z.string().nullable().default(null),
  messageId: z.string().nullable().default(null),
  sentAt: z.string().nullable().default(null),
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** What one delivery try came to. */
export type Delivery = 'sent' | 'already-sent' | 'in-progress' | 'retry' | 'dead';

export interface OutboxOptions {
  ctx: DataContext;
  email: EmailTransport;
  sms?: SmsTransport;
  /** Attempts before a notification is given up (`notification_failed`, NotificationsFailed). Default 8. */
  maxAttempts?: number;
  /** Backoff after the n-th failed attempt: min(maxMs, baseMs · 2^(n-1)), ±20 % jitter. Default 30 s … 1 h. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How long after enqueueing the drainer may take an item the enqueuer is delivering itself. Default 30 s. */
  graceMs?: number;
  idempotency?: IdempotentSendOptions;
  /** Fanout jobs by topic prefix (`disruption:`): enqueue the messages of a job. */
  expanders?: Record<string, (item: OutboxItem) => Promise<void>>;
  log?: { info?(msg: string, extra?: Record<string, unknown>): void; warn(msg: string, extra?: Record<string, unknown>): void };
  now?: () => number;
}

export interface Outbox {
  readonly canSms: boolean;
  /** Stores the item once (a second enqueue of the same id changes nothing); returns the stored item. */
  enqueue(input: OutboxInput, opts?: { dueInMs?: number }): Promise<OutboxItem>;
  /** One delivery try of a PENDING item (idempotent send; retry bookkeeping; audit entry on the final outcome). */
  deliver(id: string): Promise<{ outcome: Delivery; error?: string }>;
  /** enqueue + deliver. */
  send(input: OutboxInput): Promise<{ outcome: Delivery; error?: string }>;
  /** Delivers the items whose retry is due (all shards); the scheduled drainer and the local timer call it. */
  drain(opts?: { limit?: number }): Promise<Record<Delivery, number>>;
  get(id: string): Promise<OutboxItem | null>;
  /** Registers the expander of a fanout topic prefix (wired after construction where it needs the notifier). */
  addExpander(prefix: string, fn: (item: OutboxItem) => Promise<void>): void;
}

/** The GSI1 shard of an id (a small stable hash). */
export function shardOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % OUTBOX_DUE_SHARDS;
}

export function backoffMs(attempt: number, base: number, max: number, rnd = Math.random()): number {
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * rnd));
}

const SENT_TTL_DAYS = 30;
const DEAD_TTL_DAYS = 90;
const ttl = (now: number, days: number): number => Math.floor(now / 1000) + days * 86_400;
const errorText = (err: unknown): string => ((err as Error)?.message ?? String(err)).slice(0, 500);

/**
 * The durable notification outbox (DynamoDB, `OUTBOX#<id>`): every passenger message is stored
 * before it is sent, and stays PENDING until a transport accepted it. A failed send is retried with
 * exponential backoff (the item sits in the sparse `OUTBOXDUE#<shard>` index with its due time)
 * until `maxAttempts`, then it is DEAD: `notification_failed` on the case trail, the
 * NotificationsFailed metric and a warning. A permanent refusal (bad address) is DEAD at once.
 *
 * The send itself is Powertools Idempotency (idempotency.ts): if a worker crashed after the transport
 * accepted a message but before the item became SENT, the next try gets the stored answer instead of
 * sending again; two workers on one item cannot both send (IN_PROGRESS). So a retried send is
 * delivered once.
 */
export function createOutbox(opts: OutboxOptions): Outbox {
  const { ctx } = opts;
  const now = opts.now ?? Date.now;
  const maxAttempts = opts.maxAttempts ?? 8;
  const base = opts.backoff?.baseMs ?? 30_000;
  const max = opts.backoff?.maxMs ?? 3_600_000;
  const grace = opts.graceMs ?? 30_000;
  const expanders = new Map(Object.entries(opts.expanders ?? {}));

  const transportSend = async (req: SendRequest): Promise<{ messageId: string }> => {
    if (req.channel === 'email') return opts.email.send({ to: req.to, subject: req.subject ?? '', text: req.text, ...(req.html ? { html: req.html } : {}) });
    if (!opts.sms) throw new Error('no SMS transport configured');
    if (!E164.test(req.to)) throw new PermanentSendError(`not an E.164 phone number: ${req.to.slice(0, 3)}…`);
    const res = (await opts.sms.send(req.to, req.text)) as { messageId?: string; id?: string } | undefined;
    return { messageId: String(res?.messageId ?? res?.id ?? `sms:${req.key}`) };
  };
  const sendOnce = idempotentSend(ctx, transportSend, opts.idempotency);

  async function get(id: string): Promise<OutboxItem | null> {
    const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.outbox(id), ConsistentRead: true }));
    return res.Item ? OutboxItemSchema.parse(stripKeys(res.Item)) : null;
  }

  async function enqueue(raw: OutboxInput, o: { dueInMs?: number } = {}): Promise<OutboxItem> {
    const input = OutboxInputSchema.parse(raw);
    const t = now();
    const item: OutboxItem = { ...input, status: 'PENDING', attempts: 0, createdAt: new Date(t).toISOString(), nextAttemptAt: t + (o.dueInMs ?? grace), lastError: null, messageId: null, sentAt: null };
    // Through the group committer (no log entry): the items of concurrent enqueues (a flight's
    // passengers) share transactions instead of one PutItem each.
    const r = await commitUnlogged(ctx, {
      Put: {
        TableName: ctx.table,
        Item: { ...keys.outbox(input.id), ...keys.outboxDueGsi1(shardOf(input.id), item.nextAttemptAt, input.id), entityType: 'outbox', ...item },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
    if (r.ok) return item;
    if (!(r.error instanceof ConditionFailedError)) throw r.error;
    const cur = await get(input.id);
    if (!cur) throw new Error(`outbox item ${input.id} vanished`);
    return cur;
  }

  /** The conditional update moving a PENDING item that was at `prevAttempts` (as an UpdateItem or a transaction item). */
  function transitionUpdate(id: string, prevAttempts: number, set: Record<string, unknown>, due: number | null) {
    const names: Record<string, string> = { '#s': 'status', '#a': 'attempts' };
    const values: Record<string, unknown> = { ':pending': 'PENDING', ':prev': prevAttempts };
    const sets: string[] = [];
    for (const [k, v] of Object.entries(set)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    let expr = `SET ${sets.join(', ')}`;
    if (due !== null) {
      const g = keys.outboxDueGsi1(shardOf(id), due, id);
      values[':gpk'] = g.GSI1PK;
      values[':gsk'] = g.GSI1SK;
      expr += ', GSI1PK = :gpk, GSI1SK = :gsk';
    } else expr += ' REMOVE GSI1PK, GSI1SK';
    return {
      TableName: ctx.table,
      Key: keys.outbox(id),
      UpdateExpression: expr,
      ConditionExpression: '#s = :pending AND #a = :prev',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** A conditional transition of a PENDING item that was at `attempts`; false when another worker moved it first. */
  async function transition(id: string, prevAttempts: number, set: Record<string, unknown>, due: number | null): Promise<boolean> {
    try {
      await ctx.doc.send(new UpdateCommand(transitionUpdate(id, prevAttempts, set, due)));
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /**
   * The case trail's entry for the final outcome of `item`. `alongside` (the item's own transition)
   * is committed in the same transaction, all or nothing: see recordNotification.
   */
  async function record(item: OutboxItem, status: 'sent' | 'failed', extra: { messageId?: string; error?: string; attempts: number }, alongside?: TransactItem): Promise<RecordOutcome> {
    if (!item.caseId || item.kind !== 'message') return 'not-recorded';
    return recordNotification(
      ctx,
      item.caseId,
      {
        channel: item.channel as 'email' | 'sms',
        topic: item.topic,
        to: maskAddress(item.to),
        status,
        language: item.language,
        attempts: extra.attempts,
        ...(extra.messageId ? { messageId: extra.messageId } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      },
      opts.log,
      alongside,
    );
  }

  async function deliver(id: string): Promise<{ outcome: Delivery; error?: string }> {
    const item = await get(id);
    if (!item) throw new Error(`no outbox item ${id}`);
    return deliverItem(item);
  }

  /** One try of `item` as last read (or just stored): every transition is conditional on what it read. */
  async function deliverItem(item: OutboxItem): Promise<{ outcome: Delivery; error?: string }> {
    const id = item.id;
    if (item.status === 'SENT') return { outcome: 'already-sent' };
    if (item.status === 'DEAD') return { outcome: 'dead', error: item.lastError ?? 'given up' };
    const attempts = item.attempts + 1;
    const ids = { notificationId: id, ...(item.caseId ? { caseId: item.caseId } : {}) };
    try {
      let messageId: string;
      if (item.kind === 'fanout') {
        const prefix = [...expanders.keys()].find((p) => item.topic.startsWith(p));
        const expand = prefix ? expanders.get(prefix) : undefined;
        if (!expand) throw new Error(`no expander for fanout topic ${item.topic}`);
        await expand(item);
        messageId = `fanout:${id}`;
      } else {
        ({ messageId } = await sendOnce({ key: id, channel: item.channel as 'email' | 'sms', to: item.to, text: item.text, ...(item.subject !== undefined ? { subject: item.subject } : {}), ...(item.html ? { html: item.html } : {}) }));
      }
      const t = now();
      const sent = { status: 'SENT', attempts, messageId, sentAt: new Date(t).toISOString(), expiresAt: ttl(t, SENT_TTL_DAYS) };
      // SENT and the case trail's `notified` entry in one transaction (shared with concurrent
      // notices by the group committer); without a case, or if the entry cannot be written, SENT alone.
      const recorded = await record(item, 'sent', { messageId, attempts }, { Update: transitionUpdate(id, item.attempts, sent, null) });
      if (recorded === 'alongside-refused') return { outcome: 'already-sent' };
      if (recorded === 'not-recorded' && !(await transition(id, item.attempts, sent, null))) return { outcome: 'already-sent' };
      if (item.kind === 'message') countMetric(METRIC.notificationsSent, 1, { channel: item.channel });
      return { outcome: 'sent' };
    } catch (err) {
      if (err instanceof IdempotencyAlreadyInProgressError) return { outcome: 'in-progress' };
      const error = errorText(err);
      const t = now();
      if (isPermanent(err) || attempts >= maxAttempts) {
        const moved = await transition(id, item.attempts, { status: 'DEAD', attempts, lastError: error, deadAt: new Date(t).toISOString(), expiresAt: ttl(t, DEAD_TTL_DAYS) }, null);
        if (!moved) return { outcome: 'in-progress', error };
        countMetric(METRIC.notificationsFailed, 1, { channel: item.channel });
        opts.log?.warn('notification given up', { ...ids, topic: item.topic, channel: item.channel, attempts, error });
        await record(item, 'failed', { error, attempts });
        return { outcome: 'dead', error };
      }
      const due = t + backoffMs(attempts, base, max);
      const moved = await transition(id, item.attempts, { attempts, lastError: error, nextAttemptAt: due }, due);
      if (!moved) return { outcome: 'in-progress', error };
      countMetric(METRIC.notificationRetries, 1, { channel: item.channel });
      opts.log?.warn('notification send failed; retried later', { ...ids, topic: item.topic, channel: item.channel, attempts, retryAt: new Date(due).toISOString(), error });
      return { outcome: 'retry', error };
    }
  }

  async function dueIds(limit: number): Promise<string[]> {
    const out: string[] = [];
    const upTo = `${String(now()).padStart(15, '0')}#~`;
    for (let shard = 0; shard < OUTBOX_DUE_SHARDS && out.length < limit; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await ctx.doc.send(
          new QueryCommand({
            TableName: ctx.table,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :upTo',
            ExpressionAttributeValues: { ':pk': `${OUTBOX_DUE_PREFIX}${shard}`, ':upTo': upTo },
            ProjectionExpression: 'id',
            Limit: limit - out.length,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const r of res.Items ?? []) out.push(String(r.id));
        start = res.LastEvaluatedKey;
      } while (start && out.length < limit);
    }
    return out;
  }

  return {
    canSms: Boolean(opts.sms),
    enqueue,
    deliver,
    async send(input) {
      // enqueue hands back the item it stored, or the stored one it found: no second read.
      return deliverItem(await enqueue(input));
    },
    async drain(o = {}) {
      const counts: Record<Delivery, number> = { sent: 0, 'already-sent': 0, 'in-progress': 0, retry: 0, dead: 0 };
      await pMap(
        await dueIds(o.limit ?? 500),
        async (id) => {
          try {
            counts[(await deliver(id)).outcome]++;
          } catch (err) {
            opts.log?.warn('outbox delivery failed', { notificationId: id, error: errorText(err) });
          }
        },
        { concurrency: 8 },
      );
      return counts;
    },
    get,
    addExpander(prefix, fn) {
      expanders.set(prefix, fn);
    },
  };
}

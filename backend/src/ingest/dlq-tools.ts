import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import type { DataContext } from '../data/client.js';
import { OPS_DLQ_TOPIC, OPS_TOPIC } from './topics.js';

/** A dead letter as `flight-operations.dlq` holds it (written by kafka-dlq.ts), validated on read. */
export const DeadLetterSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  reason: z.string(),
  errorPath: z.string(),
  error: z.string(),
  originalValue: z.string().nullable(),
  originalEncoding: z.enum(['utf8', 'base64']),
  eventId: z.string().nullable(),
  deadLetteredAt: z.string(),
});
export type StoredDeadLetter = z.infer<typeof DeadLetterSchema>;

/** One message of the DLQ topic: where it sits (`partition:offset`) and what it says. */
export interface DlqEntry {
  /** `<partition>:<offset>` in the DLQ topic: the id `show` and `replay` take. */
  id: string;
  letter: StoredDeadLetter | null;
  /** Set when the DLQ message itself is not a dead letter we wrote (shown, never replayed). */
  unreadable: string | null;
}

/**
 * Every message of the DLQ topic, oldest first, read with a throw-away consumer group up to the
 * high watermarks taken at the start (so the call ends even while letters keep coming).
 */
export async function readDeadLetters(kafka: Kafka, opts: { topic?: string; timeoutMs?: number } = {}): Promise<DlqEntry[]> {
  const topic = opts.topic ?? OPS_DLQ_TOPIC;
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) return [];
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const out: DlqEntry[] = [];
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `jetway-dlq-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out; partitions left: ${[...pending].join(', ')}`)), opts.timeoutMs ?? 60_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const offset = BigInt(message.offset);
            if (offset < ends.get(partition)!) out.push(parseEntry(partition, message.offset, message.value));
            if (offset + 1n >= ends.get(partition)!) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => cmpId(a.id, b.id));
}

function parseEntry(partition: number, offset: string, value: Buffer | null): DlqEntry {
  const id = `${partition}:${offset}`;
  try {
    const r = DeadLetterSchema.safeParse(JSON.parse(value?.toString('utf8') ?? 'null'));
    return r.success ? { id, letter: r.data, unreadable: null } : { id, letter: null, unreadable: `not a Jetway dead letter: ${r.error.issues[0]?.message}` };
  } catch (err) {
    return { id, letter: null, unreadable: `not JSON: ${(err as Error).message}` };
  }
}

function cmpId(a: string, b: string): number {
  const [pa, oa] = a.split(':').map(BigInt) as [bigint, bigint];
  const [pb, ob] = b.split(':').map(BigInt) as [bigint, bigint];
  return pa !== pb ? (pa < pb ? -1 : 1) : oa === ob ? 0 : oa < ob ? -1 : 1;
}

/** The original bytes of a dead letter, exactly as they were produced. */
export function originalBytes(letter: StoredDeadLetter): Buffer | null {
  if (letter.originalValue === null) return null;
  return letter.originalEncoding === 'base64' ? Buffer.from(letter.originalValue, 'base64') : Buffer.from(letter.originalValue, 'utf8');
}

export type ReplayOutcome = { id: string; outcome: 'replayed' | 'already-replayed' | 'skipped'; why?: string };

/**
 * Re-drives dead letters to the ops topic after a fix (a flight that now exists, a consumer that now
 * accepts the shape). Each dead letter is replayed at most once: a conditional put of
 * `DLQREPLAY#<topic>/<partition>:<offset>` claims it before the produce (a crash between the two
 * leaves a claim without a message; `again` re-drives it). The event itself is then applied at most
 * once by ingest's own dedupe on `event_id`, so even `again` never applies an event twice.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  ctx: DataContext,
  entries: DlqEntry[],
  opts: { topic?: string; dlqTopic?: string; again?: boolean; by?: string } = {},
): Promise<ReplayOutcome[]> {
  const topic = opts.topic ?? OPS_TOPIC;
  const dlqTopic = opts.dlqTopic ?? OPS_DLQ_TOPIC;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const out: ReplayOutcome[] = [];
  try {
    for (const e of entries) {
      const bytes = e.letter ? originalBytes(e.letter) : null;
      if (!e.letter || !bytes) {
        out.push({ id: e.id, outcome: 'skipped', why: e.unreadable ?? 'the dead letter has no original value' });
        continue;
      }
      try {
        await ctx.doc.send(
          new PutCommand({
            TableName: ctx.table,
            Item: { PK: `DLQREPLAY#${dlqTopic}/${e.id}`, SK: 'META', entityType: 'dlq_replay', eventId: e.letter.eventId, reason: e.letter.reason, by: opts.by ?? 'cli', at: new Date().toISOString() },
            ...(opts.again ? {} : { ConditionExpression: 'attribute_not_exists(PK)' }),
          }),
        );
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        out.push({ id: e.id, outcome: 'already-replayed' });
        continue;
      }
      await producer.send({
        topic,
        messages: [{ value: bytes, headers: { 'jetway-replay-of': `${dlqTopic}/${e.id}`, 'jetway-replay-reason': e.letter.reason } }],
      });
      out.push({ id: e.id, outcome: 'replayed' });
    }
  } finally {
    await producer.disconnect();
  }
  return out;
}

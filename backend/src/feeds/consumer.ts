import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Flight } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import type { Log } from '../data/log.js';
import { inFlightTracker } from '../ingest/in-flight.js';
import { kafkaDeadLetterSink } from '../ingest/kafka-dlq.js';
import { FEEDS_GROUP, MANIFEST_DLQ_TOPIC, MANIFEST_TOPIC, SCHEDULE_DLQ_TOPIC, SCHEDULE_TOPIC } from '../ingest/topics.js';
import { applyFeedBatch, type FeedBatchResult } from './apply.js';
import type { FeedKind } from './schemas.js';

/** Messages per applyFeedBatch call (a heartbeat after each). */
const CHUNK = 100;

export interface FeedsConsumerOptions {
  brokers: string[];
  groupId?: string;
  scheduleTopic?: string;
  manifestTopic?: string;
  /** A batch of PNRs can take seconds on a loaded machine; stop() leaves the group at once anyway. Default 30 s. */
  sessionTimeoutMs?: number;
  fromBeginning?: boolean;
}

export interface FeedsConsumerDeps {
  ctx: DataContext;
  log?: Log;
  /** After new flight instances were committed (the local app re-drives parked ops events). */
  onFlightsCreated?: (flights: Flight[]) => Promise<void>;
}

export interface FeedsConsumer {
  producer: Producer;
  topics: { schedule: string; scheduleDlq: string; manifest: string; manifestDlq: string };
  /** Resolves when every batch received so far has been applied. */
  idle(): Promise<void>;
  /** Messages handled so far (applied, unchanged or dead-lettered). */
  processed(): number;
  /** Totals over every batch. */
  totals(): { written: number; unchanged: number; deadLettered: number };
  stop(): Promise<void>;
}

/**
 * The local stand-in for the feeds' MSK event source: one kafkajs consumer (group `jetway-feeds`)
 * on the schedule and manifest topics, applying each fetched batch with applyFeedBatch (the same
 * function the Lambda handler runs) and committing its offsets only afterwards. A bad message is
 * dead-lettered to its topic's DLQ and the batch goes on; an infrastructure error is retried, then
 * left to Kafka's redelivery (re-applying a batch is a no-op: versions).
 */
export async function startFeedsConsumer(deps: FeedsConsumerDeps, opts: FeedsConsumerOptions): Promise<FeedsConsumer> {
  const schedule = opts.scheduleTopic ?? SCHEDULE_TOPIC;
  const manifest = opts.manifestTopic ?? MANIFEST_TOPIC;
  const topics = {
    schedule,
    scheduleDlq: opts.scheduleTopic ? `${schedule}.dlq` : SCHEDULE_DLQ_TOPIC,
    manifest,
    manifestDlq: opts.manifestTopic ? `${manifest}.dlq` : MANIFEST_DLQ_TOPIC,
  };
  const kafka = new Kafka({ clientId: 'jetway-feeds', brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: topics.schedule, numPartitions: 3 },
      { topic: topics.manifest, numPartitions: 3 },
      { topic: topics.scheduleDlq, numPartitions: 1 },
      { topic: topics.manifestDlq, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const sinks = { schedule: kafkaDeadLetterSink(producer, topics.scheduleDlq), manifest: kafkaDeadLetterSink(producer, topics.manifestDlq) };
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId ?? FEEDS_GROUP,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 30_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.schedule, topics.manifest], fromBeginning: opts.fromBeginning ?? true });
  const inFlight = inFlightTracker();
  let count = 0;
  const totals = { written: 0, unchanged: 0, deadLettered: 0 };
  await consumer.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (batch.messages.length === 0) return;
      const kind: FeedKind = batch.topic === topics.schedule ? 'schedule' : 'manifest';
      await inFlight.track(async () => {
        // Chunks keep each apply (and the time between heartbeats) short.
        for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += CHUNK) {
          const chunk = batch.messages.slice(i, i + CHUNK);
          const records = chunk.map((m) => ({ value: m.value, meta: { topic: batch.topic, partition: batch.partition, offset: m.offset } }));
          let res: FeedBatchResult | null = null;
          for (let attempt = 1; !res; attempt++) {
            try {
              res = await applyFeedBatch({ ctx: deps.ctx, deadLetters: sinks[kind], ...(deps.log ? { log: deps.log } : {}), ...(deps.onFlightsCreated ? { onFlightsCreated: deps.onFlightsCreated } : {}) }, records, { expect: kind });
            } catch (err) {
              deps.log?.warn('feed batch failed, retrying', { attempt, topic: batch.topic, error: (err as Error).message });
              if (attempt >= 5) throw err; // kafkajs re-delivers from the last resolved offset
              await new Promise((r) => setTimeout(r, 200 * attempt));
            }
          }
          totals.written += res.written;
          totals.unchanged += res.unchanged;
          totals.deadLettered += res.deadLettered;
          count += chunk.length;
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
        }
      });
    },
  });
  return {
    producer,
    topics,
    processed: () => count,
    totals: () => ({ ...totals }),
    idle: inFlight.idle,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };
}

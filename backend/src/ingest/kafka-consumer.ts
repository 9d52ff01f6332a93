import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { ingestBatch, type BatchOutcome, type IngestDeps, type IngestInput } from './processor.js';
import { inFlightTracker } from './in-flight.js';
import { kafkaDeadLetterSink } from './kafka-dlq.js';
import { INGEST_GROUP, OPS_DLQ_TOPIC, OPS_TOPIC } from './topics.js';

export interface LocalIngestOptions {
  brokers: string[];
  groupId?: string;
  topic?: string;
  dlqTopic?: string;
  /** Short by default so a stopped consumer does not stall the next test's rebalance (TOOLCHAIN.md). */
  sessionTimeoutMs?: number;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Records of one partition handed to ingestBatch at a time (default 500: fuller packs; the 1,000-flight ingest bench went 192 → 222 events/s from 200). */
  chunkSize?: number;
  /**
   * Commit offsets at most this often (ms); default: after every chunk. Offsets are committed only
   * for applied records either way; a longer interval means more redelivery after a crash.
   */
  autoCommitInterval?: number;
}

export interface LocalIngest {
  producer: Producer;
  /** Resolves when every record received so far has been processed. */
  idle(): Promise<void>;
  processed(): number;
  /** Settled records by outcome (`applied`, `duplicate`, `parked`, `dead-lettered`) since the start. */
  outcomes(): Record<string, number>;
  stop(): Promise<void>;
}

/** Attempts at a record that fails for an infrastructure reason before the consumer gives up and re-reads from its offset. */
const RECORD_ATTEMPTS = 5;

/**
 * The local stand-in for the MSK event source mapping: a kafkajs consumer in group
 * `jetway-ingest` running the same ingestBatch() as the Lambda handler. Per partition, a fetched
 * batch is taken in chunks; each chunk is applied per flight (events of one flight in offset
 * order, different flights together: ingestBatch). Offsets are resolved only up to the first
 * record not yet settled and committed after they were applied (at least once; the event-id
 * dedupe makes a redelivery change nothing). A chunk heartbeats while it runs, so a long one
 * does not cost the partition in a rebalance.
 */
export async function startLocalIngest(deps: Omit<IngestDeps, 'deadLetters'>, opts: LocalIngestOptions): Promise<LocalIngest> {
  const topic = opts.topic ?? OPS_TOPIC;
  const dlqTopic = opts.dlqTopic ?? OPS_DLQ_TOPIC;
  const chunkSize = opts.chunkSize ?? 500;
  const kafka = new Kafka({ clientId: 'jetway-ingest', brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const heartbeatInterval = 1000;
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId ?? INGEST_GROUP,
    sessionTimeout: opts.sessionTimeoutMs ?? 6000,
    heartbeatInterval,
    rebalanceTimeout: 10000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  const full: IngestDeps = { ...deps, deadLetters: kafkaDeadLetterSink(producer, dlqTopic) };
  const inFlight = inFlightTracker();
  let count = 0;
  const tally: Record<string, number> = {};
  await consumer.run({
    // Partitions in parallel; within one, chunk after chunk. Events of one flight on two partitions
    // (FlightPulse sends no key) race safely: the flight/disruption writes are version-checked.
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
    ...(opts.autoCommitInterval ? { autoCommitInterval: opts.autoCommitInterval } : {}),
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, uncommittedOffsets }) => {
      await inFlight.track(async () => {
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + chunkSize);
          const records: IngestInput[] = chunk.map((m) => ({ value: m.value, meta: { topic: batch.topic, partition: batch.partition, offset: m.offset } }));
          const outcomes = await whileBeating(heartbeat, heartbeatInterval, () => ingestSettled(full, records));
          for (const [j, m] of chunk.entries()) {
            const o = outcomes[j]!;
            // Kafka re-reads from the last resolved offset: the failed record and what follows it.
            if (o.outcome === 'failed') throw o.error;
            resolveOffset(m.offset);
            count++;
            tally[o.outcome] = (tally[o.outcome] ?? 0) + 1;
          }
          await heartbeat();
          // What was applied is committed now (or when the interval is over, if one is set).
          await commitOffsetsIfNecessary(opts.autoCommitInterval ? undefined : uncommittedOffsets());
        }
      });
    },
  });
  return {
    producer,
    processed: () => count,
    outcomes: () => ({ ...tally }),
    idle: inFlight.idle,
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };

  /** ingestBatch, with the records that failed for an infrastructure reason tried again a few times. */
  async function ingestSettled(d: IngestDeps, records: IngestInput[]): Promise<BatchOutcome[]> {
    const outcomes = await ingestBatch(d, records);
    for (let attempt = 1; attempt < RECORD_ATTEMPTS; attempt++) {
      const failed = [...outcomes.keys()].filter((j) => outcomes[j]!.outcome === 'failed');
      if (failed.length === 0) break;
      deps.log?.warn('ingest failed, retrying', { attempt, records: failed.length, error: (outcomes[failed[0]!] as { error: Error }).error.message });
      await new Promise((r) => setTimeout(r, 200 * attempt));
      const again = await ingestBatch(d, failed.map((j) => records[j]!));
      failed.forEach((j, k) => (outcomes[j] = again[k]!));
    }
    return outcomes;
  }
}

/**
 * Run `work` while heart-beating the group every `intervalMs` (kafkajs only heartbeats when asked).
 * A heartbeat refused meanwhile (the group is rebalancing) is not lost: the explicit heartbeat after
 * the chunk's offsets are resolved meets the same refusal and hands the partition over.
 */
async function whileBeating<T>(heartbeat: () => Promise<void>, intervalMs: number, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

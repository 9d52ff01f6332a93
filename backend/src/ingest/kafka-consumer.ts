import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { ingestRecord, type IngestDeps } from './processor.js';
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
}

export interface LocalIngest {
  producer: Producer;
  /** Resolves when every record received so far has been processed. */
  idle(): Promise<void>;
  processed(): number;
  stop(): Promise<void>;
}

/**
 * The local stand-in for the MSK event source mapping: a kafkajs consumer in group
 * `jetway-ingest` that runs the same ingestRecord() as the Lambda handler, one record at a
 * time per partition, committing each offset only after the record was processed or
 * dead-lettered.
 */
export async function startLocalIngest(deps: Omit<IngestDeps, 'deadLetters'>, opts: LocalIngestOptions): Promise<LocalIngest> {
  const topic = opts.topic ?? OPS_TOPIC;
  const dlqTopic = opts.dlqTopic ?? OPS_DLQ_TOPIC;
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
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId ?? INGEST_GROUP,
    sessionTimeout: opts.sessionTimeoutMs ?? 6000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 10000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
  const full: IngestDeps = { ...deps, deadLetters: kafkaDeadLetterSink(producer, dlqTopic) };
  let inFlight = 0;
  let count = 0;
  let waiters: (() => void)[] = [];
  await consumer.run({
    // Partitions in parallel; within one, in order. Events of one flight on two partitions
    // (FlightPulse sends no key) race safely: the flight/disruption writes are version-checked.
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
    eachMessage: async ({ topic: t, partition, message }) => {
      inFlight++;
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await ingestRecord(full, message.value, { topic: t, partition, offset: message.offset });
            break;
          } catch (err) {
            deps.log?.warn('ingest failed, retrying', { attempt, error: (err as Error).message });
            if (attempt >= 5) throw err; // kafkajs re-delivers from the uncommitted offset
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
        count++;
      } finally {
        inFlight--;
        if (inFlight === 0) {
          const w = waiters;
          waiters = [];
          w.forEach((f) => f());
        }
      }
    },
  });
  return {
    producer,
    processed: () => count,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };
}

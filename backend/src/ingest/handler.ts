import { Logger } from '@aws-lambda-powertools/logger';
import { fromPowertools } from '../data/log.js';
import { Kafka } from 'kafkajs';
import { dataContextFromEnv } from '../data/client.js';
import { sfnWorkflowStarter } from '../workflows/sfn-starter.js';
import { kafkaDeadLetterSink } from './kafka-dlq.js';
import { MskEventSchema, mskRecords } from './msk.js';
import { ingestRecord, type IngestDeps } from './processor.js';

const logger = fromPowertools(new Logger({ serviceName: 'jetway-ingest' }));
let deps: Promise<IngestDeps> | null = null;

/**
 * Built once per container. The DLQ producer talks to the same cluster (KAFKA_BROKERS).
 * UNTESTED in AWS: MSK with IAM auth needs a SASL mechanism configured here; the local
 * cloud runs the same ingestRecord() through the kafkajs consumer (kafka-consumer.ts).
 */
async function build(): Promise<IngestDeps> {
  const kafka = new Kafka({ clientId: 'jetway-ingest-lambda', brokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean), ssl: process.env.KAFKA_SSL === 'true' });
  const producer = kafka.producer();
  await producer.connect();
  return {
    ctx: dataContextFromEnv(),
    workflows: sfnWorkflowStarter(process.env.DISRUPTION_STATE_MACHINE_ARN ?? ''),
    deadLetters: kafkaDeadLetterSink(producer),
    log: logger,
  };
}

/**
 * MSK event source handler: the same ingestRecord() as locally. Bad records are dead-lettered
 * and count as processed; an infrastructure error throws, so the batch is retried (records
 * already applied are skipped by the event-id dedupe).
 */
export async function handler(event: unknown): Promise<{ processed: number; deadLettered: number; duplicates: number }> {
  const parsed = MskEventSchema.parse(event);
  deps ??= build();
  const d = await deps;
  const out = { processed: 0, deadLettered: 0, duplicates: 0 };
  for (const r of mskRecords(parsed)) {
    const res = await ingestRecord(d, r.value, { topic: r.topic, partition: r.partition, offset: r.offset });
    if (res.outcome === 'applied') out.processed++;
    else if (res.outcome === 'duplicate') out.duplicates++;
    else out.deadLettered++;
  }
  return out;
}

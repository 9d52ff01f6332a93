import { Logger } from '@aws-lambda-powertools/logger';
import { fromPowertools } from '../data/log.js';
import { Kafka } from 'kafkajs';
import { dataContextFromEnv } from '../data/client.js';
import { sfnWorkflowStarter } from '../workflows/sfn-starter.js';
import { flightNotices } from '../notify/changes.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { flushMetrics } from '../observability/metrics.js';
import { kafkaDeadLetterSink } from './kafka-dlq.js';
import { MskEventSchema, kafkaClientConfigFromEnv, mskRecords } from './msk.js';
import { ingestBatch, type IngestDeps } from './processor.js';
import { createParking, parkingHorizonFromEnv } from '../feeds/parking.js';

const logger = fromPowertools(new Logger({ serviceName: 'jetway-ingest' }));
let deps: Promise<IngestDeps> | null = null;

/**
 * Built once per container. The DLQ producer talks to the same cluster: brokers, TLS and MSK IAM
 * (SASL/OAUTHBEARER) from the environment the CDK app sets (msk.ts kafkaClientConfigFromEnv). The
 * local cloud runs the same ingest code through the kafkajs consumer (kafka-consumer.ts).
 */
async function build(): Promise<IngestDeps> {
  const kafka = new Kafka({ clientId: 'jetway-ingest-lambda', ...kafkaClientConfigFromEnv() });
  const producer = kafka.producer();
  await producer.connect();
  const ctx = dataContextFromEnv();
  return {
    ctx,
    workflows: sfnWorkflowStarter(process.env.DISRUPTION_STATE_MACHINE_ARN ?? ''),
    deadLetters: kafkaDeadLetterSink(producer),
    log: logger,
    // An event for a flight the schedule feed has not delivered yet waits (feeds/parking.ts).
    parking: createParking(ctx, { horizonMs: parkingHorizonFromEnv(), log: logger }),
    // Gate changes become outbox fanout jobs (one write here; SchedDrainOutbox sends them).
    notices: flightNotices({ ctx, notifier: notifierFromEnv(ctx, logger) }),
  };
}

/**
 * Lambda's partial batch response for a Kafka event source (`ReportBatchItemFailures`): each
 * failed record named by `<topic>-<partition>` and offset. Lambda checkpoints every partition at
 * its lowest failed offset and delivers the rest again (AWS Lambda, "Configuring error handling
 * controls for Kafka event sources"). Powertools Batch for TypeScript has no Kafka processor
 * (2.35: SQS, Kinesis, DynamoDB Streams only), so this is its contract written out
 * (docs/decisions.md).
 */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: { 'topic-partition': string; offset: number } }[];
}

/**
 * One MSK event: the same ingestBatch() as the local consumer (per flight in offset order,
 * flights together). Bad records are dead-lettered and count as processed; a record that failed
 * for an infrastructure reason is reported, so that Lambda retries from it (the records applied
 * meanwhile are skipped by the event-id dedupe).
 */
export async function handleMskEvent(d: IngestDeps, event: unknown): Promise<KafkaBatchResponse> {
  const records = mskRecords(MskEventSchema.parse(event));
  const outcomes = await ingestBatch(
    d,
    records.map((r) => ({ value: r.value, meta: { topic: r.topic, partition: r.partition, offset: r.offset } })),
  );
  const batchItemFailures: KafkaBatchResponse['batchItemFailures'] = [];
  const counts: Record<string, number> = {};
  outcomes.forEach((o, i) => {
    counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
    if (o.outcome !== 'failed') return;
    const r = records[i]!;
    d.log?.warn('ops event not settled; Lambda delivers it again', { topic: r.topic, partition: r.partition, offset: r.offset, error: o.error.message });
    batchItemFailures.push({ itemIdentifier: { 'topic-partition': `${r.topic}-${r.partition}`, offset: Number(r.offset) } });
  });
  d.log?.info('ops events ingested', { records: records.length, ...counts });
  return { batchItemFailures };
}

/** MSK event source handler (event source mapping with ReportBatchItemFailures). */
export async function handler(event: unknown): Promise<KafkaBatchResponse> {
  // A failed build (e.g. the cluster unreachable) is tried again on the next invocation.
  deps ??= build().catch((err: unknown) => {
    deps = null;
    throw err;
  });
  try {
    return await handleMskEvent(await deps, event);
  } finally {
    // EventsIngested by type, DeadLetters by reason (observability/metrics.ts).
    flushMetrics();
  }
}

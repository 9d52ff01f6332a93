import { Logger } from '@aws-lambda-powertools/logger';
import { Kafka, type Producer } from 'kafkajs';
import { dataContextFromEnv, type DataContext } from '../data/client.js';
import { fromPowertools } from '../data/log.js';
import { kafkaDeadLetterSink } from '../ingest/kafka-dlq.js';
import { MskEventSchema, kafkaClientConfigFromEnv, mskRecords } from '../ingest/msk.js';
import type { IngestDeps } from '../ingest/processor.js';
import { MANIFEST_DLQ_TOPIC, MANIFEST_TOPIC, SCHEDULE_DLQ_TOPIC, SCHEDULE_TOPIC } from '../ingest/topics.js';
import { notifierFromEnv } from '../notify/from-env.js';
import { flightNotices } from '../notify/changes.js';
import { sfnWorkflowStarter } from '../workflows/sfn-starter.js';
import { applyFeedBatch, type FeedBatchResult } from './apply.js';
import { createParking, parkingHorizonFromEnv, type Parking, type SweepSummary } from './parking.js';

/**
 * The feeds in AWS: `handler` is the MSK event source of `flight-schedule` and
 * `passenger-manifests` (the same applyFeedBatch as the local consumer and the S3 load);
 * `sweepHandler` is the scheduled parking sweep. Both re-drive parked ops events through ingest,
 * so they are built like the ingest function: table, disruption state machine, the cluster's
 * dead-letter topics (msk.ts client config: TLS, MSK IAM).
 *
 * Deployed as `IngestFeeds` and `SchedParkingSweep` (backend/src/handlers.ts; docs/deploy.md
 * "Feeds and the initial load").
 */
const logger = fromPowertools(new Logger({ serviceName: 'jetway-feeds' }));

interface Built {
  ctx: DataContext;
  producer: Producer;
  parking: Parking;
  ops: IngestDeps;
}
let built: Promise<Built> | null = null;

async function build(): Promise<Built> {
  const kafka = new Kafka({ clientId: 'jetway-feeds-lambda', ...kafkaClientConfigFromEnv() });
  const producer = kafka.producer();
  await producer.connect();
  const ctx = dataContextFromEnv();
  const parking = createParking(ctx, { horizonMs: parkingHorizonFromEnv(), log: logger });
  const ops: IngestDeps = {
    ctx,
    workflows: sfnWorkflowStarter(process.env.DISRUPTION_STATE_MACHINE_ARN ?? ''),
    deadLetters: kafkaDeadLetterSink(producer),
    log: logger,
    parking,
    notices: flightNotices({ ctx, notifier: notifierFromEnv(ctx, logger) }),
  };
  return { ctx, producer, parking, ops };
}

function deps(): Promise<Built> {
  built ??= build().catch((err: unknown) => {
    built = null;
    throw err;
  });
  return built;
}

/**
 * One MSK event: per topic, its records in offset order through applyFeedBatch. Bad messages are
 * dead-lettered (`<topic>.dlq`) and count as processed; an infrastructure error throws and Lambda
 * delivers the batch again (re-applying it writes nothing twice: versions).
 */
export async function handler(event: unknown): Promise<Record<string, Omit<FeedBatchResult, 'outcomes' | 'flightsCreated'>>> {
  const d = await deps();
  const records = mskRecords(MskEventSchema.parse(event));
  const out: Record<string, Omit<FeedBatchResult, 'outcomes' | 'flightsCreated'>> = {};
  for (const [topic, kind, dlq] of [
    [SCHEDULE_TOPIC, 'schedule', SCHEDULE_DLQ_TOPIC],
    [MANIFEST_TOPIC, 'manifest', MANIFEST_DLQ_TOPIC],
  ] as const) {
    const mine = records.filter((r) => r.topic === topic).map((r) => ({ value: r.value, meta: { topic: r.topic, partition: r.partition, offset: r.offset } }));
    if (!mine.length) continue;
    const r = await applyFeedBatch(
      { ctx: d.ctx, deadLetters: kafkaDeadLetterSink(d.producer, dlq), log: logger, onFlightsCreated: async (flights) => void (await d.parking.redrive(d.ops, flights)) },
      mine,
      { expect: kind },
    );
    out[topic] = { written: r.written, unchanged: r.unchanged, deadLettered: r.deadLettered, logEntries: r.logEntries };
  }
  logger.info('feed messages applied', { records: records.length, ...Object.fromEntries(Object.entries(out).map(([t, v]) => [t, v])) });
  return out;
}

/** Scheduled (every few minutes): re-drive parked ops events; dead-letter those past the horizon. */
export async function sweepHandler(): Promise<SweepSummary> {
  const d = await deps();
  return d.parking.sweep(d.ops);
}

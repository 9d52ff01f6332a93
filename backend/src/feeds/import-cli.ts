/**
 * `npm run cloud -- import <location>`: the initial load of the schedule and the reservations
 * (s3-import.ts) into the running local cloud, or — with `--table` and no `--endpoint` — into a
 * deployed stack's table with the caller's AWS credentials (docs/deploy.md, "Feeds and the initial
 * load").
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createDataContext } from '../data/client.js';
import { MAIN_TABLE, tableName } from '../data/tables.js';
import type { DeadLetterSink } from '../ingest/processor.js';
import { kafkaDeadLetterSink } from '../ingest/kafka-dlq.js';
import { MANIFEST_DLQ_TOPIC, SCHEDULE_DLQ_TOPIC } from '../ingest/topics.js';
import { DEFAULT_CLOUD_DIR, readCloudFile } from '../local/cloud.js';
import { fileStore, importFeeds, parseLocation, s3Store } from './s3-import.js';

export const IMPORT_USAGE = `usage: npm run cloud -- import <s3://bucket/prefix | file:///dir | dir> [options]
  loads <location>/schedule/*.ndjson[.gz] then <location>/manifests/*.ndjson[.gz]
  --endpoint URL      DynamoDB endpoint (default: the running local cloud's; omit with --table for AWS)
  --table NAME        table name (default: the running local cloud's), e.g. jetway-prod-jetway
  --region REGION     AWS region (default $AWS_REGION or us-east-1)
  --s3-endpoint URL   an S3-compatible endpoint (path-style addressing), e.g. a local server
  --brokers H:P,…     Kafka for the dead letters (flight-schedule.dlq, passenger-manifests.dlq);
                      default: the running local cloud's
  --dlq-file FILE     append dead letters as NDJSON to FILE instead of Kafka
  --data-dir DIR      the local cloud's data dir (default .jetway/cloud)
  --batch N           messages per batch (default 500)
  --json              print the summary as JSON`;

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export async function runImportCli(argv: string[], io: CliIo = process): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        endpoint: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        's3-endpoint': { type: 'string' },
        brokers: { type: 'string' },
        'dlq-file': { type: 'string' },
        'data-dir': { type: 'string' },
        batch: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`one location expected\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) {
    io.stderr.write(`--batch must be 1-10000\n${IMPORT_USAGE}\n`);
    return 2;
  }
  let location: ReturnType<typeof parseLocation>;
  try {
    location = parseLocation(positionals[0]!);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const cloud = str('table') && !str('endpoint') ? null : readCloudFile(str('data-dir') ?? DEFAULT_CLOUD_DIR);
  const endpoint = str('endpoint') ?? cloud?.dynamodbEndpoint;
  const table = str('table') ?? (cloud ? tableName(MAIN_TABLE, cloud.tablePrefix) : undefined);
  if (!table) {
    io.stderr.write('no table: start the local cloud (`npm run cloud`) or give --table (and --endpoint for DynamoDB Local)\n');
    return 2;
  }
  const region = str('region') ?? process.env.AWS_REGION ?? 'us-east-1';
  const ctx = { ...createDataContext({ region, ...(endpoint ? { endpoint } : {}) }), table };

  const brokers = (str('brokers') ?? cloud?.kafkaBrokers.join(',') ?? '').split(',').filter(Boolean);
  let producer: Producer | null = null;
  let deadLetters: { schedule: DeadLetterSink; manifest: DeadLetterSink };
  const dlqFile = str('dlq-file');
  if (dlqFile) {
    const sink: DeadLetterSink = { send: async (l) => appendFileSync(dlqFile, `${JSON.stringify(l)}\n`) };
    deadLetters = { schedule: sink, manifest: sink };
  } else if (brokers.length) {
    producer = new Kafka({ clientId: 'jetway-import', brokers, logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    deadLetters = { schedule: kafkaDeadLetterSink(producer, SCHEDULE_DLQ_TOPIC), manifest: kafkaDeadLetterSink(producer, MANIFEST_DLQ_TOPIC) };
  } else {
    io.stderr.write('where should dead letters go? give --brokers or --dlq-file\n');
    return 2;
  }
  const s3 =
    location.scheme === 's3'
      ? new S3Client({ region, ...(str('s3-endpoint') ? { endpoint: str('s3-endpoint')!, forcePathStyle: true } : {}) })
      : null;
  const store = location.scheme === 's3' ? s3Store(s3!, location.bucket) : fileStore(location.root);
  const t0 = performance.now();
  try {
    // One sink per kind: a line's dead letter goes to its own feed's DLQ.
    const route: DeadLetterSink = { send: (l) => (/\/manifests\//.test(l.topic) ? deadLetters.manifest : deadLetters.schedule).send(l) };
    const summary = await importFeeds({ ctx, deadLetters: route }, store, location.prefix, {
      batchSize: batch,
      onProgress: (p) => {
        if (!values.json) io.stderr.write(`\r${p.key}: ${p.lines} lines, ${p.written} written   `);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (values.json) io.stdout.write(`${JSON.stringify({ ...summary, seconds })}\n`);
    else {
      io.stderr.write('\n');
      for (const o of summary.objects) io.stdout.write(`${o.key}  ${o.kind}  ${o.lines} lines  ${o.written} written  ${o.unchanged} unchanged  ${o.deadLettered} dead-lettered\n`);
      if (summary.ignored.length) io.stdout.write(`ignored (not under schedule/ or manifests/): ${summary.ignored.join(', ')}\n`);
      io.stdout.write(`${summary.lines} messages in ${seconds.toFixed(1)} s: ${summary.written} entities written, ${summary.unchanged} unchanged, ${summary.deadLettered} dead-lettered\n`);
    }
    return summary.deadLettered > 0 ? 1 : 0;
  } catch (e) {
    io.stderr.write(`\nimport failed: ${(e as Error).message}\n(run it again: what was loaded is skipped)\n`);
    return 1;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    s3?.destroy();
    ctx.doc.destroy();
  }
}

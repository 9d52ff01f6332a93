import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
// @ts-expect-error -- s3rver ships no type declarations
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataContext } from '../../src/data/client.js';
import { seedDemoData } from '../../src/data/seed.js';
import { runImportCli } from '../../src/feeds/import-cli.js';
import { manifestMessages, scheduleMessage } from '../../src/feeds/messages.js';
import { fileStore, importFeeds } from '../../src/feeds/s3-import.js';
import type { DeadLetter } from '../../src/ingest/processor.js';
import { demoData } from '../../src/local/demo/index.js';
import { startServices, type Services } from '../helpers/stack.js';

/**
 * The initial load from S3 (feeds/s3-import.ts) through the AWS SDK's S3 client against s3rver, a
 * local S3-compatible server started here (S3 itself cannot run on this machine), and the same
 * layout from a folder (the file:// adapter): both build the fixture seeder's state; a bad line is
 * dead-lettered with its object and line; a second run changes nothing.
 */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

let s: Services;
let s3server: S3rverInstance;
let s3: S3Client;
let s3Url: string;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'jetway-feeds-s3-'));
const BUCKET = 'jetway-initial-load';
const PREFIX = 'load/2026-11-24';
const data = demoData({ today: '2026-11-24', passengers: 150 });
const o = { version: 20_000, source: 'airline-export', at: '2026-11-24T03:00:00Z' };
const scheduleLines = data.flights.map((f) => JSON.stringify(scheduleMessage(f, o)));
const manifestLines = manifestMessages(data.flights, data.passengers, data.bookings, o).map((m) => JSON.stringify(m));
const bad = JSON.stringify({ ...(JSON.parse(manifestLines[0]!) as object), message_id: 'bad-1', pnr: { record_locator: 'lower', passengers: [], segments: [] } });
// Line 3 of the manifests object is the bad one; line 5 is blank.
const manifestText = [manifestLines[0], manifestLines[1], bad, manifestLines[2], '', ...manifestLines.slice(3)].join('\n');

beforeAll(async () => {
  s = await startServices();
  s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(tmp, 's3'), configureBuckets: [{ name: BUCKET }] }) as S3rverInstance;
  const { port } = await s3server.run();
  s3Url = `http://127.0.0.1:${port}`;
  s3 = new S3Client({ endpoint: s3Url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const put = (Key: string, Body: Buffer | string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  await put(`${PREFIX}/schedule/part-0001.ndjson.gz`, gzipSync(scheduleLines.join('\n')));
  await put(`${PREFIX}/manifests/part-0001.ndjson`, manifestText);
  await put(`${PREFIX}/README.txt`, 'export of 2026-11-24');
});
afterAll(async () => {
  s3?.destroy();
  await s3server?.close();
  await s?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function entities(ctx: DataContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const it of r.Items ?? []) if (['flight', 'booking', 'passenger'].includes(String(it.entityType))) out[`${String(it.PK)}|${String(it.SK)}`] = it;
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

function io() {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } }, out: () => out, err: () => err };
}

describe('the initial load', () => {
  let expected: Record<string, unknown>;
  beforeAll(async () => {
    const { ctx } = await s.newTables();
    // Passengers without a booking have no PNR: the load never names them.
    const booked = new Set(data.bookings.map((b) => b.passengerId));
    await seedDemoData(ctx, { ...data, passengers: data.passengers.filter((p) => booked.has(p.id)) });
    expected = await entities(ctx);
  });

  it('`npm run cloud -- import s3://…` loads the schedule then the PNRs, dead-letters a bad line, and a second run changes nothing', async () => {
    const { ctx } = await s.newTables();
    const dlq = path.join(tmp, 'dead-letters.ndjson');
    const argv = [`s3://${BUCKET}/${PREFIX}`, '--endpoint', s.dynamo.endpoint, '--table', ctx.table, '--s3-endpoint', s3Url, '--dlq-file', dlq, '--json'];
    const env = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    try {
      // Act
      const first = io();
      expect(await runImportCli(argv, first.io), first.err()).toBe(1); // 1: something was dead-lettered
      // Assess
      const summary = JSON.parse(first.out()) as { lines: number; written: number; deadLettered: number; ignored: string[]; objects: { key: string; kind: string }[] };
      expect(summary).toMatchObject({ lines: scheduleLines.length + manifestLines.length + 1, deadLettered: 1, ignored: [`${PREFIX}/README.txt`] });
      expect(summary.objects.map((x) => [x.key, x.kind])).toEqual([
        [`${PREFIX}/schedule/part-0001.ndjson.gz`, 'schedule'],
        [`${PREFIX}/manifests/part-0001.ndjson`, 'manifest'],
      ]);
      expect(await entities(ctx)).toEqual(expected);
      const letters = readFileSync(dlq, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetter);
      expect(letters).toMatchObject([{ reason: 'SCHEMA_VIOLATION', errorPath: 'pnr.record_locator', eventId: 'bad-1', topic: `s3://${BUCKET}/${PREFIX}/manifests/part-0001.ndjson`, offset: '3', originalValue: bad }]);

      const second = io();
      expect(await runImportCli(argv, second.io)).toBe(1);
      expect(JSON.parse(second.out())).toMatchObject({ written: 0, unchanged: scheduleLines.length + manifestLines.length, deadLettered: 1 });
    } finally {
      process.env = env;
    }
  });

  it('the same layout in a folder (file://) builds the same state', async () => {
    const { ctx } = await s.newTables();
    const root = path.join(tmp, 'export');
    mkdirSync(path.join(root, 'schedule'), { recursive: true });
    mkdirSync(path.join(root, 'manifests'), { recursive: true });
    writeFileSync(path.join(root, 'schedule', 'flights.ndjson'), scheduleLines.join('\n'));
    writeFileSync(path.join(root, 'manifests', 'pnrs.ndjson.gz'), gzipSync(manifestLines.join('\n')));
    const letters: DeadLetter[] = [];
    const r = await importFeeds({ ctx, deadLetters: { send: async (l) => void letters.push(l) } }, fileStore(root), '', { batchSize: 97 });
    expect(letters).toEqual([]);
    expect(r).toMatchObject({ lines: scheduleLines.length + manifestLines.length, deadLettered: 0 });
    expect(await entities(ctx)).toEqual(expected);
  });

  it('refuses a bad location or missing target with a usage error', async () => {
    for (const argv of [[], ['http://example.com/x'], ['s3://b/p', '--batch', '0'], ['s3://b/p', '--nope']]) {
      const c = io();
      expect(await runImportCli(argv, c.io)).toBe(2);
      expect(c.err()).toContain('usage: npm run cloud -- import');
    }
  });
});

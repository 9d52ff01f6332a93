/**
 * Desk initial sync of a big station (issue #10, SYNC.md "initial sync of a big station must be
 * paged, resumable, show progress"). Group `desk` (`npm run bench -- desk` runs every
 * bench/desk*.ts; this file alone: `npm run bench -- desk-sync`).
 *
 * Setup: DynamoDB Local + cognito-local + the local cloud's API in this process (no Kafka). The
 * station PHX holds 100,000 entities (2,000 flights, 40,000 passengers, 40,000 bookings, 18,000
 * cases), written with BatchWrite as the compactor's SNAP#PHX items (the exact item format
 * data/compaction.ts writes, read by the real snapshot route) with SNAPSTATE#PHX and a change log
 * trimmed to its head: what a real desk meets when it first syncs a station whose log was
 * compacted. Writing them through commitWithLog + the compactor would only make the setup
 * minutes longer; the desk receives the same bytes. Then the compactor's pack step
 * (data/snapshot-pack.ts, run in the background in production) packs them, as it would right after
 * the compaction: the desk's bootstrap reads the pack's chunks (gzip NDJSON, decoded on the desk).
 * BENCH_SNAPSHOT=json: the server decodes the chunks (no `encoding=gzip`); BENCH_SNAPSHOT=snap: no
 * pack, SNAP# items paged as before packs.
 *
 * Measured: a fresh desk (createDesk, SQLCipher-encrypted SQLite file, a random 256-bit raw key as
 * the desk's key providers give) signs in as agent.phx; from its first snapshot
 * request to the last row committed in its SQLite (bootstrap done, cursor set):
 *   desk.initial_sync_seconds                target ≤ 10
 *   desk.initial_sync_apply_vs_bare_insert   the SQLite apply part (time inside the page
 *                                            transactions) ÷ a bare prepared INSERT of the same
 *                                            rows (id, version, JSON) into a plain table of the
 *                                            same database, same page transactions; target ≤ 3
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDataContext, type DataContext } from '../backend/src/data/client.js';
import { keys } from '../backend/src/data/keys.js';
import { batchWrite } from '../backend/src/data/repositories.js';
import { packStation } from '../backend/src/data/snapshot-pack.js';
import { startBackendApp } from '../backend/src/local/app.js';
import { startCognitoLocal } from '../backend/src/local/services/cognito.js';
import { createTables, localDynamoClient, startDynamoDbLocal } from '../backend/src/local/services/dynamodb.js';
import { startSmtpSink } from '../backend/src/local/services/smtp.js';
import { createDesk } from '../src/main/services.js';
import type { Change, SnapshotResponse } from '../src/shared/sync/protocol.js';

const STATION = 'PHX';
const COUNTS = { flight: 2_000, passenger: 40_000, booking: 40_000, case: 18_000 };
const LOG_HEAD = 1_000;

export function* entities(): Generator<Change> {
  const day = '2026-12-02';
  const flightId = (i: number) => `SW${String(1000 + i)}-${day}`;
  for (let i = 0; i < COUNTS.flight; i++) {
    const dep = new Date(Date.UTC(2026, 11, 2, 5, 0) + i * 30_000).toISOString();
    const data = {
      id: flightId(i),
      carrier: 'SW',
      number: String(1000 + i),
      origin: i % 2 ? STATION : 'DAL',
      destination: i % 2 ? 'OAK' : STATION,
      scheduledDeparture: dep,
      scheduledArrival: new Date(Date.parse(dep) + 2 * 3600_000).toISOString(),
      estimatedDeparture: null,
      estimatedArrival: null,
      actualDeparture: null,
      actualArrivalDoorOpen: null,
      status: i % 17 === 0 ? 'CANCELLED' : 'SCHEDULED',
      gate: `B${i % 40}`,
      terminal: '4',
      aircraft: 'B737-800',
      delayMinutes: 0,
      version: 3,
    };
    yield { kind: 'flight', id: data.id, version: 3, op: 'put', data };
  }
  for (let i = 0; i < COUNTS.passenger; i++) {
    const id = `PX${String(i).padStart(6, '0')}`;
    const data = {
      id,
      firstName: `Given${i % 997}`,
      lastName: `Family${i % 4999}`,
      email: `p${i}@example.com`,
      phone: `+1602555${String(i % 10000).padStart(4, '0')}`,
      loyaltyNumber: i % 3 ? `RR${i}` : null,
      tier: i % 5 === 0 ? 'A-LIST' : 'MEMBER',
      language: 'en',
      contact: { email: true, sms: i % 2 === 0, push: false },
      specialRequests: i % 50 === 0 ? ['WCHR'] : [],
      version: 1,
    };
    yield { kind: 'passenger', id, version: 1, op: 'put', data };
  }
  for (let i = 0; i < COUNTS.booking; i++) {
    const id = `BK${String(i).padStart(6, '0')}`;
    const data = {
      id,
      pnr: `Q${String(i).padStart(5, '0')}`,
      passengerId: `PX${String(i).padStart(6, '0')}`,
      flightId: flightId(i % COUNTS.flight),
      seat: `${1 + (i % 30)}${'ABCDEF'[i % 6]}`,
      fareClass: 'Y',
      cabin: 'economy',
      fare: { amountMinor: 15900, currency: 'USD' },
      status: 'CONFIRMED',
      bagsChecked: i % 3,
      version: 2,
    };
    yield { kind: 'booking', id, version: 2, op: 'put', data };
  }
  for (let i = 0; i < COUNTS.case; i++) {
    const flight = flightId((i * 7) % COUNTS.flight);
    const pax = `PX${String(i).padStart(6, '0')}`;
    const id = `CASE-${flight}-${pax}`;
    const data = {
      id,
      flightId: flight,
      disruptionId: `${flight}-CANCELLATION`,
      passengerId: pax,
      bookingId: `BK${String(i).padStart(6, '0')}`,
      status: i % 4 === 0 ? 'IN_PROGRESS' : 'OPEN',
      policyVersion: 'reference@2026-11',
      primaryRegime: 'us-dot',
      needsReview: [],
      stations: [STATION, 'OAK'],
      assignee: i % 4 === 0 ? 'agent.phx' : null,
      openedAt: '2026-12-02T06:00:00.000Z',
      statusSince: '2026-12-02T06:00:00.000Z',
      version: 4,
    };
    yield { kind: 'case', id, version: 4, op: 'put', data };
  }
}

/** SNAP#PHX items exactly as the compactor writes them, 25 per BatchWrite, 8 requests in flight. */
export async function writeSnapshot(ctx: DataContext): Promise<number> {
  const all = [...entities()];
  await batchWrite(
    ctx,
    all.map((c, i) => ({
      PutRequest: {
        Item: {
          ...keys.snapshotItem(STATION, c.kind, c.id),
          entityType: 'snap',
          station: STATION,
          kind: c.kind,
          id: c.id,
          version: c.version,
          op: c.op,
          data: c.data,
          seq: 1 + Math.floor((i / all.length) * (LOG_HEAD - 1)),
        },
      },
    })),
    'desk-sync setup',
    8,
  );
  const at = new Date().toISOString();
  // The log was compacted to its head and trimmed: a new desk must bootstrap from the snapshot.
  await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.epoch(), entityType: 'epoch', epoch: '01BENCHEPOCH0000000000000', createdAt: at } }));
  await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.stationCounter(STATION), seq: LOG_HEAD, station: STATION, updatedAt: at } }));
  await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.stationRegistry(STATION), entityType: 'station', station: STATION } }));
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.table,
      Item: { ...keys.snapshotState(STATION), entityType: 'snapstate', station: STATION, compactedSeq: LOG_HEAD, trimmedSeq: LOG_HEAD, itemCount: all.length, updatedAt: at },
    }),
  );
  return all.length;
}

export default async function run(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-desk-sync-'));
  const [dynamo, cognito, smtp] = await Promise.all([startDynamoDbLocal(), startCognitoLocal(), startSmtpSink()]);
  const prev = process.env.JETWAY_COMPACT_INTERVAL_SECONDS;
  process.env.JETWAY_COMPACT_INTERVAL_SECONDS = '0';
  const client = localDynamoClient(dynamo.endpoint);
  let app: Awaited<ReturnType<typeof startBackendApp>> | null = null;
  let desk: ReturnType<typeof createDesk> | null = null;
  try {
    await createTables(client, 'bench_');
    const ctx = createDataContext({ endpoint: dynamo.endpoint, tablePrefix: 'bench_' });
    const t0 = performance.now();
    const rows = await writeSnapshot(ctx);
    console.log(`  setup: ${rows} SNAP items written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const mode = process.env.BENCH_SNAPSHOT ?? 'gzip';
    if (mode !== 'snap') {
      const p0 = performance.now();
      const p = await packStation(ctx, STATION, { compactedSeq: LOG_HEAD, trimBlocked: false, now: new Date(), deadline: Number.POSITIVE_INFINITY });
      const c = p.current!;
      console.log(
        `  setup: pack ${c.packId}: ${c.rows} rows in ${c.chunks} chunks (${(c.gzipBytes / 1024).toFixed(0)} KB gzip of ${(c.rawBytes / 1048576).toFixed(1)} MB) in ${((performance.now() - p0) / 1000).toFixed(1)} s`,
      );
    }
    app = await startBackendApp({
      dynamodbEndpoint: dynamo.endpoint,
      tablePrefix: 'bench_',
      kafkaBrokers: [],
      cognito,
      smtpPort: smtp.port,
      ingest: false,
    });

    let firstRequestAt = 0;
    let pages = 0;
    const fetchSpy: typeof fetch = (input, init) => {
      if (firstRequestAt === 0 && String(input).includes('/v1/sync/snapshot')) firstRequestAt = performance.now();
      if (mode === 'json' && String(input).includes('/v1/sync/snapshot')) return fetch(String(input).replace('&encoding=gzip', ''), init);
      return fetch(input, init);
    };
    const key = `x'${crypto.randomBytes(32).toString('hex')}'`;
    desk = createDesk({ dataDir: path.join(tmp, 'desk'), apiUrl: app.apiUrl, cognito, fetch: fetchSpy, keyProvider: { getKey: () => key }, log: () => undefined });
    if (fs.readFileSync(path.join(tmp, 'desk', 'desk.db')).subarray(0, 15).equals(Buffer.from('SQLite format 3')))
      throw new Error('the desk database is not encrypted');
    // Time inside the page transactions, and the rows they carried (for the bare insert).
    const engine = desk.engine;
    const received: Change[][] = [];
    let applyMs = 0;
    const apply = engine.applySnapshotPage.bind(engine);
    engine.applySnapshotPage = (station: string, res: SnapshotResponse) => {
      const a = performance.now();
      const out = apply(station, res);
      applyMs += performance.now() - a;
      received.push(res.changes);
      pages += 1;
      return out;
    };
    const r = await desk.dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' });
    if (!r.ok) throw new Error(`sign-in failed: ${JSON.stringify(r)}`);
    const deadline = Date.now() + 300_000;
    while (!(engine.bootstraps().length === 0 && engine.cursors().some((c) => c.station === STATION && c.cursor >= LOG_HEAD))) {
      if (Date.now() > deadline) throw new Error(`bootstrap not done after 300 s: ${JSON.stringify(engine.bootstraps())}`);
      await new Promise((res) => setTimeout(res, 5));
    }
    const doneAt = performance.now();
    const totalS = (doneAt - firstRequestAt) / 1000;
    const cached =
      (desk.db.prepare('SELECT (SELECT count(*) FROM flight) + (SELECT count(*) FROM passenger) + (SELECT count(*) FROM booking) + (SELECT count(*) FROM case_file)').pluck().get() as number);
    if (cached !== rows) throw new Error(`desk holds ${cached} rows, expected ${rows}`);

    // The bare insert: the same rows, same page transactions, into a plain table of the same DB.
    const db = desk.db;
    db.exec('CREATE TABLE bench_bare (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL) STRICT');
    const ins = db.prepare('INSERT INTO bench_bare (id, version, data) VALUES (?, ?, ?)');
    const b0 = performance.now();
    for (const page of received) {
      db.transaction(() => {
        for (const c of page) ins.run(`${c.kind}:${c.id}`, c.version, JSON.stringify(c.data));
      })();
    }
    const bareMs = performance.now() - b0;
    db.exec('DROP TABLE bench_bare');
    console.log(
      `  ${rows} rows in ${pages} pages: ${totalS.toFixed(2)} s end to end; apply ${(applyMs / 1000).toFixed(2)} s, bare insert ${(bareMs / 1000).toFixed(2)} s`,
    );
    return {
      'desk.initial_sync_seconds': { value: Number(totalS.toFixed(2)), unit: 's', target: '≤ 10 (100,000 rows, first snapshot request → last row committed)' },
      'desk.initial_sync_apply_vs_bare_insert': {
        value: Number((applyMs / bareMs).toFixed(2)),
        unit: '×',
        target: '≤ 3 (SQLite apply ÷ bare prepared INSERT of the same rows)',
      },
    };
  } finally {
    await desk?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    client.destroy();
    await Promise.allSettled([dynamo.stop(), cognito.stop(), smtp.stop()]);
    if (prev === undefined) delete process.env.JETWAY_COMPACT_INTERVAL_SECONDS;
    else process.env.JETWAY_COMPACT_INTERVAL_SECONDS = prev;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

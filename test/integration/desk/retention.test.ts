import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitWithLog, putChange, readHead } from '../../../backend/src/data/changelog.js';
import type { DataContext } from '../../../backend/src/data/client.js';
import { keys, snapshotPartition } from '../../../backend/src/data/keys.js';
import { queryAll } from '../../../backend/src/data/query-all.js';
import { items } from '../../../backend/src/data/repositories.js';
import type { BackendApp } from '../../../backend/src/local/app.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { startApiStack, type Services } from '../../../backend/test/helpers/stack.js';
import { ENTITY_TABLES } from '../../../src/main/db/entities.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { caseId, type Flight } from '../../../src/shared/domain/index.js';
import type { CommandResult } from '../../../src/shared/sync/protocol.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { callDesk, until as waitUntil } from './helpers.js';

// Issue #10 acceptance: retention and bootstrap against the REAL backend (local cloud API,
// DynamoDB Local, cognito-local) with createDesk. The server compacts and trims its change log
// past a desk's cursor; the desk bootstraps the station from GET /v1/sync/snapshot, resumably,
// keeping its outbox. The compaction timer is off: the test runs compaction itself, with a clock
// past the retention horizon.

const FLIGHT = fpInstance('SW9012');
const CASE1 = caseId(FLIGHT, 'GX0001');
const CASE2 = caseId(FLIGHT, 'GX0002');
const PASSWORD = 'Jetway-demo-1';
const DAY = 24 * 3600 * 1000;
const pastHorizon = () => new Date(Date.now() + 8 * DAY);

let s: Services;
let app: BackendApp;
let ctx: DataContext;
const network = { up: true };
/** Snapshot requests (page token, null = first) and push results seen by the desks' fetch. */
const snapshotPages: (string | null)[] = [];
const pushResults: CommandResult[] = [];
/** Make the next snapshot request after `n` more fail (a crash mid-bootstrap). */
const cut = { afterPages: Number.POSITIVE_INFINITY };

const observingFetch: typeof fetch = async (input, init) => {
  if (!network.up) throw new TypeError('fetch failed');
  const url = new URL(String(input));
  if (url.pathname === '/v1/sync/snapshot') {
    if (cut.afterPages <= 0) throw new TypeError('fetch failed (crash mid-bootstrap)');
    cut.afterPages -= 1;
    snapshotPages.push(url.searchParams.get('page'));
  }
  const res = await fetch(input, init);
  if (url.pathname === '/v1/sync/push' && res.ok)
    pushResults.push(...((await res.clone().json()) as { results: CommandResult[] }).results);
  return res;
};

function openDesk(dataDir: string, snapshotPageSize = 1000): Desk {
  return createDesk({
    dataDir,
    apiUrl: app.apiUrl,
    cognito: s.cognito!,
    fetch: observingFetch,
    sync: { waitSeconds: 1, minPollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 400 }, snapshotPageSize },
    log: process.env.DESK_TEST_LOG ? (m) => console.log(m) : () => undefined,
  });
}

const until = (fn: () => unknown, what: string, timeoutMs = 30_000) => waitUntil(fn, what, timeoutMs);
const call = callDesk;
const signIn = (desk: Desk) => call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });

/** The server's state of a station: its compacted snapshot, as kind:id → version (puts) or null (tombstones). */
async function serverState(station: string): Promise<Map<string, number | null>> {
  await app.compact();
  const out = new Map<string, number | null>();
  const rows = await queryAll(ctx, {
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': snapshotPartition(station) },
    ProjectionExpression: 'kind, id, version, op',
    ConsistentRead: true,
  });
  for (const it of rows) out.set(`${it.kind}:${it.id}`, it.op === 'delete' ? null : (it.version as number));
  return out;
}

/** The desk's cache as kind:id → version. */
function deskState(desk: Desk): Map<string, number> {
  const out = new Map<string, number>();
  for (const [kind, def] of Object.entries(ENTITY_TABLES)) {
    for (const r of desk.db.prepare(`SELECT id, version FROM ${def.table}`).all() as { id: string; version: number }[])
      out.set(`${kind}:${r.id}`, r.version);
  }
  return out;
}

/** The desk holds exactly the server's live entities of the station, at the same versions. */
async function expectCacheEqualsServer(desk: Desk): Promise<void> {
  const server = await serverState('PHX');
  const live = new Map([...server].filter(([, v]) => v !== null) as [string, number][]);
  expect(live.size).toBeGreaterThan(20);
  expect(deskState(desk)).toEqual(live);
}

/** A flight at PHX written the normal way (business item + change-log entry in one transaction). */
async function putFlight(f: Flight): Promise<void> {
  await commitWithLog(ctx, { items: [{ Put: { TableName: ctx.table, Item: items.flight(f) } }], changes: [putChange('flight', f)], stations: ['PHX'] });
}
const extraFlight = (id: string, version: number): Flight => ({
  id,
  carrier: 'ZZ',
  number: id.slice(2, 6),
  origin: 'PHX',
  destination: 'OAK',
  scheduledDeparture: '2025-01-15T20:00:00Z',
  scheduledArrival: '2025-01-15T22:00:00Z',
  estimatedDeparture: null,
  estimatedArrival: null,
  actualDeparture: null,
  actualArrivalDoorOpen: null,
  status: 'SCHEDULED',
  gate: `G${version}`,
  terminal: null,
  aircraft: null,
  delayMinutes: 0,
  version,
});

beforeAll(async () => {
  // The test drives compaction itself (app.compact()); no timer.
  process.env.JETWAY_COMPACT_INTERVAL_SECONDS = '0';
  ({ s, ctx, app } = await startApiStack({ data: flightpulseData(3), users: [] }));
  await putFlight(extraFlight('ZZ0001-2025-01-15', 1));
});

afterAll(async () => {
  delete process.env.JETWAY_COMPACT_INTERVAL_SECONDS;
  await app?.stop();
  await s?.stop();
});

describe('retention and bootstrap (issue #10)', () => {
  const dirA = path.join(tempDir(), 'desk-a');

  it('a desk back after the log was trimmed past its cursor resyncs from the snapshot and keeps its queued commands', async () => {
    // Prepare: desk A syncs PHX, then goes offline and queues two notes.
    let desk = openDesk(dirA);
    await signIn(desk);
    await until(() => desk.dispatch('case:get', { caseId: CASE2 }).then((r) => r.ok), 'cases cached');
    await until(() => deskState(desk).has('flight:ZZ0001-2025-01-15'), 'extra flight cached');
    const cursorBefore = desk.engine.cursors().find((c) => c.station === 'PHX')!.cursor;
    network.up = false;
    const n1 = (await call<{ commandId: string }>(desk, 'case:note', { caseId: CASE1, text: 'offline note 1' })).commandId;
    const n2 = (await call<{ commandId: string }>(desk, 'case:note', { caseId: CASE2, text: 'offline note 2' })).commandId;
    await desk.close();
    // The server moves on: a flight changes twice, the extra flight is deleted, another appears.
    const f = extraFlight('ZZ0002-2025-01-15', 1);
    await putFlight(f);
    await putFlight({ ...f, gate: 'B7', version: 2 });
    await commitWithLog(ctx, {
      items: [{ Delete: { TableName: ctx.table, Key: keys.flight('ZZ0001-2025-01-15') } }],
      changes: [{ kind: 'flight', id: 'ZZ0001-2025-01-15', version: 2, op: 'delete', data: null }],
      stations: ['PHX'],
    });
    // … and compacts and trims its log past the desk's cursor.
    const r = (await app.compact({ now: pastHorizon })).find((x) => x.station === 'PHX');
    expect(r).toMatchObject({ station: 'PHX', done: true });
    expect(r!.trimmedSeq).toBeGreaterThan(cursorBefore);
    // Act: the desk comes back.
    network.up = true;
    snapshotPages.length = 0;
    desk = openDesk(dirA);
    await signIn(desk);
    // Assess: it bootstrapped PHX from the snapshot (one page), kept its two notes, pushed them,
    // and they were applied and came back through the log.
    const outboxCount = () => desk.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    await until(() => outboxCount() === 0, 'queued notes pushed and confirmed');
    expect(snapshotPages).toEqual([null]);
    expect(pushResults.filter((x) => [n1, n2].includes(x.commandId)).map((x) => x.status)).toEqual(['applied', 'applied']);
    expect(desk.engine.bootstraps()).toEqual([]);
    expect(deskState(desk).get('flight:ZZ0002-2025-01-15')).toBe(2);
    expect(deskState(desk).has('flight:ZZ0001-2025-01-15')).toBe(false);
    await until(async () => {
      const server = await serverState('PHX');
      return [...server].every(([k, v]) => (v === null ? !deskState(desk).has(k) : deskState(desk).get(k) === v));
    }, 'desk caught up with the server');
    await expectCacheEqualsServer(desk);
    const cursor = desk.engine.cursors().find((c) => c.station === 'PHX')!;
    expect(cursor.cursor).toBe(await readHead(ctx, 'PHX'));
    await desk.close();
  });

  it('a new desk on a trimmed station gets everything from the packed snapshot, and resumes an interrupted bootstrap mid-pack from the next page', async () => {
    // Prepare: trim everything again, with a pack of small chunks (a page = 4 chunks); a
    // brand-new desk crashes after page 3.
    await app.compact({ now: pastHorizon, pack: { force: true, chunkRawBytes: 300 } });
    const dir = path.join(tempDir(), 'desk-new');
    snapshotPages.length = 0;
    cut.afterPages = 3;
    let desk = openDesk(dir, 7);
    await signIn(desk);
    await until(() => desk.engine.bootstraps()[0]?.pages === 3 && cut.afterPages <= 0, 'three pages applied');
    await new Promise((r) => setTimeout(r, 300)); // the 4th request fails (network) and is retried: still failing
    const progress = desk.engine.bootstraps()[0]!;
    expect(progress).toMatchObject({ station: 'PHX', pages: 3 });
    expect(progress.applied).toBeGreaterThanOrEqual(12); // 12 chunks of at least one change
    expect(progress.total).toBeGreaterThan(progress.applied);
    const status = await call<{ bootstrap: { station: string; applied: number; total: number }[] }>(desk, 'sync:status');
    expect(status.bootstrap).toEqual([{ station: 'PHX', applied: progress.applied, total: progress.total }]);
    const firstThree = [...snapshotPages];
    expect(firstThree).toHaveLength(3);
    await desk.close();
    // Act: reopen (the "restart"); the network is fine again.
    cut.afterPages = Number.POSITIVE_INFINITY;
    desk = openDesk(dir, 7);
    await signIn(desk);
    await until(() => desk.engine.bootstraps().length === 0 && desk.engine.cursors().length === 1, 'bootstrap done');
    // Assess: page 4 was the first page asked after the restart (not page 1 again).
    const afterRestart = snapshotPages.slice(3);
    expect(afterRestart[0]).toBe(progress.nextPage);
    expect(afterRestart[0]).not.toBeNull();
    expect(new Set(snapshotPages).size).toBe(snapshotPages.length); // no page fetched twice
    await until(async () => {
      const server = await serverState('PHX');
      return [...server].every(([k, v]) => (v === null ? !deskState(desk).has(k) : deskState(desk).get(k) === v));
    }, 'new desk caught up with the server');
    await expectCacheEqualsServer(desk);
    await desk.close();
  });

  it('a pack replaced mid-bootstrap: finished from the old pack during its grace period, restarted from the new one after it', async () => {
    const packToken = (t: string | null) => (t === null ? null : (JSON.parse(Buffer.from(t, 'base64url').toString()) as { p: string }).p);
    const interrupted = async (dir: string) => {
      snapshotPages.length = 0;
      cut.afterPages = 2;
      const d = openDesk(dir);
      await signIn(d);
      await until(() => d.engine.bootstraps()[0]?.pages === 2 && cut.afterPages <= 0, 'two pages applied');
      const progress = d.engine.bootstraps()[0]!;
      await d.close();
      cut.afterPages = Number.POSITIVE_INFINITY;
      return progress;
    };
    const finish = async (dir: string) => {
      const d = openDesk(dir);
      await signIn(d);
      await until(() => d.engine.bootstraps().length === 0 && d.engine.cursors().length === 1, 'bootstrap done');
      await until(async () => {
        const server = await serverState('PHX');
        return [...server].every(([k, v]) => (v === null ? !deskState(d).has(k) : deskState(d).get(k) === v));
      }, 'desk caught up with the server');
      await expectCacheEqualsServer(d);
      expect(d.engine.cursors()[0]!.cursor).toBe(await readHead(ctx, 'PHX'));
      await d.close();
    };
    // Prepare: a pack A of small chunks; a new desk stops after 2 pages of it.
    const small = { force: true, chunkRawBytes: 300 };
    await app.compact({ now: pastHorizon, pack: small });
    const dirC = path.join(tempDir(), 'desk-c');
    const c = await interrupted(dirC);
    const packA = packToken(c.nextPage);
    // Act 1: the server moves on and packs again (pack B; A retired, kept for its grace period).
    await putFlight(extraFlight('ZZ0003-2025-01-15', 1));
    await app.compact({ now: pastHorizon, pack: small });
    snapshotPages.length = 0;
    await finish(dirC);
    // Assess 1: the desk went on with pack A (its token), from the page after its last one.
    expect(snapshotPages[0]).toBe(c.nextPage);
    expect(snapshotPages.filter((p) => p !== null).every((p) => packToken(p) === packA)).toBe(true);

    // Prepare 2: another new desk stops mid-pack B.
    const dirD = path.join(tempDir(), 'desk-d');
    const d = await interrupted(dirD);
    const packB = packToken(d.nextPage);
    expect(packB).not.toBe(packA);
    // Act 2: a pack C replaces B, and B's grace period ends (its chunks are deleted).
    await putFlight(extraFlight('ZZ0004-2025-01-15', 1));
    await app.compact({ now: pastHorizon, pack: small });
    await app.compact({ now: () => new Date(Date.now() + 9 * DAY), pack: { graceMs: 0 } });
    snapshotPages.length = 0;
    await finish(dirD);
    // Assess 2: B's token was refused (410), the desk started again from the first page (pack C).
    expect(snapshotPages[0]).toBe(d.nextPage);
    expect(snapshotPages[1]).toBeNull();
    expect(snapshotPages.slice(2).every((p) => p !== null && packToken(p) !== packB)).toBe(true);
  });
});

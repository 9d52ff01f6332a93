import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, SnapshotResponse } from '../../../src/shared/sync/protocol.js';
import { commitWithLog, readLog, readRetentionFloor } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { compactStation, compactUntilDone, discoverStations, listStations, readSnapshotState } from '../../src/data/compaction.js';
import { keys, logPartition, snapshotPackPartition, snapshotPartition } from '../../src/data/keys.js';
import { queryAll } from '../../src/data/query-all.js';
import { decodeChunk, MAX_CHUNK_GZIP_BYTES, packStation, readPackHead } from '../../src/data/snapshot-pack.js';
import type { BackendApp } from '../../src/local/app.js';
import { runRestoreEpochCli } from '../../src/cli/sync.js';
import { apiClient } from '../helpers/api.js';
import { idToken, startApp, startServices, type Services } from '../helpers/stack.js';

// Compaction and retention against DynamoDB Local (data/compaction.ts), and the snapshot route.

let s: Services;

beforeAll(async () => {
  s = await startServices({ cognito: true });
});
afterAll(async () => {
  await s?.stop();
});

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `n` log entries to `station`: random puts and deletes over a small set of entities. */
async function writeRandomLog(ctx: DataContext, station: string, n: number, seed: number): Promise<void> {
  const rnd = prng(seed);
  const versions = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const changes: Change[] = [];
    const count = 1 + Math.floor(rnd() * 3);
    const touched = new Set<string>();
    for (let j = 0; j < count; j++) {
      const kind = rnd() < 0.5 ? 'case' : 'flight';
      const id = `${station}-${kind}-${Math.floor(rnd() * 12)}`;
      if (touched.has(`${kind}#${id}`)) continue;
      touched.add(`${kind}#${id}`);
      const v = (versions.get(`${kind}#${id}`) ?? 0) + 1;
      versions.set(`${kind}#${id}`, v);
      changes.push(
        rnd() < 0.15
          ? { kind, id, version: v, op: 'delete', data: null }
          : { kind, id, version: v, op: 'put', data: { id, version: v, note: `e${i}` } },
      );
    }
    await commitWithLog(ctx, { items: [], changes, stations: [station] });
  }
}

/** The reference: replay the whole log, newest version per entity wins. */
function replay(entries: { changes: Change[] }[]): Map<string, Change> {
  const out = new Map<string, Change>();
  for (const e of entries)
    for (const c of e.changes) {
      const k = `${c.kind}#${c.id}`;
      const seen = out.get(k);
      if (!seen || c.version > seen.version) out.set(k, c);
    }
  return out;
}

async function readSnapshot(ctx: DataContext, station: string): Promise<Map<string, Change>> {
  const out = new Map<string, Change>();
  const rows = await queryAll(ctx, {
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': snapshotPartition(station) },
    ConsistentRead: true,
  });
  for (const it of rows)
    out.set(`${it.kind}#${it.id}`, { kind: it.kind, id: it.id, version: it.version, op: it.op, data: it.data ?? null } as Change);
  return out;
}

async function logSeqs(ctx: DataContext, station: string): Promise<number[]> {
  const res = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': logPartition(station) },
      ProjectionExpression: 'seq',
    }),
  );
  return (res.Items ?? []).map((i) => i.seq as number);
}

describe('compaction (DynamoDB Local)', () => {
  it('the snapshot equals replaying the whole log, in bounded runs; re-running is harmless', async () => {
    // Prepare: 60 random entries on PHX.
    const { ctx } = await s.newTables();
    await writeRandomLog(ctx, 'PHX', 60, 42);
    const full = await readLog(ctx, 'PHX', 0, 1000);
    expect(full).toHaveLength(60);
    // Act: bounded runs (7 entries a page, 20 a run) until done.
    const first = await compactStation(ctx, 'PHX', { pageSize: 7, maxEntries: 20 });
    expect(first).toMatchObject({ from: 0, compactedSeq: 20, done: false });
    const final = await compactUntilDone(ctx, { pageSize: 7, maxEntries: 20 });
    // Assess
    expect(final).toEqual([expect.objectContaining({ station: 'PHX', compactedSeq: 60, done: true })]);
    const expected = replay(full);
    const snap = await readSnapshot(ctx, 'PHX');
    expect(snap).toEqual(expected);
    expect((await readSnapshotState(ctx, 'PHX')).itemCount).toBe(expected.size);
    expect(await listStations(ctx)).toEqual(['PHX']);
    // A table older than the registry: `jetway compact --discover` finds the station again.
    await ctx.doc.send(new DeleteCommand({ TableName: ctx.table, Key: keys.stationRegistry('PHX') }));
    expect(await listStations(ctx)).toEqual([]);
    expect(await discoverStations(ctx)).toEqual(['PHX']);
    expect(await listStations(ctx)).toEqual(['PHX']);

    // A crash after the puts but before the cursor moved: the run repeats from its old cursor.
    await ctx.doc.send(
      new UpdateCommand({ TableName: ctx.table, Key: keys.snapshotState('PHX'), UpdateExpression: 'SET compactedSeq = :z', ExpressionAttributeValues: { ':z': 30 } }),
    );
    const again = await compactUntilDone(ctx, { pageSize: 7, maxEntries: 20 });
    expect(again[0]).toMatchObject({ compactedSeq: 60, written: 0, done: true });
    expect(await readSnapshot(ctx, 'PHX')).toEqual(expected);
    // Nothing new: a no-op.
    expect((await compactStation(ctx, 'PHX'))).toMatchObject({ entries: 0, written: 0, trimmed: 0, done: true });
  });

  it('trims only compacted entries past the horizon, as a prefix; pull never sees a hole', async () => {
    // Prepare: 20 old entries, a pause, 10 new ones.
    const { ctx } = await s.newTables();
    await writeRandomLog(ctx, 'DAL', 20, 7);
    await new Promise((r) => setTimeout(r, 50));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    await writeRandomLog(ctx, 'DAL', 10, 8);
    const horizonMs = 7 * 24 * 3600 * 1000;
    const farFuture = () => new Date(Date.now() + 2 * horizonMs); // everything is past the horizon
    // Act 1: compact only 12 entries, with every entry past the horizon.
    const r1 = await compactStation(ctx, 'DAL', { maxEntries: 12, pageSize: 5, now: farFuture });
    // Assess 1: only what is compacted is trimmed.
    expect(r1).toMatchObject({ compactedSeq: 12, trimmedSeq: 12, trimmed: 12 });
    expect(await logSeqs(ctx, 'DAL')).toEqual(Array.from({ length: 18 }, (_, i) => i + 13));
    expect(await readRetentionFloor(ctx, 'DAL', 30)).toBe(13);
    // Act 2: compact everything; the horizon falls between the old and the new entries.
    // (A pack each run, the old one deleted at once: the pack floor is tested on its own below.)
    const eager = { afterEntries: 1, graceMs: 0 };
    const r2 = await compactStation(ctx, 'DAL', { now: () => new Date(between + horizonMs), pack: eager });
    // Assess 2: the old ones go, the new ones stay.
    expect(r2).toMatchObject({ compactedSeq: 30, trimmedSeq: 20, trimmed: 8 });
    expect(await logSeqs(ctx, 'DAL')).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));

    // A crash mid-trim: the floor was recorded, some entries below it are still there.
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: { ...keys.logEntry('DAL', 19), entityType: 'log', station: 'DAL', seq: 19, committedAt: new Date(0).toISOString(), changes: [] },
      }),
    );
    expect(await readRetentionFloor(ctx, 'DAL', 30)).toBe(21); // the leftover is not served
    const r3 = await compactStation(ctx, 'DAL', { now: () => new Date(between + horizonMs), pack: eager });
    expect(r3).toMatchObject({ trimmedSeq: 20, trimmed: 1 });
    expect(await logSeqs(ctx, 'DAL')).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    const state = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.snapshotState('DAL'), ConsistentRead: true }));
    expect(state.Item).toMatchObject({ compactedSeq: 30, trimmedSeq: 20 });
  });
});

/** Every change of a pack, chunk by chunk, with each chunk's stored sizes. */
async function readPack(ctx: DataContext, station: string, packId: string) {
  const res = await ctx.doc.send(
    new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': snapshotPackPartition(station, packId) }, ConsistentRead: true }),
  );
  const chunks = (res.Items ?? []).map((it) => ({ chunkNo: it.chunkNo as number, rows: it.rows as number, rawBytes: it.rawBytes as number, data: it.data as Uint8Array }));
  const changes = chunks.flatMap((c) => decodeChunk(c.data));
  return { chunks, changes, map: new Map(changes.map((c) => [`${c.kind}#${c.id}`, c])) };
}

describe('packed snapshots (DynamoDB Local)', () => {
  it('the pack equals the SNAP state, in bounded chunks; rebuilt only when enough changed', async () => {
    // Prepare: 60 random entries, plus 6 entities of ~120 KB incompressible data (chunk splitting).
    const { ctx } = await s.newTables();
    await writeRandomLog(ctx, 'PHX', 60, 11);
    for (let i = 0; i < 6; i++) {
      const blob = Buffer.from(Array.from({ length: 90_000 }, () => Math.floor(Math.random() * 256))).toString('base64');
      await commitWithLog(ctx, { items: [], changes: [{ kind: 'passenger', id: `PX-big-${i}`, version: 1, op: 'put', data: { id: `PX-big-${i}`, blob } }], stations: ['PHX'] });
    }
    // Act: compaction packs (none exists yet).
    const [r] = await compactUntilDone(ctx, { pack: { afterEntries: 10 } });
    // Assess: one pack at the compacted seq, equal to the SNAP items, every chunk ≤ 300 KB.
    expect(r).toMatchObject({ compactedSeq: 66, pack: { built: true } });
    const head = await readPackHead(ctx, 'PHX');
    expect(head.current).toMatchObject({ asOf: 66, rows: (await readSnapshot(ctx, 'PHX')).size });
    const pack = await readPack(ctx, 'PHX', head.current!.packId);
    expect(pack.map).toEqual(await readSnapshot(ctx, 'PHX'));
    expect(pack.chunks.map((c) => c.chunkNo)).toEqual(Array.from({ length: head.current!.chunks }, (_, i) => i));
    expect(pack.chunks.length).toBeGreaterThan(1); // the big entities did not fit one chunk
    for (const c of pack.chunks) expect(c.data.length).toBeLessThanOrEqual(MAX_CHUNK_GZIP_BYTES);
    // Small chunks when asked (tests, and the route's paging below): still the same state.
    const small = await packStation(ctx, 'PHX', { compactedSeq: 66, trimBlocked: false, now: new Date(), deadline: Infinity }, { force: true, chunkRawBytes: 2000 });
    const smallPack = await readPack(ctx, 'PHX', small.current!.packId);
    expect(smallPack.chunks.length).toBeGreaterThan(pack.chunks.length);
    expect(smallPack.map).toEqual(pack.map);

    // Rebuild threshold: 9 entries after the pack → not rebuilt; the 10th → rebuilt.
    await writeRandomLog(ctx, 'PHX', 9, 12);
    const [r2] = await compactUntilDone(ctx, { pack: { afterEntries: 10 } });
    expect(r2).toMatchObject({ compactedSeq: 75, pack: { built: false, current: { packId: small.current!.packId, asOf: 66 } } });
    await writeRandomLog(ctx, 'PHX', 1, 13);
    const [r3] = await compactUntilDone(ctx, { pack: { afterEntries: 10 } });
    expect(r3).toMatchObject({ compactedSeq: 76, pack: { built: true, current: { asOf: 76 } } });
    expect((await readPack(ctx, 'PHX', r3!.pack!.current!.packId)).map).toEqual(await readSnapshot(ctx, 'PHX'));
    // The replaced packs stay readable during their grace period (1 h by default).
    expect((await readPackHead(ctx, 'PHX')).retired.map((x) => x.packId)).toEqual([head.current!.packId, small.current!.packId]);
    expect((await readPack(ctx, 'PHX', head.current!.packId)).chunks.length).toBe(head.current!.chunks);
    // After it, they are deleted.
    const later = () => new Date(Date.now() + 2 * 3600_000);
    const [r4] = await compactUntilDone(ctx, { now: later, pack: { afterEntries: 10 } });
    expect(r4!.pack!.deleted.sort()).toEqual([head.current!.packId, small.current!.packId].sort());
    expect((await readPack(ctx, 'PHX', head.current!.packId)).chunks).toEqual([]);
    expect((await readPackHead(ctx, 'PHX')).retired).toEqual([]);
  });

  it('a pack build stopped by the deadline or a crash resumes where its last chunk ended', async () => {
    const { ctx } = await s.newTables();
    await writeRandomLog(ctx, 'PHX', 40, 21);
    await compactUntilDone(ctx, { pack: false });
    const pc = { compactedSeq: 40, trimBlocked: false, now: new Date() };
    // A deadline already passed: the build is started (asOf fixed) but nothing read.
    const first = await packStation(ctx, 'PHX', { ...pc, deadline: 0 }, { chunkRawBytes: 300 });
    expect(first).toMatchObject({ built: false, pending: true, current: null });
    const building = (await readPackHead(ctx, 'PHX')).building!;
    expect(building).toMatchObject({ asOf: 40, chunks: 0, lastSK: null });
    // A crash at the 4th chunk write.
    let puts = 0;
    const crashing = {
      ...ctx,
      doc: {
        send: (cmd: { input: { Item?: { entityType?: string } } }) => {
          if (cmd.input.Item?.entityType === 'snappackchunk' && ++puts === 4) return Promise.reject(new Error('crash'));
          return ctx.doc.send(cmd as never);
        },
      },
    } as unknown as DataContext;
    await expect(packStation(crashing, 'PHX', { ...pc, deadline: Infinity }, { chunkRawBytes: 300 })).rejects.toThrow('crash');
    const mid = (await readPackHead(ctx, 'PHX')).building!;
    expect(mid).toMatchObject({ packId: building.packId, asOf: 40, chunks: 3 });
    expect(mid.lastSK).toEqual(expect.any(String));
    // Act: the next run continues the same pack from its 4th chunk.
    const done = await packStation(ctx, 'PHX', { ...pc, deadline: Infinity }, { chunkRawBytes: 300 });
    // Assess
    expect(done).toMatchObject({ built: true, current: { packId: building.packId, asOf: 40 } });
    const pack = await readPack(ctx, 'PHX', building.packId);
    expect(pack.map).toEqual(await readSnapshot(ctx, 'PHX'));
    expect(pack.changes).toHaveLength(done.current!.rows); // no line twice
    expect((await readPackHead(ctx, 'PHX')).building).toBeNull();
  });

  it('trimming never passes the pack asOf (nor a retired pack in its grace); a blocking pack is rebuilt', async () => {
    // Prepare: 20 entries compacted, packed (asOf 20) and trimmed; then 10 more.
    const { ctx } = await s.newTables();
    await writeRandomLog(ctx, 'DAL', 20, 31);
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);
    const horizonMs = 3600_000;
    const r1 = await compactStation(ctx, 'DAL', { horizonMs, now: at(2 * horizonMs) });
    expect(r1).toMatchObject({ compactedSeq: 20, trimmedSeq: 20, pack: { built: true, current: { asOf: 20 } } });
    await writeRandomLog(ctx, 'DAL', 10, 32);
    // Act 1: everything past the horizon, but the pack is young (min interval 1 h) and few entries are new.
    const slow = { afterEntries: 1000, minIntervalMs: horizonMs };
    const r2 = await compactStation(ctx, 'DAL', { horizonMs, now: at(2.5 * horizonMs), pack: slow });
    // Assess 1: compacted to 30, trimmed only to the pack's asOf.
    expect(r2).toMatchObject({ compactedSeq: 30, trimmedSeq: 20, trimmed: 0, pack: { built: false } });
    expect(await logSeqs(ctx, 'DAL')).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    // Act 2: the pack is now old enough and blocks trimming → rebuilt; the old one is in its grace period.
    const r3 = await compactStation(ctx, 'DAL', { horizonMs, now: at(3.5 * horizonMs), pack: slow });
    expect(r3).toMatchObject({ trimmedSeq: 20, trimmed: 0, pack: { built: true, current: { asOf: 30 } } });
    // Act 3: the grace period (1 h) is over → the old pack goes, and the log is trimmed to 30.
    const r4 = await compactStation(ctx, 'DAL', { horizonMs, now: at(5 * horizonMs), pack: slow });
    expect(r4).toMatchObject({ trimmedSeq: 30, trimmed: 10, pack: { built: false, deleted: [r1.pack!.current!.packId] } });
    expect(await logSeqs(ctx, 'DAL')).toEqual([]);
    expect(await readRetentionFloor(ctx, 'DAL', 30)).toBe(31);
    // With packing off, the existing pack still bounds trimming.
    await writeRandomLog(ctx, 'DAL', 5, 33);
    const r5 = await compactStation(ctx, 'DAL', { horizonMs, now: at(10 * horizonMs), pack: false });
    expect(r5).toMatchObject({ compactedSeq: 35, trimmedSeq: 30, trimmed: 0 });
    expect(r5).not.toHaveProperty('pack');
  });
});

describe('GET /v1/sync/snapshot', () => {
  let app: BackendApp;
  let ctx: DataContext;
  let api: ReturnType<typeof apiClient>;
  let token: string;

  beforeAll(async () => {
    const t = await s.newTables();
    ctx = t.ctx;
    app = await startApp(s, t.prefix, { ingest: false });
    api = apiClient(app.apiUrl);
    token = await idToken(s, 'agent.phx');
    await writeRandomLog(ctx, 'PHX', 40, 3);
    await app.compact({ now: () => new Date(Date.now() + 30 * 24 * 3600 * 1000) });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('pages through the whole snapshot; a new desk is told to resync', async () => {
    const pages: SnapshotResponse[] = [];
    let page: string | null = null;
    do {
      const r = await api.call('GET', `/v1/sync/snapshot?station=PHX&limit=5${page ? `&page=${page}` : ''}`, { token });
      expect(r.status).toBe(200);
      const body = r.json as unknown as SnapshotResponse;
      pages.push(body);
      page = body.nextPage;
    } while (page);
    const all = pages.flatMap((p) => p.changes);
    const expected = await readSnapshot(ctx, 'PHX');
    expect(new Map(all.map((c) => [`${c.kind}#${c.id}`, c]))).toEqual(expected);
    expect(pages[0]).toMatchObject({ station: 'PHX', asOf: 40, total: expected.size });
    // The log was trimmed (everything was past the horizon): cursor 0 cannot replay it.
    const pull = await api.pull(token, 'PHX', 0);
    expect(pull).toMatchObject({ resync: true, retention: { minSeq: 41 } });
  });

  it('serves the pack (decoded, or gzip chunks for the desk); a page token keeps its pack through the grace period, then 410', async () => {
    // Prepare: a pack of many small chunks (the app's compaction packed PHX already: asOf 40).
    const packOf = (o: Parameters<typeof packStation>[3], now = new Date()) =>
      packStation(ctx, 'PHX', { compactedSeq: 40, trimBlocked: false, now, deadline: Infinity }, o);
    const a = await packOf({ force: true, chunkRawBytes: 300 });
    expect(a.current!.chunks).toBeGreaterThan(5);
    const expected = await readSnapshot(ctx, 'PHX');
    const page = async (qs: string, tok: string | null) => {
      const r = await api.call('GET', `/v1/sync/snapshot?station=PHX${qs}${tok ? `&page=${tok}` : ''}`, { token });
      return { status: r.status, body: r.json as unknown as SnapshotResponse & { packed?: string[] } };
    };
    const all = async (qs: string) => {
      const out: Change[] = [];
      const bodies: SnapshotResponse[] = [];
      let tok: string | null = null;
      do {
        const { status, body } = await page(qs, tok);
        expect(status).toBe(200);
        bodies.push(body);
        out.push(...body.changes, ...(body.packed ?? []).flatMap((b64) => decodeChunk(Buffer.from(b64, 'base64'))));
        tok = body.nextPage;
      } while (tok);
      return { out, bodies };
    };
    // Act + assess: both encodings give the SNAP state, with the pack's asOf and row count.
    const json = await all('');
    const gz = await all('&encoding=gzip');
    expect(new Map(json.out.map((c) => [`${c.kind}#${c.id}`, c]))).toEqual(expected);
    expect(gz.out).toEqual(json.out);
    expect(json.bodies).toHaveLength(a.current!.chunks); // one chunk a page
    expect(gz.bodies).toHaveLength(Math.ceil(a.current!.chunks / 4)); // four
    expect(gz.bodies.every((b) => b.changes.length === 0 && b.asOf === 40 && b.total === expected.size)).toBe(true);

    // A desk mid-pack; meanwhile a new pack replaces it.
    const p1 = await page('', null);
    const p2 = await page('', p1.body.nextPage);
    const b = await packOf({ force: true, chunkRawBytes: 300 });
    expect(b.current!.packId).not.toBe(a.current!.packId);
    // Its page token still names the old pack: same page, during the grace period.
    expect(await page('', p1.body.nextPage)).toEqual(p2);
    // After the grace period the old pack is deleted: 410, and a first page starts the new one.
    const c = await packOf({}, new Date(Date.now() + 2 * 3600_000));
    expect(c.deleted).toContain(a.current!.packId);
    const gone = await page('', p1.body.nextPage);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ error: { code: 'snapshot_pack_gone' } });
    const fresh = await page('', null);
    expect(Buffer.from(fresh.body.nextPage!, 'base64url').toString()).toContain(b.current!.packId);
  });

  it.each([
    ['pack page with a bad pack id', `station=PHX&page=${Buffer.from(JSON.stringify({ p: 'X#Y', c: 1, n: 2, a: 1, t: 1 })).toString('base64url')}`, 400],
    ['pack page past its end', `station=PHX&page=${Buffer.from(JSON.stringify({ p: 'abcdefgh12', c: 2, n: 2, a: 1, t: 1 })).toString('base64url')}`, 400],
    ['pack page of no pack', `station=PHX&page=${Buffer.from(JSON.stringify({ p: 'abcdefgh12', c: 1, n: 2, a: 1, t: 1 })).toString('base64url')}`, 410],
    ['unknown encoding', 'station=PHX&encoding=br', 400],
    ['no station', 'limit=5', 400],
    ['lower-case station', 'station=phx', 400],
    ['repeated station', 'station=PHX&station=DAL', 400],
    ['limit 0', 'station=PHX&limit=0', 400],
    ['huge limit', 'station=PHX&limit=1000000', 400],
    ['NaN limit', 'station=PHX&limit=NaN', 400],
    ['page not base64url', 'station=PHX&page=%25%24%23', 400],
    ['page not JSON', `station=PHX&page=${Buffer.from('nope').toString('base64url')}`, 400],
    ['page of another station', `station=PHX&page=${Buffer.from(JSON.stringify({ PK: 'SNAP#DAL', SK: 'case#x' })).toString('base64url')}`, 400],
    ['page of another partition', `station=PHX&page=${Buffer.from(JSON.stringify({ PK: 'CMD#x', SK: 'RESULT' })).toString('base64url')}`, 400],
    ['page with extra keys', `station=PHX&page=${Buffer.from(JSON.stringify({ PK: 'SNAP#PHX', SK: 'a', GSI1PK: 'x' })).toString('base64url')}`, 400],
    ['page too long', `station=PHX&page=${'A'.repeat(5000)}`, 400],
    ['out-of-scope station', 'station=DAL', 403],
  ])('%s (%s) → %i with a JSON error', async (_name, qs, status) => {
    const r = await api.call('GET', `/v1/sync/snapshot?${qs}`, { token });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('jetway restore-epoch rotates the epoch: a pull with the old one is told to resync', async () => {
    const before = (await api.pull(token, 'PHX', 40)).epoch;
    const out: string[] = [];
    const code = await runRestoreEpochCli(['--reason', 'restored from PITR (test)', '--endpoint', s.dynamo.endpoint, '--table', ctx.table], {
      stdout: { write: (x: string) => out.push(x) },
      stderr: { write: (x: string) => out.push(x) },
    });
    expect(code, out.join('')).toBe(0);
    // rotateEpoch drops this process's epoch cache (the app runs in this process too).
    const after = (await api.pull(token, 'PHX', 40)).epoch;
    expect(after).not.toBe(before);
    expect(out.join('')).toContain(after);
    const stale = await api.pull(token, 'PHX', 40, `&epoch=${before}`);
    expect(stale).toMatchObject({ resync: true, epoch: after });
  });

  it('no token → 401', async () => {
    const r = await api.call('GET', '/v1/sync/snapshot?station=PHX');
    expect(r.status).toBe(401);
  });
});

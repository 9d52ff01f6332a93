import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import pMap from 'p-map';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { readHead, readLog } from './changelog.js';
import type { DataContext } from './client.js';
import { queryAll } from './query-all.js';
import { STATIONS_PARTITION, keys, logPartition, seqSortKey } from './keys.js';
import { batchWrite } from './repositories.js';
import { packStation, packTrimFloor, readPackHead, type PackOptions, type PackResult } from './snapshot-pack.js';

/**
 * Change-log compaction and retention (issue #10, SYNC.md "long-offline client", "initial sync").
 *
 * Per station, the compactor folds the log into a snapshot and then trims the log:
 *
 * 1. Fold: from its own cursor (`SNAPSTATE#<station>`.compactedSeq) forward, page by page, it
 *    writes the newest state of every entity of the page into `SNAP#<station>` / `<kind>#<id>`
 *    with a version-conditioned put (only if absent or older; a delete keeps a tombstone with its
 *    version), then advances compactedSeq with a condition on its old value. A crash between
 *    the puts and the advance only repeats puts that now fail their condition: harmless.
 * 2. Trim: log entries with seq <= compactedSeq and committedAt older than the retention horizon
 *    are deleted, as a PREFIX of the log only (the retained log must stay gap-free: pull serves
 *    it from `minSeq`). The new floor (`trimmedSeq`) is recorded BEFORE the deletes, and pull
 *    treats everything <= trimmedSeq as gone, so a crash mid-delete leaves no visible hole; the
 *    next run deletes the leftovers. Explicit deletes, not TTL: DynamoDB Local does not expire
 *    items, and a TTL set at write time would delete entries the compactor has not folded yet.
 *
 * 3. Pack (between fold and trim; data/snapshot-pack.ts): when due, the station's SNAP items are
 *    copied into an immutable packed snapshot (a few ≤ 300 KB gzip chunks) that the snapshot route
 *    serves to bootstrapping desks. Trimming never passes the asOf of the current pack (nor of a
 *    retired one still in its grace period): a desk finishing a pack continues the log from there.
 *
 * Every run is bounded (maxEntries folded, maxTrim deleted per station, the deadline) and idempotent.
 */

export const DEFAULT_RETENTION_HORIZON_MS = 7 * 24 * 3600 * 1000;

export interface CompactionOptions {
  /** Log entries older than this (by committedAt) may be trimmed once compacted; default 7 days. */
  horizonMs?: number;
  /** Injectable clock (tests). */
  now?: () => Date;
  /** Log entries folded per station per run; default 5,000. */
  maxEntries?: number;
  /** Log entries deleted per station per run; default 5,000. */
  maxTrim?: number;
  /** Log entries per read page; default 100. */
  pageSize?: number;
  /** Snapshot puts in flight at once; default 16. */
  concurrency?: number;
  /** Stations to compact; default every registered station (the `STATIONS` registry). */
  stations?: readonly string[];
  /** Wall-clock time (ms since epoch) after which no new page or station is started (Lambda timeout). */
  deadline?: number;
  /** Packed snapshot knobs (data/snapshot-pack.ts); false: no pack built (existing packs still bound trimming). */
  pack?: PackOptions | false;
}

export interface SnapshotState {
  /** The log is folded into SNAP#<station> up to and including this seq. */
  compactedSeq: number;
  /** Log entries up to and including this seq are deleted (or being deleted). */
  trimmedSeq: number;
  /** Approximate number of snapshot items (tombstones included), for progress display. */
  itemCount: number;
}

export interface StationCompaction {
  station: string;
  /** compactedSeq before and after the run. */
  from: number;
  compactedSeq: number;
  head: number;
  entries: number;
  /** Snapshot items written (new or newer) and skipped (already as new). */
  written: number;
  skipped: number;
  trimmedSeq: number;
  trimmed: number;
  /** The pack step's outcome (absent with `pack: false`). */
  pack?: PackResult;
  /** False when the run stopped at a bound (or another compactor moved the cursor): run again. */
  done: boolean;
}

type Opts = Required<Omit<CompactionOptions, 'stations' | 'deadline' | 'pack'>> & { deadline: number; pack: PackOptions | false };

export async function readSnapshotState(ctx: DataContext, station: string): Promise<SnapshotState> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.snapshotState(station), ConsistentRead: true }));
  const it = res.Item ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
  return { compactedSeq: num(it.compactedSeq), trimmedSeq: num(it.trimmedSeq), itemCount: num(it.itemCount) };
}

/** Every station that ever had a change-log entry (registered by commitWithLog on its first entry). */
export async function listStations(ctx: DataContext): Promise<string[]> {
  const rows = await queryAll(ctx, {
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': STATIONS_PARTITION },
    ProjectionExpression: 'SK',
  });
  return rows.map((it) => it.SK as string);
}

/**
 * Upgrade step for tables whose logs predate the `STATIONS` registry: finds every station
 * counter with a paged Scan (once, by an operator: `jetway compact --discover`) and registers it.
 */
export async function discoverStations(ctx: DataContext): Promise<string[]> {
  const found: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await ctx.doc.send(
      new ScanCommand({
        TableName: ctx.table,
        FilterExpression: 'SK = :sk AND begins_with(PK, :p)',
        ExpressionAttributeValues: { ':sk': 'COUNTER', ':p': 'STATION#' },
        ProjectionExpression: 'PK',
        ExclusiveStartKey: start,
      }),
    );
    for (const it of res.Items ?? []) found.push(String(it.PK).slice('STATION#'.length));
    start = res.LastEvaluatedKey;
  } while (start);
  for (const station of found)
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.stationRegistry(station), entityType: 'station', station } }));
  return found.sort();
}

/** Version-conditioned put of one entity's state: 'created' | 'updated' | 'skipped' (already as new). */
async function putSnapshotItem(ctx: DataContext, station: string, seq: number, c: Change): Promise<'created' | 'updated' | 'skipped'> {
  try {
    const res = await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...keys.snapshotItem(station, c.kind, c.id),
          entityType: 'snap',
          station,
          kind: c.kind,
          id: c.id,
          version: c.version,
          op: c.op,
          data: c.op === 'delete' ? null : c.data,
          seq,
        },
        ConditionExpression: 'attribute_not_exists(PK) OR #v < :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': c.version },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return res.Attributes ? 'updated' : 'created';
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return 'skipped';
    throw err;
  }
}

/** Advances compactedSeq from `from` to `to` (conditional: a concurrent compactor wins, we stop). */
async function advanceCursor(ctx: DataContext, station: string, from: number, to: number, newItems: number, at: string): Promise<boolean> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.snapshotState(station),
        UpdateExpression: 'SET compactedSeq = :to, station = :station, entityType = :t, updatedAt = :at ADD itemCount :n',
        ConditionExpression: from === 0 ? 'attribute_not_exists(compactedSeq) OR compactedSeq = :from' : 'compactedSeq = :from',
        ExpressionAttributeValues: { ':to': to, ':from': from, ':station': station, ':t': 'snapstate', ':at': at, ':n': newItems },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** Folds the station's log into its snapshot from the compactor's cursor, bounded. */
async function fold(ctx: DataContext, station: string, state: SnapshotState, o: Opts) {
  let cursor = state.compactedSeq;
  const head = await readHead(ctx, station);
  let entries = 0;
  let written = 0;
  let skipped = 0;
  let raced = false;
  let stuck = false;
  while (cursor < head && entries < o.maxEntries && Date.now() < o.deadline) {
    const page = await readLog(ctx, station, cursor, Math.min(o.pageSize, o.maxEntries - entries));
    if (page.length === 0) {
      stuck = true; // the counter is ahead of the stored entries: nothing more to fold now
      break;
    }
    if (page[0]!.seq !== cursor + 1) {
      // Only reachable if entries above the compactor's cursor were deleted by something else.
      throw new Error(`compaction of ${station}: log continues at ${page[0]!.seq}, expected ${cursor + 1}`);
    }
    // The newest change per entity in this page (a later entry wins; versions decide at the put).
    const newest = new Map<string, { seq: number; change: Change }>();
    for (const e of page) {
      for (const c of e.changes) {
        const k = `${c.kind}#${c.id}`;
        const seen = newest.get(k);
        if (!seen || c.version >= seen.change.version) newest.set(k, { seq: e.seq, change: c });
      }
    }
    const results = await pMap(newest.values(), (x) => putSnapshotItem(ctx, station, x.seq, x.change), { concurrency: o.concurrency });
    const created = results.filter((r) => r === 'created').length;
    written += results.filter((r) => r !== 'skipped').length;
    skipped += results.filter((r) => r === 'skipped').length;
    const last = page[page.length - 1]!.seq;
    if (!(await advanceCursor(ctx, station, cursor, last, created, o.now().toISOString()))) {
      raced = true;
      break;
    }
    cursor = last;
    entries += page.length;
  }
  return { cursor, head, entries, written, skipped, done: !raced && (cursor >= head || stuck) };
}

/** Deletes the compacted log prefix older than the horizon, bounded; returns the new floor. */
async function trim(ctx: DataContext, station: string, state: SnapshotState, upTo: number, o: Opts) {
  // Nothing above the pack floor goes, but leftovers below the recorded floor still do.
  const compactedSeq = Math.max(upTo, state.trimmedSeq);
  const horizon = new Date(o.now().getTime() - o.horizonMs).toISOString();
  const doomed: number[] = [];
  let floor = state.trimmedSeq;
  let start: Record<string, unknown> | undefined;
  let stop = false;
  // From the start of the log: leftovers at or below the recorded floor (a crashed run), then the
  // contiguous run of compacted entries older than the horizon.
  while (!stop && doomed.length < o.maxTrim) {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk AND SK <= :upto',
        ExpressionAttributeValues: { ':pk': logPartition(station), ':upto': seqSortKey(compactedSeq) },
        ProjectionExpression: 'seq, committedAt',
        ConsistentRead: true,
        Limit: Math.min(500, o.maxTrim - doomed.length),
        ExclusiveStartKey: start,
      }),
    );
    for (const it of res.Items ?? []) {
      const seq = it.seq as number;
      if (seq <= state.trimmedSeq) doomed.push(seq);
      else if (seq === floor + 1 && typeof it.committedAt === 'string' && it.committedAt < horizon) {
        floor = seq;
        doomed.push(seq);
      } else {
        stop = true;
        break;
      }
    }
    start = res.LastEvaluatedKey;
    if (!start) break;
  }
  if (floor > state.trimmedSeq) {
    // Record the floor first: from now on pull treats everything up to it as gone.
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.snapshotState(station),
        UpdateExpression: 'SET trimmedSeq = :floor, trimmedAt = :at',
        ConditionExpression: 'attribute_not_exists(trimmedSeq) OR trimmedSeq < :floor',
        ExpressionAttributeValues: { ':floor': floor, ':at': o.now().toISOString() },
      }),
    ).catch((err: unknown) => {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    });
  }
  await batchWrite(ctx, doomed.map((seq) => ({ DeleteRequest: { Key: keys.logEntry(station, seq) } })), `trim of ${station}`, 1);
  return { trimmedSeq: floor, trimmed: doomed.length };
}

/** True when the log entry right after a pack's asOf is compacted and past the horizon (trimming waits for a newer pack). */
async function trimBlockedBy(ctx: DataContext, station: string, asOf: number | null, compactedSeq: number, now: Date, o: Opts): Promise<boolean> {
  if (asOf === null || asOf >= compactedSeq) return false;
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.logEntry(station, asOf + 1), ProjectionExpression: 'committedAt' }));
  const at = res.Item?.committedAt;
  return typeof at === 'string' && at < new Date(now.getTime() - o.horizonMs).toISOString();
}

function withDefaults(opts: CompactionOptions): Opts {
  return {
    horizonMs: opts.horizonMs ?? DEFAULT_RETENTION_HORIZON_MS,
    now: opts.now ?? (() => new Date()),
    maxEntries: opts.maxEntries ?? 5000,
    maxTrim: opts.maxTrim ?? 5000,
    pageSize: opts.pageSize ?? 100,
    concurrency: opts.concurrency ?? 16,
    deadline: opts.deadline ?? Number.POSITIVE_INFINITY,
    pack: opts.pack ?? {},
  };
}

/** One bounded compaction + trim run for one station. Idempotent; safe to re-run after a crash. */
export async function compactStation(ctx: DataContext, station: string, opts: CompactionOptions = {}): Promise<StationCompaction> {
  const o = withDefaults(opts);
  const state = await readSnapshotState(ctx, station);
  const f = await fold(ctx, station, state, o);
  let upTo = f.cursor;
  let pack: PackResult | undefined;
  if (o.pack !== false) {
    const now = o.now();
    const before = await readPackHead(ctx, station);
    pack = await packStation(
      ctx,
      station,
      { compactedSeq: f.cursor, trimBlocked: await trimBlockedBy(ctx, station, before.current?.asOf ?? null, f.cursor, now, o), now, deadline: o.deadline },
      o.pack,
    );
  }
  // Even with packing off, existing packs keep their floor (a desk finishing one continues the
  // log from its asOf: trimming past it would send that desk back to the same pack, for ever).
  const floor = packTrimFloor(await readPackHead(ctx, station));
  if (floor !== null) upTo = Math.min(upTo, floor);
  const t = await trim(ctx, station, state, upTo, o);
  return {
    station,
    from: state.compactedSeq,
    compactedSeq: f.cursor,
    head: f.head,
    entries: f.entries,
    written: f.written,
    skipped: f.skipped,
    trimmedSeq: t.trimmedSeq,
    trimmed: t.trimmed,
    ...(pack ? { pack } : {}),
    done: f.done && t.trimmed < o.maxTrim && !(pack?.pending ?? false),
  };
}

/** One bounded run over every registered station (or `opts.stations`), one station at a time. */
export async function compactAll(ctx: DataContext, opts: CompactionOptions = {}): Promise<StationCompaction[]> {
  const stations = opts.stations ?? (await listStations(ctx));
  const out: StationCompaction[] = [];
  for (const s of stations) {
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) break;
    out.push(await compactStation(ctx, s, opts));
  }
  return out;
}

/** Runs until every station is done (tests, CLI); each round is a bounded run. */
export async function compactUntilDone(ctx: DataContext, opts: CompactionOptions = {}, maxRounds = 1000): Promise<StationCompaction[]> {
  let last: StationCompaction[] = [];
  for (let i = 0; i < maxRounds; i++) {
    last = await compactAll(ctx, opts);
    if (last.every((r) => r.done)) return last;
  }
  return last;
}

import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import type { Change, LogEntry } from '../../../src/shared/sync/protocol.js';
import type { DataContext } from './client.js';
import { keys, logPartition, seqSortKey } from './keys.js';

/**
 * The per-station change log (SYNC.md): each station has a counter item and log items
 * `LOG#<station>` / zero-padded seq. A writer RESERVES its sequence number with an atomic
 * `ADD` on the counter (never contended: no condition), then commits its business writes and
 * the entry at that sequence in ONE TransactWriteItems, the entry conditional on
 * `attribute_not_exists`. So writers to one station no longer serialize: many transactions are in
 * flight at once, each with its own sequence.
 *
 * Gap-free for readers: readLog returns the contiguous run after the cursor and stops at a hole (a
 * sequence reserved, not yet committed). A hole whose writer is gone (crashed between reserving
 * and committing) is filled with a void entry (no changes) by the reader once it is older than
 * HOLE_TIMEOUT_MS; the void and a late commit are both conditional on the entry not existing, so
 * exactly one of them wins, and a writer that lost reserves again. A writer whose transaction
 * fails voids its own reservations. Commit order and sequence order may differ between writes to
 * different items; writes to one item are never in flight together in this process, and desks
 * apply changes by entity version (shared/sync/apply.ts).
 *
 * commitManyWithLog commits many writes with one reservation and one entry per station per
 * transaction (group commit), several transactions at a time, for ingest batches and fan-out.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The attribute of a log entry holding its changes, as one JSON string: DynamoDB never reads
 * inside them, and one string costs the SDK and the table far less than the same changes as
 * nested maps (on DynamoDB Local a transaction item of nested maps took about half again the CPU).
 * Entries written before it carry `changes` as a list; readLog reads both.
 */
const CHANGES_JSON = 'changesJson';

/** The changes of a stored log entry (either encoding). */
function entryChanges(item: Record<string, unknown>): Change[] {
  const json = item[CHANGES_JSON];
  return typeof json === 'string' ? (JSON.parse(json) as Change[]) : ((item.changes ?? []) as Change[]);
}

/** DynamoDB's limit is 100 items per transaction; each station costs 2 (counter + entry: the budget keeps room for both). */
export const MAX_TRANSACT_ITEMS = 100;
/** Stay well under DynamoDB's 400 KB item limit for one log entry. */
export const MAX_LOG_ENTRY_BYTES = 350_000;

export interface LoggedWrite {
  /** Business writes (puts/updates/condition checks), in any order. */
  items: TransactItem[];
  /** Changes to append, one log entry per station carrying all of them. */
  changes: Change[];
  /** Stations whose logs receive the entry (deduplicated). */
  stations: string[];
}

/** A business condition inside the transaction failed (not a counter race). */
export class ConditionFailedError extends Error {
  constructor(
    /** Indexes into LoggedWrite.items whose condition failed. */
    readonly failedIndexes: number[],
  ) {
    super(`transaction condition failed on item(s) ${failedIndexes.join(', ')}`);
    this.name = 'ConditionFailedError';
  }
}

export class ChangeLogContentionError extends Error {
  constructor(attempts: number) {
    super(`change-log counter still contended after ${attempts} attempts`);
    this.name = 'ChangeLogContentionError';
  }
}

export interface CommitOptions {
  maxAttempts?: number;
  /** Called after a successful commit with the sequences written (e.g. the long-poll notifier). */
  onCommitted?: (seqs: Record<string, number>) => void;
}

/** Process-wide hooks: the local app wires its long-poll notifier here. Returns the remover. */
const commitListeners = new Set<(seqs: Record<string, number>) => void>();
export function addCommitListener(fn: (seqs: Record<string, number>) => void): () => void {
  commitListeners.add(fn);
  return () => void commitListeners.delete(fn);
}

/** The station's highest RESERVED sequence (entries up to it are committed, in flight, or void). */
export async function readHead(ctx: DataContext, station: string): Promise<number> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.stationCounter(station), ConsistentRead: true }));
  return typeof res.Item?.seq === 'number' ? res.Item.seq : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Commit business writes plus one log entry per station, atomically. Returns the sequence
 * assigned per station. Throws ConditionFailedError when a business condition fails.
 */
export async function commitWithLog(ctx: DataContext, write: LoggedWrite, opts: CommitOptions = {}): Promise<Record<string, number>> {
  if (write.items.length === 0 && write.stations.length === 0) return {};
  checkWrite(write);
  const [result] = await commitPack(ctx, [write], opts);
  if (!result!.ok) throw result!.error;
  return result!.seqs;
}

/** A write's changes as JSON, serialised once (checked for size, measured for packing, then stored). */
const changesJsonCache = new WeakMap<LoggedWrite, string>();
function changesJsonOf(w: LoggedWrite): string {
  let json = changesJsonCache.get(w);
  if (json === undefined) changesJsonCache.set(w, (json = JSON.stringify(w.changes)));
  return json;
}

/**
 * One conditional write that needs no log entry (an outbox item, an idempotency record), through
 * the group committer: the items of concurrent callers share transactions instead of one request
 * each. A failed condition is answered with a ConditionFailedError, as by commitManyWithLog.
 */
export async function commitUnlogged(ctx: DataContext, item: TransactItem): Promise<CommitResult> {
  const [r] = await commitManyWithLog(ctx, [{ items: [item], changes: [], stations: [] }]);
  return r!;
}

/** What happened to one write of commitManyWithLog. */
export type CommitResult = { ok: true; seqs: Record<string, number> } | { ok: false; error: Error };

/**
 * Byte budget of one log entry shared by several writes (commitManyWithLog packs writes so that
 * each station's entry stays under it): a desk pulls entries whole, so they stay small.
 */
export const MAX_SHARED_ENTRY_BYTES = 96_000;
/** DynamoDB refuses a transaction over 4 MB; packs stay well under it. */
const MAX_PACK_BYTES = 3_000_000;

/**
 * Commit many independent writes (e.g. one per flight of an ingest batch) with as few
 * transactions as possible. Writes are packed into transactions of at most 100 items, and a pack
 * bumps each station's counter ONCE and appends ONE entry per station carrying the changes of
 * every write of the pack that names the station. So a hot station is taken once per pack, not
 * once per write (SYNC.md: "take a range per batch"), and the log stays gap-free and
 * commit-ordered exactly as with commitWithLog.
 *
 * Group commit: the writes of every concurrent caller in this process (e.g. one per Kafka
 * partition) join one queue per data context, drained one pack at a time, in arrival order. The
 * callers then do not race each other for a hub's counter, and their writes fill packs together.
 *
 * Each write either commits whole or not at all, and gets its own result: a write whose business
 * condition fails is answered with a ConditionFailedError and left out while the rest of its pack
 * is retried; a write that can never be stored (too large, refused by DynamoDB's validation) gets
 * its error, alone. An infrastructure error or lasting counter contention rejects the call once
 * every write of it is settled (nothing of a failing pack was written; other packs may have been).
 */
export async function commitManyWithLog(ctx: DataContext, writes: LoggedWrite[], opts: CommitOptions = {}): Promise<CommitResult[]> {
  const results: CommitResult[] = new Array<CommitResult>(writes.length);
  const queued: Promise<void>[] = [];
  writes.forEach((w, i) => {
    try {
      checkWrite(w);
    } catch (err) {
      results[i] = { ok: false, error: err as Error };
      return;
    }
    if (w.items.length === 0 && w.stations.length === 0) results[i] = { ok: true, seqs: {} };
    else queued.push(committerOf(ctx).enqueue(w, opts).then((r) => void (results[i] = r)));
  });
  const settled = await Promise.allSettled(queued);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results;
}

interface Queued {
  write: LoggedWrite;
  opts: CommitOptions;
  entryBytes: number;
  bytes: number;
  keys: string[];
  resolve: (r: CommitResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Transactions of one data context in flight at once. On DynamoDB Local 100-item transactions
 * reach ≈ 0.45 of the BatchWrite ceiling with 1 in flight and ≈ 1.0 with 4; the ingest bench
 * (1,000 flights) measured 161 events/s with 4 and 192 with 8 (noise ±15 %). DynamoDB itself
 * scales further. JETWAY_COMMIT_CONCURRENCY overrides it.
 */
export const PACKS_IN_FLIGHT = Math.max(1, Number(process.env.JETWAY_COMMIT_CONCURRENCY) || 8);

/** The group committer of one data context (see commitManyWithLog). */
class GroupCommitter {
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  /** Items written by the packs in flight: a write touching one of them waits (one item, one pack at a time). */
  private readonly keysInFlight = new Set<string>();
  constructor(private readonly ctx: DataContext) {}

  enqueue(write: LoggedWrite, opts: CommitOptions): Promise<CommitResult> {
    const entryBytes = Buffer.byteLength(changesJsonOf(write));
    return new Promise<CommitResult>((resolve, reject) => {
      this.queue.push({
        write,
        opts,
        entryBytes,
        bytes: Buffer.byteLength(JSON.stringify(write.items)) + entryBytes * write.stations.length,
        keys: write.items.map(itemKey).filter((k): k is string => k !== null),
        resolve,
        reject,
      });
      // After the caller's synchronous enqueues (commitManyWithLog queues a whole batch in one
      // loop): packs are then taken from all of them, not one write a pack while slots are free.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Starts packs while fewer than PACKS_IN_FLIGHT run and a queued write can go. */
  private pump(): void {
    while (this.inFlight < PACKS_IN_FLIGHT && this.queue.length > 0) {
      const pack = this.takePack();
      if (pack.length === 0) return; // every queued write touches an item in flight
      this.inFlight++;
      const packKeys = pack.flatMap((q) => q.keys);
      for (const k of packKeys) this.keysInFlight.add(k);
      void this.run(pack).finally(() => {
        this.inFlight--;
        for (const k of packKeys) this.keysInFlight.delete(k);
        this.pump();
      });
    }
  }

  private async run(pack: Queued[]): Promise<void> {
    try {
      const out = await commitPack(this.ctx, pack.map((q) => q.write), pack[0]!.opts, (seqs) => {
        for (const q of pack.slice(1)) q.opts.onCommitted?.(seqs);
      });
      pack.forEach((q, i) => q.resolve(out[i]!));
    } catch (err) {
      for (const q of pack) q.reject(err);
    }
  }

  /**
   * The next pack: the oldest queued write that touches no item in flight, then again and again
   * the write that adds the fewest stations to the pack (each new station costs 2 of the 100
   * items) while one fits. Writes of different callers may so overtake each other; one
   * transaction never touches an item twice, and two transactions in flight never touch one item.
   */
  private takePack(): Queued[] {
    const pack: Queued[] = [];
    let items = 0;
    let bytes = 0;
    const stations = new Map<string, number>();
    const keysInPack = new Set<string>();
    const added = (q: Queued) => new Set(q.write.stations.filter((st) => !stations.has(st))).size;
    const free = (q: Queued): boolean => !q.keys.some((k) => this.keysInFlight.has(k) || keysInPack.has(k));
    const fits = (q: Queued): boolean => {
      const w = q.write;
      if (items + w.items.length + (stations.size + added(q)) * 2 > MAX_TRANSACT_ITEMS) return false;
      if (bytes + q.bytes > MAX_PACK_BYTES) return false;
      if (w.stations.some((st) => (stations.get(st) ?? 0) + q.entryBytes > MAX_SHARED_ENTRY_BYTES)) return false;
      return free(q);
    };
    const take = (q: Queued) => {
      pack.push(q);
      items += q.write.items.length;
      bytes += q.bytes;
      for (const st of new Set(q.write.stations)) stations.set(st, (stations.get(st) ?? 0) + q.entryBytes);
      for (const k of q.keys) keysInPack.add(k);
    };
    const taken = new Set<Queued>();
    for (let next: Queued | undefined = this.queue.find(free); next; ) {
      take(next);
      taken.add(next);
      // Greedy: the write that adds the fewest stations (the first of them in queue order).
      next = undefined;
      let fewest = Infinity;
      for (const q of this.queue) {
        if (taken.has(q) || !fits(q)) continue;
        const n = added(q);
        if (n < fewest) [next, fewest] = [q, n];
        if (n === 0) break;
      }
    }
    if (taken.size > 0) {
      const rest = this.queue.filter((q) => !taken.has(q));
      this.queue.length = 0;
      this.queue.push(...rest);
    }
    return pack;
  }
}

const committers = new WeakMap<DataContext, GroupCommitter>();
function committerOf(ctx: DataContext): GroupCommitter {
  let c = committers.get(ctx);
  if (!c) committers.set(ctx, (c = new GroupCommitter(ctx)));
  return c;
}

/** A write that can never be committed, refused before anything is sent. */
function checkWrite(write: LoggedWrite): void {
  const stations = new Set(write.stations).size;
  if (write.items.length + stations * 2 > MAX_TRANSACT_ITEMS) {
    throw new RangeError(`transaction too large: ${write.items.length} items + ${stations} stations`);
  }
  const body = changesJsonOf(write);
  if (body.length > MAX_LOG_ENTRY_BYTES) throw new RangeError(`log entry too large (${body.length} bytes); split the write`);
}

/** `PK\0SK` of the item a transaction item touches (null when it names none we know). */
function itemKey(t: TransactItem): string | null {
  const k = (t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key) as { PK?: unknown; SK?: unknown } | undefined;
  return k && typeof k.PK === 'string' ? `${k.PK}\u0000${String(k.SK)}` : null;
}

/**
 * How long a reserved sequence may stay a hole before a reader fills it with a void entry: far
 * longer than a commit takes (reserve → one transaction), so only a writer that is gone (a crash,
 * a killed consumer) leaves one that long. A slow writer that loses its sequence to a void just
 * reserves again (its entry is conditional). JETWAY_LOG_HOLE_SECONDS overrides it (tests).
 */
export function holeTimeoutMs(): number {
  const s = Number(process.env.JETWAY_LOG_HOLE_SECONDS);
  return (Number.isFinite(s) && s >= 0 && process.env.JETWAY_LOG_HOLE_SECONDS !== '' ? s : 15) * 1000;
}

/**
 * Reserve the station's next sequence (atomic ADD: never contended). The first one registers the
 * station for the compactor. Reservations of one data context are coalesced per station: the
 * packs that ask while a reservation of their station is on its way share the next request, which
 * takes a range (ADD n) and gives each pack its own sequence of it (SYNC.md: "take a range per
 * batch"). Every sequence of the range belongs to a pack that is committing, so a range leaves no
 * hole that a commit would not fill (or void) as a single reservation does.
 */
function reserveSeq(ctx: DataContext, station: string, at: string): Promise<number> {
  let r = reservers.get(ctx);
  if (!r) reservers.set(ctx, (r = new SeqReserver(ctx)));
  return r.reserve(station, at);
}

const reservers = new WeakMap<DataContext, SeqReserver>();

class SeqReserver {
  private readonly waiting = new Map<string, { resolve: (seq: number) => void; reject: (err: unknown) => void }[]>();
  private readonly busy = new Set<string>();
  constructor(private readonly ctx: DataContext) {}

  reserve(station: string, at: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const list = this.waiting.get(station) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(station, list);
      if (!this.busy.has(station)) void this.flush(station, at);
    });
  }

  private async flush(station: string, at: string): Promise<void> {
    const batch = this.waiting.get(station) ?? [];
    this.waiting.delete(station);
    if (batch.length === 0) return;
    this.busy.add(station);
    try {
      const out = await this.ctx.doc.send(
        new UpdateCommand({
          TableName: this.ctx.table,
          Key: keys.stationCounter(station),
          UpdateExpression: 'ADD #seq :n SET station = :station, updatedAt = :at, reservedAt = :at',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':n': batch.length, ':station': station, ':at': at },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const first = (out.Attributes?.seq as number) - batch.length + 1;
      if (first === 1) await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.table, Item: { ...keys.stationRegistry(station), entityType: 'station', station } }));
      batch.forEach((w, i) => w.resolve(first + i));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.busy.delete(station);
      if (this.waiting.has(station)) void this.flush(station, new Date().toISOString());
    }
  }
}

/** Fill `seq` with a void entry unless something is there already (a commit won). True when the void was written. */
async function voidSeq(ctx: DataContext, station: string, seq: number, reason: string): Promise<boolean> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: { ...keys.logEntry(station, seq), entityType: 'log', station, seq, committedAt: new Date().toISOString(), changes: [], void: reason },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * One transaction for `writes` (already known to fit): the business items of every write, then
 * per station one entry at the sequence reserved for this pack. A write whose business condition
 * fails is answered and dropped, and the rest go again on the same sequences; a sequence a reader
 * voided meanwhile (this writer was too slow) is reserved again. Sequences this pack no longer
 * needs, or cannot use (an error), are voided, so readers never wait for them.
 */
async function commitPack(ctx: DataContext, writes: LoggedWrite[], opts: CommitOptions, alsoCommitted?: (seqs: Record<string, number>) => void): Promise<CommitResult[]> {
  const results: CommitResult[] = new Array<CommitResult>(writes.length);
  let live = writes.map((_, i) => i);
  const maxAttempts = opts.maxAttempts ?? 60;
  const reserved = new Map<string, number>();
  const release = async (keep: ReadonlySet<string>, reason: string) => {
    const drop = [...reserved.keys()].filter((st) => !keep.has(st));
    await Promise.all(drop.map((st) => voidSeq(ctx, st, reserved.get(st)!, reason)));
    for (const st of drop) reserved.delete(st);
  };
  // Each write's changes as JSON, without the brackets: a station's entry joins those of its writes.
  const changesJson = writes.map((w) => changesJsonOf(w).slice(1, -1));
  // Every writer makes sure the log has an epoch before its first entry (cached per process).
  await getEpoch(ctx);
  let committed = false;
  try {
    for (let attempt = 1; live.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new ChangeLogContentionError(maxAttempts);
      const committedAt = new Date().toISOString();
      const stations = [...new Set(live.flatMap((i) => writes[i]!.stations))].sort();
      await release(new Set(stations), 'not needed');
      await Promise.all(stations.filter((st) => !reserved.has(st)).map(async (st) => reserved.set(st, await reserveSeq(ctx, st, committedAt))));
      // Where each live write's business items start in the transaction.
      const owners: number[] = [];
      const business: TransactItem[] = [];
      for (const i of live) {
        for (const it of writes[i]!.items) {
          owners.push(i);
          business.push(it);
        }
      }
      const seqs: Record<string, number> = {};
      const logItems: TransactItem[] = stations.map((station) => {
        const seq = reserved.get(station)!;
        seqs[station] = seq;
        const parts = live.filter((i) => writes[i]!.stations.includes(station)).map((i) => changesJson[i]!).filter((part) => part !== '');
        return {
          Put: {
            TableName: ctx.table,
            Item: { ...keys.logEntry(station, seq), entityType: 'log', station, seq, committedAt, [CHANGES_JSON]: `[${parts.join(',')}]` },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        };
      });
      try {
        await ctx.doc.send(new TransactWriteCommand({ TransactItems: [...business, ...logItems] }));
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'ValidationException') {
          // Which write DynamoDB refused is not said: in a pack each goes alone, so only that one fails.
          await release(new Set(), 'refused');
          if (live.length === 1) results[live[0]!] = { ok: false, error: err as Error };
          else for (const i of live) results[i] = (await commitPack(ctx, [writes[i]!], opts))[0]!;
          return results;
        }
        if (!(err instanceof TransactionCanceledException) && name !== 'TransactionCanceledException') throw err;
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const failed = new Map<number, number[]>();
        let contended = false;
        let invalid = false;
        reasons.forEach((r, idx) => {
          const code = r?.Code;
          if (!code || code === 'None') return;
          if (idx >= business.length) {
            // The entry exists: a reader voided this sequence (we were too slow). Reserve anew.
            if (code === 'ConditionalCheckFailed') reserved.delete(stations[idx - business.length]!);
            contended = true;
          } else if (code === 'ConditionalCheckFailed') {
            const w = owners[idx]!;
            const first = owners.indexOf(w);
            failed.set(w, [...(failed.get(w) ?? []), idx - first]);
          } else if (code === 'ValidationError') {
            invalid = true;
          } else {
            contended = true; // TransactionConflict / throttling
          }
        });
        if (failed.size > 0) {
          for (const [w, idx] of failed) results[w] = { ok: false, error: new ConditionFailedError(idx) };
          live = live.filter((i) => !failed.has(i));
          continue; // the others were not refused: retry them at once, on the same sequences
        }
        if (invalid) {
          // An item DynamoDB refuses (e.g. too large): alone, it fails alone; in a pack, find which.
          await release(new Set(), 'refused');
          if (live.length === 1) results[live[0]!] = { ok: false, error: err as Error };
          else for (const i of live) results[i] = (await commitPack(ctx, [writes[i]!], opts))[0]!;
          return results;
        }
        if (!contended && reasons.length > 0) throw err;
        await sleep(Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6)));
        continue;
      }
      committed = true;
      reserved.clear();
      for (const i of live) results[i] = { ok: true, seqs: Object.fromEntries(writes[i]!.stations.map((st) => [st, seqs[st]!])) };
      opts.onCommitted?.(seqs);
      alsoCommitted?.(seqs);
      for (const l of commitListeners) l(seqs);
      return results;
    }
    return results;
  } finally {
    // Every write refused, or an error: the sequences still held are voided (best effort; a
    // reader voids them after the hole timeout otherwise). A transaction whose outcome is unknown
    // (network) is safe too: the void is conditional on the entry not existing.
    if (!committed && reserved.size > 0) await release(new Set(), 'abandoned').catch(() => undefined);
  }
}

/**
 * Read up to `limit` entries after `cursor`, strongly consistent: the contiguous run only. It stops
 * before a hole (a sequence reserved and not yet committed); a hole older than the hole timeout
 * (its writer is gone) is filled with a void entry first, which readers see as an entry without
 * changes.
 */
export async function readLog(ctx: DataContext, station: string, cursor: number, limit: number): Promise<LogEntry[]> {
  for (let round = 0; ; round++) {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk AND SK > :after',
        ExpressionAttributeValues: { ':pk': logPartition(station), ':after': seqSortKey(cursor) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const items = res.Items ?? [];
    const out: LogEntry[] = [];
    let expected = cursor + 1;
    let hole: { from: number; to: number; stale: boolean } | null = null;
    for (const it of items) {
      const seq = it.seq as number;
      if (seq !== expected) {
        // Sequence order is reservation order: the hole was reserved before this entry was, so it is
        // at least as old as this entry's commit.
        hole = { from: expected, to: seq - 1, stale: Date.parse(it.committedAt as string) < Date.now() - holeTimeoutMs() };
        break;
      }
      out.push({ seq, changes: entryChanges(it) });
      expected = seq + 1;
    }
    if (!hole && items.length < limit && out.length < limit) {
      // Past the last entry: reserved sequences not committed yet, stale when the last reservation is.
      const counter = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.stationCounter(station), ConsistentRead: true }));
      const head = typeof counter.Item?.seq === 'number' ? counter.Item.seq : 0;
      const reservedAt = Date.parse(String(counter.Item?.reservedAt ?? counter.Item?.updatedAt ?? ''));
      if (head >= expected) hole = { from: expected, to: Math.min(head, expected + limit - out.length - 1), stale: reservedAt < Date.now() - holeTimeoutMs() };
    }
    if (!hole || !hole.stale || round >= 3) return out;
    for (let seq = hole.from; seq <= hole.to; seq++) await voidSeq(ctx, station, seq, 'writer gone');
    // Read again from the first hole: the voids, or the commits that beat them.
    if (out.length > 0) return out;
  }
}

/**
 * The retained log starts at `minSeq`: the first entry still stored, but never at or below the
 * compactor's recorded trim floor (entries up to it are gone, or being deleted: a crash in the
 * middle of a trim must not show a hole). head + 1 when nothing is retained.
 */
export async function readRetentionFloor(ctx: DataContext, station: string, head: number): Promise<number> {
  const [first, floor] = await Promise.all([
    readMinSeq(ctx, station),
    ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.snapshotState(station), ConsistentRead: true, ProjectionExpression: 'trimmedSeq' })),
  ]);
  const trimmed = typeof floor.Item?.trimmedSeq === 'number' ? floor.Item.trimmedSeq : 0;
  return Math.max(first ?? head + 1, trimmed + 1);
}

/** Lowest sequence still stored (null when the log is empty); see readRetentionFloor. */
export async function readMinSeq(ctx: DataContext, station: string): Promise<number | null> {
  const res = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': logPartition(station) },
      ConsistentRead: true,
      Limit: 1,
      ProjectionExpression: 'seq',
    }),
  );
  const first = res.Items?.[0];
  return first ? (first.seq as number) : null;
}

/** Epoch reported before anything was ever written to the table. */
export const NO_EPOCH = '0';

/** Re-read at most every 30 s, so a warm Lambda notices a restore (new epoch) soon. */
const EPOCH_CACHE_MS = 30_000;
const epochCache = new Map<string, { epoch: string; at: number }>();

/**
 * The deployment's epoch: created once per table (a restored table gets a new one written by
 * the restore runbook, which makes every desk resync). Cached per process for 30 s.
 */
export async function getEpoch(ctx: DataContext, opts: { create?: boolean } = {}): Promise<string> {
  const cached = epochCache.get(ctx.table);
  if (cached && Date.now() - cached.at < EPOCH_CACHE_MS) return cached.epoch;
  const existing = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.epoch(), ConsistentRead: true }));
  let epoch = existing.Item?.epoch as string | undefined;
  // Read-only callers (pull, health: read-only table access in AWS) never create it; before the
  // first write there is no log, and the sentinel makes a desk resync once the real epoch exists.
  if (!epoch && opts.create === false) return NO_EPOCH;
  if (!epoch) {
    const fresh = ulid();
    try {
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: ctx.table,
                Item: { ...keys.epoch(), entityType: 'epoch', epoch: fresh, createdAt: new Date().toISOString() },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
      epoch = fresh;
    } catch {
      const again = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.epoch(), ConsistentRead: true }));
      epoch = again.Item?.epoch as string;
    }
  }
  epochCache.set(ctx.table, { epoch, at: Date.now() });
  return epoch;
}

/**
 * Restore runbook step: after restoring the table from a backup, give the log a new epoch so
 * every desk resyncs its stations (keeping its outbox) and re-pushes commands acknowledged after
 * the restore point; the durable command records dedupe what survived. Returns the new epoch.
 */
export async function rotateEpoch(ctx: DataContext, reason: string): Promise<string> {
  const epoch = ulid();
  await ctx.doc.send(
    new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: ctx.table, Item: { ...keys.epoch(), entityType: 'epoch', epoch, createdAt: new Date().toISOString(), reason } } }],
    }),
  );
  epochCache.delete(ctx.table);
  return epoch;
}

/** Build a change for an entity snapshot. */
export function putChange(kind: Change['kind'], entity: { id: string; version: number }): Change {
  return { kind, id: entity.id, version: entity.version, op: 'put', data: { ...entity } as Record<string, unknown> };
}

import { GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import type { Change, LogEntry } from '../../../src/shared/sync/protocol.js';
import type { DataContext } from './client.js';
import { keys, logPartition, seqSortKey } from './keys.js';

/**
 * The per-station change log (SYNC.md): each station has a counter item; a committed change
 * bumps it in the SAME TransactWriteItems as the business writes and a log item
 * `LOG#<station>` / zero-padded seq. A conditional update on the counter makes the sequence
 * gap-free and commit-ordered; concurrent writers that lose the race retry with jitter.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit is 100 items per transaction; each station costs 2 (counter + entry). */
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
  const stations = [...new Set(write.stations)].sort();
  if (write.items.length === 0 && stations.length === 0) return {};
  if (write.items.length + stations.length * 2 > MAX_TRANSACT_ITEMS) {
    throw new RangeError(`transaction too large: ${write.items.length} items + ${stations.length} stations`);
  }
  const committedAt = new Date().toISOString();
  const body = JSON.stringify(write.changes);
  if (body.length > MAX_LOG_ENTRY_BYTES) throw new RangeError(`log entry too large (${body.length} bytes); split the write`);
  const maxAttempts = opts.maxAttempts ?? 60;
  // Every writer makes sure the log has an epoch before its first entry (cached per process).
  await getEpoch(ctx);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const heads = await Promise.all(stations.map((s) => readHead(ctx, s)));
    const seqs: Record<string, number> = {};
    const logItems: TransactItem[] = [];
    stations.forEach((station, i) => {
      const cur = heads[i] ?? 0;
      const next = cur + 1;
      seqs[station] = next;
      logItems.push({
        Update: {
          TableName: ctx.table,
          Key: keys.stationCounter(station),
          UpdateExpression: 'SET #seq = :next, station = :station, updatedAt = :at',
          ConditionExpression: cur === 0 ? 'attribute_not_exists(#seq)' : '#seq = :cur',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':next': next, ':station': station, ':at': committedAt, ...(cur === 0 ? {} : { ':cur': cur }) },
        },
      });
      logItems.push({
        Put: {
          TableName: ctx.table,
          Item: { ...keys.logEntry(station, next), entityType: 'log', station, seq: next, committedAt, changes: write.changes },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    });
    try {
      await ctx.doc.send(new TransactWriteCommand({ TransactItems: [...write.items, ...logItems] }));
      opts.onCommitted?.(seqs);
      for (const l of commitListeners) l(seqs);
      return seqs;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) && (err as Error).name !== 'TransactionCanceledException') throw err;
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      const failedBusiness: number[] = [];
      let contended = false;
      reasons.forEach((r, i) => {
        const code = r?.Code;
        if (!code || code === 'None') return;
        if (i >= write.items.length) {
          contended = true; // counter or log item lost the race
        } else if (code === 'ConditionalCheckFailed') {
          failedBusiness.push(i);
        } else {
          contended = true; // TransactionConflict / throttling on a business item
        }
      });
      if (failedBusiness.length > 0) throw new ConditionFailedError(failedBusiness);
      if (!contended && reasons.length > 0) throw err;
      // Full jitter, capped: writers to one station serialize, so keep the backoff short.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6)));
    }
  }
  throw new ChangeLogContentionError(maxAttempts);
}

/** Read up to `limit` entries after `cursor`, strongly consistent. */
export async function readLog(ctx: DataContext, station: string, cursor: number, limit: number): Promise<LogEntry[]> {
  const res = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'PK = :pk AND SK > :after',
      ExpressionAttributeValues: { ':pk': logPartition(station), ':after': seqSortKey(cursor) },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (res.Items ?? []).map((it) => ({ seq: it.seq as number, changes: it.changes as Change[] }));
}

/** Lowest sequence still retained (entries may expire by TTL); head + 1 when the log is empty. */
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

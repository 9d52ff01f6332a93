import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ChangeSchema, type Change } from '../../../src/shared/sync/protocol.js';
import type { DataContext } from './client.js';
import { keys, snapshotPackPartition, snapshotPartition } from './keys.js';
import { batchWrite } from './repositories.js';

/**
 * Packed snapshots (issue #10, "initial sync of a big station"): an immutable copy of a station's
 * `SNAP#<station>` items in a few big compressed chunks, so a desk's bootstrap reads ~15 items
 * instead of 100,000 (DynamoDB Local reads ~7k items/s; a chunk is one read of ≤ 300 KB).
 *
 * Items (keys.ts):
 *   SNAPPACK#<station> / HEAD                  the head: `current` pack {packId, asOf, chunks, rows},
 *                                              `building` (a pack under construction, resumable),
 *                                              `retired` packs kept for a grace period, `rev`
 *                                              (every head write is conditioned on it).
 *   SNAPPACK#<station>#<packId> / <chunkNo>    a chunk: `data` = gzip of NDJSON, one Change a line
 *                                              (`{kind,id,version,op,data}`), in SNAP key order.
 *
 * Size bounds: a chunk's `data` is ≤ {@link MAX_CHUNK_GZIP_BYTES} (300 KB; DynamoDB's item limit is
 * 400 KB) and its NDJSON ≤ {@link MAX_CHUNK_RAW_BYTES} (3 MB, so one chunk decompressed stays
 * under the snapshot route's 4 MB page bound). A chunk over 300 KB compressed is split in two
 * (by lines) until it fits; a single Change compressing to more than 300 KB is impossible (a SNAP
 * item is itself ≤ 400 KB of JSON-ish attributes, and JSON compresses) and would throw.
 *
 * Consistency: the pack's `asOf` is the compactor's `compactedSeq` read BEFORE the first SNAP item,
 * so every packed state is at least that new (later ones are fine: the desk applies by version
 * and replays the log from `asOf`). Tombstones are packed like any state.
 *
 * Build: only when no pack exists, when `afterEntries` log entries were compacted since the
 * current pack's asOf, or when the pack blocks trimming (the first log entry after its asOf is
 * past the horizon) and it is older than `minIntervalMs`. It is bounded by the caller's deadline
 * and resumable: `building.lastSK` is the last SNAP key of the last written chunk, advanced with
 * each chunk; a crash or deadline repeats at most one chunk's reads. The swap to the new pack is
 * one conditional write of the head; the old pack becomes `retired` and its chunks are deleted
 * `graceMs` later (a desk mid-bootstrap holds page tokens naming it; after the grace period the
 * route answers 410 and the desk starts its pages again).
 *
 * Trimming (compaction.ts) never passes {@link packTrimFloor}: the lowest asOf of the current and
 * retired packs (a desk finishing any of them continues the log from there).
 */

export const MAX_CHUNK_GZIP_BYTES = 300 * 1024;
export const MAX_CHUNK_RAW_BYTES = 3 * 1024 * 1024;

export interface PackOptions {
  /** Rebuild once this many log entries were compacted since the current pack; default 2,000. */
  afterEntries?: number;
  /** A pack that blocks trimming is rebuilt once it is this old; default 15 min. */
  minIntervalMs?: number;
  /** Retired packs' chunks are deleted this long after they were replaced; default 1 h. */
  graceMs?: number;
  /** Target NDJSON bytes per chunk before compression (≤ 3 MB; tests use small ones). */
  chunkRawBytes?: number;
  /** Build even if no rule asks for it (CLI, tests). */
  force?: boolean;
}

export interface PackInfo {
  packId: string;
  asOf: number;
  chunks: number;
  rows: number;
  rawBytes: number;
  gzipBytes: number;
  builtAt: string;
}
interface Building extends PackInfo {
  /** The last SNAP sort key written into a chunk (null: none yet). */
  lastSK: string | null;
}
interface Retired {
  packId: string;
  asOf: number;
  chunks: number;
  retiredAt: string;
}
export interface PackHead {
  rev: number;
  current: PackInfo | null;
  building: Building | null;
  retired: Retired[];
}

export interface PackResult {
  /** A new pack became current in this run. */
  built: boolean;
  /** A pack build is still under way (deadline): run again. */
  pending: boolean;
  current: PackInfo | null;
  /** Retired packs whose chunks were deleted in this run. */
  deleted: string[];
}

export async function readPackHead(ctx: DataContext, station: string): Promise<PackHead> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.table, Key: keys.snapshotPackHead(station), ConsistentRead: true }),
  );
  const it = res.Item;
  if (!it) return { rev: 0, current: null, building: null, retired: [] };
  return {
    rev: typeof it.rev === 'number' ? it.rev : 0,
    current: (it.current as PackInfo | undefined) ?? null,
    building: (it.building as Building | undefined) ?? null,
    retired: (it.retired as Retired[] | undefined) ?? [],
  };
}

/** The log may be trimmed up to here and no further (null: no pack, no constraint). */
export function packTrimFloor(head: PackHead): number | null {
  if (!head.current) return null;
  return Math.min(head.current.asOf, ...head.retired.map((r) => r.asOf));
}

class HeadRaced extends Error {}

async function writeHead(ctx: DataContext, station: string, head: PackHead): Promise<PackHead> {
  const next = { ...head, rev: head.rev + 1 };
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...keys.snapshotPackHead(station),
          entityType: 'snappack',
          station,
          rev: next.rev,
          current: next.current,
          building: next.building,
          retired: next.retired,
        },
        ConditionExpression: head.rev === 0 ? 'attribute_not_exists(PK)' : 'rev = :rev',
        ...(head.rev === 0 ? {} : { ExpressionAttributeValues: { ':rev': head.rev } }),
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException')
      throw new HeadRaced(`pack head of ${station} changed meanwhile`);
    throw err;
  }
  return next;
}

/** A new pack id: time-ordered, unique (base36 ms + 6 random bytes, [0-9a-z]). */
export function newPackId(now: Date): string {
  return `${now.getTime().toString(36)}${randomBytes(6).toString('hex')}`;
}

export const PACK_ID_PATTERN = /^[0-9a-z]{8,40}$/;

/** One line of a chunk. */
const line = (c: Change): string =>
  JSON.stringify({ kind: c.kind, id: c.id, version: c.version, op: c.op, data: c.data });

/** Decodes a chunk's NDJSON (gzip) into Changes, each checked with the Change schema. */
export function decodeChunk(data: Uint8Array): Change[] {
  const text = gunzipSync(data).toString('utf8');
  const out: Change[] = [];
  for (const l of text.split('\n')) {
    if (l.length === 0) continue;
    out.push(ChangeSchema.parse(JSON.parse(l)));
  }
  return out;
}

/** Compresses lines into ≤ MAX_CHUNK_GZIP_BYTES pieces (halving a piece that is too big). */
function compress(lines: string[]): { data: Buffer; rows: number; rawBytes: number }[] {
  const raw = lines.join('\n');
  const data = gzipSync(raw, { level: 6 });
  if (data.length <= MAX_CHUNK_GZIP_BYTES) return [{ data, rows: lines.length, rawBytes: Buffer.byteLength(raw) }];
  if (lines.length === 1)
    throw new Error(`one snapshot change compresses to ${data.length} bytes (> ${MAX_CHUNK_GZIP_BYTES})`);
  const half = Math.ceil(lines.length / 2);
  return [...compress(lines.slice(0, half)), ...compress(lines.slice(half))];
}

async function deletePartition(ctx: DataContext, pk: string): Promise<number> {
  let n = 0;
  for (;;) {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'PK, SK',
        ConsistentRead: true,
        Limit: 25,
      }),
    );
    const items = res.Items ?? [];
    if (items.length === 0) return n;
    await batchWrite(ctx, items.map((it) => ({ DeleteRequest: { Key: { PK: it.PK, SK: it.SK } } })), `delete of ${pk}`);
    n += items.length;
  }
}

export interface PackContext {
  /** The compactor's cursor now (read before any SNAP item of a new pack). */
  compactedSeq: number;
  /** True when the log entry right after the current pack's asOf is past the retention horizon. */
  trimBlocked: boolean;
  now: Date;
  deadline: number;
}

/**
 * One bounded, idempotent pack step for one station: deletes retired packs past their grace,
 * decides whether a new pack is due, builds (or continues building) it and makes it current.
 */
export async function packStation(
  ctx: DataContext,
  station: string,
  pc: PackContext,
  opts: PackOptions = {},
): Promise<PackResult> {
  const afterEntries = opts.afterEntries ?? 2000;
  const minIntervalMs = opts.minIntervalMs ?? 15 * 60_000;
  const graceMs = opts.graceMs ?? 3600_000;
  const rawTargetMax = Math.min(MAX_CHUNK_RAW_BYTES, opts.chunkRawBytes ?? MAX_CHUNK_RAW_BYTES);
  let head = await readPackHead(ctx, station);
  const deleted: string[] = [];
  const expire = async () => {
    // Retired packs past their grace period: chunks first, then the head's list.
    const expired = head.retired.filter((r) => Date.parse(r.retiredAt) + graceMs <= pc.now.getTime());
    if (expired.length === 0) return;
    for (const r of expired) await deletePartition(ctx, snapshotPackPartition(station, r.packId));
    head = await writeHead(ctx, station, { ...head, retired: head.retired.filter((r) => !expired.includes(r)) });
    deleted.push(...expired.map((r) => r.packId));
  };
  try {
    const out = await build();
    await expire();
    return { ...out, deleted };
  } catch (err) {
    // Another packer moved the head: it owns the build now; this run stops (the next one re-reads).
    if (err instanceof HeadRaced) return { built: false, pending: true, current: head.current, deleted };
    throw err;
  }

  async function build(): Promise<Omit<PackResult, 'deleted'>> {
    // 1. Is a pack due?
    if (!head.building) {
      const cur = head.current;
      const due =
        opts.force === true ||
        !cur ||
        (pc.compactedSeq > cur.asOf &&
          (pc.compactedSeq - cur.asOf >= afterEntries ||
            (pc.trimBlocked && pc.now.getTime() - Date.parse(cur.builtAt) >= minIntervalMs)));
      if (!due) return { built: false, pending: false, current: cur };
      head = await writeHead(ctx, station, {
        ...head,
        building: {
          packId: newPackId(pc.now),
          asOf: pc.compactedSeq,
          chunks: 0,
          rows: 0,
          rawBytes: 0,
          gzipBytes: 0,
          builtAt: pc.now.toISOString(),
          lastSK: null,
        },
      });
    }

    // 2. Build from where the last chunk ended.
    let b = head.building!;
    let lines: string[] = [];
    let lineBytes = 0;
    let lastSK: string | null = b.lastSK;
    let ratio = b.gzipBytes > 0 ? b.rawBytes / b.gzipBytes : 6;
    const flush = async () => {
      if (lines.length === 0) return;
      const pieces = compress(lines);
      let chunks = b.chunks;
      let raw = 0;
      let gz = 0;
      for (const p of pieces) {
        await ctx.doc.send(
          new PutCommand({
            TableName: ctx.table,
            Item: {
              ...keys.snapshotPackChunk(station, b.packId, chunks),
              entityType: 'snappackchunk',
              station,
              packId: b.packId,
              chunkNo: chunks,
              rows: p.rows,
              rawBytes: p.rawBytes,
              data: p.data,
            },
          }),
        );
        chunks += 1;
        raw += p.rawBytes;
        gz += p.data.length;
      }
      b = {
        ...b,
        chunks,
        rows: b.rows + lines.length,
        rawBytes: b.rawBytes + raw,
        gzipBytes: b.gzipBytes + gz,
        lastSK,
      };
      head = await writeHead(ctx, station, { ...head, building: b });
      ratio = b.rawBytes / Math.max(1, b.gzipBytes);
      lines = [];
      lineBytes = 0;
    };
    const target = () => Math.min(rawTargetMax, Math.floor(MAX_CHUNK_GZIP_BYTES * 0.85 * ratio));
    let start: Record<string, unknown> | undefined =
      b.lastSK === null ? undefined : { PK: snapshotPartition(station), SK: b.lastSK };
    for (;;) {
      if (Date.now() >= pc.deadline) return { built: false, pending: true, current: head.current };
      const res = await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': snapshotPartition(station) },
          ProjectionExpression: 'SK, kind, id, version, op, #data',
          ExpressionAttributeNames: { '#data': 'data' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const it of res.Items ?? []) {
        const c = ChangeSchema.safeParse({
          kind: it.kind,
          id: it.id,
          version: it.version,
          op: it.op,
          data: it.op === 'delete' ? null : (it.data ?? null),
        });
        lastSK = String(it.SK);
        if (!c.success) continue; // the snapshot route skips (and logs) such items too
        const l = line(c.data);
        lines.push(l);
        lineBytes += l.length + 1;
        if (lineBytes >= target()) await flush();
      }
      start = res.LastEvaluatedKey;
      if (!start) break;
    }
    await flush();

    // 3. Swap: the new pack becomes current, the old one is retired (kept for the grace period).
    const done: PackInfo = {
      packId: b.packId,
      asOf: b.asOf,
      chunks: b.chunks,
      rows: b.rows,
      rawBytes: b.rawBytes,
      gzipBytes: b.gzipBytes,
      builtAt: pc.now.toISOString(),
    };
    const retired = head.current
      ? [
          ...head.retired,
          {
            packId: head.current.packId,
            asOf: head.current.asOf,
            chunks: head.current.chunks,
            retiredAt: pc.now.toISOString(),
          },
        ]
      : head.retired;
    head = await writeHead(ctx, station, { ...head, current: done, building: null, retired });
    return { built: true, pending: false, current: done };
  }
}

/** Reads `count` chunks of a pack from `from` (fewer at its end; none if it was deleted). */
export async function readPackChunks(
  ctx: DataContext,
  station: string,
  packId: string,
  from: number,
  count: number,
): Promise<{ chunkNo: number; rows: number; data: Uint8Array }[]> {
  const res = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'PK = :pk AND SK >= :from',
      ExpressionAttributeValues: {
        ':pk': snapshotPackPartition(station, packId),
        ':from': keys.snapshotPackChunk(station, packId, from).SK,
      },
      ProjectionExpression: 'chunkNo, #rows, #data',
      ExpressionAttributeNames: { '#rows': 'rows', '#data': 'data' },
      ConsistentRead: true,
      Limit: count,
    }),
  );
  return (res.Items ?? []).map((it) => ({
    chunkNo: it.chunkNo as number,
    rows: it.rows as number,
    data: it.data as Uint8Array,
  }));
}

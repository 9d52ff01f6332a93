import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { StationSchema } from '../../../../src/shared/domain/index.js';
import { ChangeSchema, type Change, type SnapshotResponse } from '../../../../src/shared/sync/protocol.js';
import { getEpoch } from '../../data/changelog.js';
import { readSnapshotState } from '../../data/compaction.js';
import { snapshotPartition } from '../../data/keys.js';
import { decodeChunk, PACK_ID_PATTERN, readPackChunks, readPackHead } from '../../data/snapshot-pack.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, header, json, parseWith, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { holdsStation } from '../principal.js';

export const SnapshotQuerySchema = z.object({
  station: StationSchema,
  page: z
    .string()
    .max(2048, 'page token too long')
    .regex(/^[A-Za-z0-9_-]+$/, 'page token: base64url')
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,15}$/, 'non-negative integer')
    .transform(Number)
    // DynamoDB returns at most 1 MB per Query whatever the limit: a big limit means ~1 MB pages.
    .pipe(z.number().int().min(1).max(5000))
    .optional()
    .transform((v) => v ?? 1000),
  /** `gzip`: pack pages come as `packed` (base64 gzip NDJSON chunks) for the desk to decode. */
  encoding: z.enum(['gzip']).optional(),
});

/** A page token inside a packed snapshot: pack, next chunk, the pack's chunk count, asOf and rows. */
const PackPageSchema = z.strictObject({
  p: z.string().regex(PACK_ID_PATTERN),
  c: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(1_000_000),
  a: z.number().int().nonnegative(),
  t: z.number().int().nonnegative(),
});
type PackPage = z.infer<typeof PackPageSchema>;
const encodePackPage = (p: PackPage): string => Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');

/** Chunks per page: decoded server side one (≤ 3 MB of JSON), sent packed four (≤ ~1.6 MB of base64). */
export const PACK_CHUNKS_PER_PAGE = { json: 1, gzip: 4 } as const;

/** What a page token decodes to: the snapshot partition's LastEvaluatedKey (PK, SK). */
const PageKeySchema = z.strictObject({ PK: z.string().max(64), SK: z.string().min(1).max(600) });

export const encodePage = (key: { PK: string; SK: string }): string =>
  Buffer.from(JSON.stringify({ PK: key.PK, SK: key.SK }), 'utf8').toString('base64url');

/** Decodes and checks a page token: a key of THIS station's snapshot partition, or a pack page. */
export function decodePage(token: string, station: string): { PK: string; SK: string } | PackPage {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(400, 'validation_failed', 'page: not a page token from a previous answer');
  }
  const pack = PackPageSchema.safeParse(raw);
  if (pack.success) {
    if (pack.data.c >= pack.data.n) throw new ApiError(400, 'validation_failed', 'page: past the end of the pack');
    return pack.data;
  }
  const parsed = PageKeySchema.safeParse(raw);
  if (!parsed.success || parsed.data.PK !== snapshotPartition(station))
    throw new ApiError(400, 'validation_failed', 'page: not a page token of this station\'s snapshot');
  return parsed.data;
}

/** Like pull: stay well under Lambda's 6 MB response limit (a DynamoDB page is ≤ 1 MB anyway). */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

/**
 * GET /v1/sync/snapshot?station=&page=&limit= → SnapshotResponse: one page of the station's
 * compacted state (SNAP#<station>, data/compaction.ts), read strongly consistent, with the
 * compactor's position (`asOf`) read BEFORE the items so every item is at least that new.
 * Same auth and station scope as pull.
 *
 * When the station has a packed snapshot (data/snapshot-pack.ts), the first page starts it and
 * every page is whole chunks of that pack (the page token names the pack, so a desk finishes the
 * pack it started even if a newer one became current meanwhile); `asOf` is the pack's. With
 * `encoding=gzip` the chunks are sent as they are stored (`packed`, base64) and the desk decodes
 * them; otherwise they are decoded here into `changes`. A pack deleted after its grace period →
 * 410 `snapshot_pack_gone` (the desk starts its pages again). No pack yet: SNAP# pages as before.
 */
export function makeSnapshotHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const principal = await deps.verifier.verify(header(event, 'authorization'));
    const q = parseWith(SnapshotQuerySchema, event.queryStringParameters ?? {});
    if (!holdsStation(principal, q.station)) throw new ApiError(403, 'forbidden_station', `you do not hold station ${q.station}`);
    const token = q.page === undefined ? undefined : decodePage(q.page, q.station);
    const { ctx } = deps;
    let pack: PackPage | null = token && 'p' in token ? token : null;
    if (token === undefined) {
      const head = await readPackHead(ctx, q.station);
      const cur = head.current;
      if (cur && cur.chunks > 0) pack = { p: cur.packId, c: 0, n: cur.chunks, a: cur.asOf, t: cur.rows };
      else if (cur) {
        // An empty pack: the station has no snapshot items.
        const epoch = await getEpoch(ctx, { create: false });
        return json(200, { station: q.station, epoch, asOf: cur.asOf, changes: [], nextPage: null, total: 0 } satisfies SnapshotResponse);
      }
    }
    if (pack) {
      const per = PACK_CHUNKS_PER_PAGE[q.encoding ?? 'json'];
      const want = Math.min(per, pack.n - pack.c);
      const [epoch, chunks] = await Promise.all([getEpoch(ctx, { create: false }), readPackChunks(ctx, q.station, pack.p, pack.c, want)]);
      if (chunks.length < want || chunks.some((ch, i) => ch.chunkNo !== pack.c + i))
        throw new ApiError(410, 'snapshot_pack_gone', 'this packed snapshot was replaced and deleted: start the snapshot again');
      const next = pack.c + want;
      const body: SnapshotResponse = {
        station: q.station,
        epoch,
        asOf: pack.a,
        changes: q.encoding === 'gzip' ? [] : chunks.flatMap((ch) => decodeChunk(ch.data)),
        ...(q.encoding === 'gzip' ? { packed: chunks.map((ch) => Buffer.from(ch.data).toString('base64')) } : {}),
        nextPage: next < pack.n ? encodePackPage({ ...pack, c: next }) : null,
        total: pack.t,
      };
      return json(200, body);
    }
    const start = token as { PK: string; SK: string } | undefined;
    const [epoch, state] = await Promise.all([getEpoch(ctx, { create: false }), readSnapshotState(ctx, q.station)]);
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': snapshotPartition(q.station) },
        ProjectionExpression: 'PK, SK, kind, id, version, op, #data',
        ExpressionAttributeNames: { '#data': 'data' },
        ConsistentRead: true,
        Limit: q.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = res.Items ?? [];
    const changes: Change[] = [];
    let bytes = 0;
    let lastSent: { PK: string; SK: string } | null = null;
    let cut = false;
    for (const it of items) {
      const c = ChangeSchema.safeParse({ kind: it.kind, id: it.id, version: it.version, op: it.op, data: it.op === 'delete' ? null : (it.data ?? null) });
      if (c.success) {
        bytes += JSON.stringify(c.data).length;
        if (changes.length > 0 && bytes > MAX_SNAPSHOT_BYTES) {
          cut = true;
          break;
        }
        changes.push(c.data);
      } else {
        deps.log.error('snapshot item fails the change schema; skipped', { station: q.station, sk: String(it.SK) });
      }
      lastSent = { PK: String(it.PK), SK: String(it.SK) };
    }
    // Cut short by the byte bound: the next page starts after the last item looked at.
    const after = cut ? lastSent : ((res.LastEvaluatedKey as { PK: string; SK: string } | undefined) ?? null);
    const nextPage = after ? encodePage(after) : null;
    const body: SnapshotResponse = {
      station: q.station,
      epoch,
      asOf: state.compactedSeq,
      changes,
      nextPage,
      total: Math.max(state.itemCount, changes.length),
    };
    return json(200, body);
  });
}

export const handler = lambdaRoute(makeSnapshotHandler);

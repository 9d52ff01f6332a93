import { z } from 'zod';
import { StationSchema } from '../../../../src/shared/domain/index.js';
import type { LogEntry, PullResponse } from '../../../../src/shared/sync/protocol.js';
import { getEpoch, readHead, readLog, readRetentionFloor } from '../../data/changelog.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, header, json, parseWith, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { holdsStation } from '../principal.js';

const intParam = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? dflt);

export const PullQuerySchema = z.object({
  station: StationSchema,
  cursor: intParam(0, Number.MAX_SAFE_INTEGER, 0),
  epoch: z
    .string()
    .max(64)
    .optional()
    .transform((v) => (v ? v : null)),
  limit: intParam(1, 1000, 200),
  wait: intParam(0, 20, 0),
});

/**
 * GET /v1/sync/pull?station=&cursor=&epoch=&limit=&wait= → PullResponse. Entries after the
 * cursor, read strongly consistent; `wait` long-polls until something is committed. `resync`
 * when the epoch differs (restored table), the cursor is ahead of the head, or older than the
 * retained log (trimmed by the compactor, data/compaction.ts): no entries, cursor 0; the desk
 * bootstraps the station from the snapshot (routes/snapshot.ts) and continues from its asOf.
 */
export function makePullHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const principal = await deps.verifier.verify(header(event, 'authorization'));
    const q = parseWith(PullQuerySchema, event.queryStringParameters ?? {});
    if (!holdsStation(principal, q.station)) throw new ApiError(403, 'forbidden_station', `you do not hold station ${q.station}`);
    const { ctx } = deps;
    const epoch = await getEpoch(ctx, { create: false });
    let head = await readHead(ctx, q.station);
    const minSeq = await readRetentionFloor(ctx, q.station, head);
    // A cursor before the retained log (a long-offline desk, or a new desk, cursor 0, on a log
    // that no longer starts at 1) cannot continue it: the desk bootstraps the station from
    // GET /v1/sync/snapshot (keeping its outbox) and continues the log from the snapshot's asOf.
    const resync = (q.epoch !== null && q.epoch !== epoch) || q.cursor > head || q.cursor < minSeq - 1;
    if (resync) {
      const body: PullResponse = { station: q.station, epoch, entries: [], cursor: 0, hasMore: false, head, resync: true, retention: { minSeq: Math.max(1, minSeq) } };
      return json(200, body);
    }
    const from = q.cursor;
    if (q.wait > 0 && head <= from) {
      head = await deps.changes.waitFor(ctx, q.station, from, Math.min(q.wait, deps.maxWaitSeconds ?? 20) * 1000);
    }
    let entries = capBytes(head > from ? await readLog(ctx, q.station, from, q.limit) : []);
    // Reserved but not committed yet (a commit in flight, data/changelog.ts): a long poll waits a
    // moment for it rather than answering "nothing" at once.
    for (const until = Date.now() + Math.min(q.wait * 1000, 2000); entries.length === 0 && head > from && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 50));
      entries = capBytes(await readLog(ctx, q.station, from, q.limit));
    }
    const cursor = entries.length > 0 ? entries[entries.length - 1]!.seq : from;
    const body: PullResponse = {
      station: q.station,
      epoch,
      entries,
      cursor,
      // Nothing readable yet past a commit in flight: the desk polls again later, not at once.
      hasMore: entries.length > 0 && cursor < head,
      head: Math.max(head, cursor),
      resync: false,
      retention: { minSeq: Math.max(1, minSeq) },
    };
    return json(200, body);
  });
}

/**
 * Lambda responses are capped at 6 MB (and a log entry may be ~350 KB): stop adding entries
 * past ~4 MB, always keeping at least one so the cursor moves. `hasMore` tells the desk to go on.
 */
export const MAX_PULL_BYTES = 4 * 1024 * 1024;
function capBytes(entries: LogEntry[]): LogEntry[] {
  let total = 0;
  const out: LogEntry[] = [];
  for (const e of entries) {
    total += JSON.stringify(e).length;
    if (out.length > 0 && total > MAX_PULL_BYTES) break;
    out.push(e);
  }
  return out;
}

export const handler = lambdaRoute(makePullHandler);

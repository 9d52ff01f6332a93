import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import DataLoader from 'dataloader';
import pMap from 'p-map';
import {
  ApprovalSchema,
  BookingSchema,
  CaseSchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  IssuanceSchema,
  PassengerSchema,
  disruptionId as disruptionIdOf,
  flightInstanceId,
  type Approval,
  type Booking,
  type Case,
  type Disruption,
  type Entitlement,
  type Flight,
  type Issuance,
  type Passenger,
} from '../../../src/shared/domain/index.js';
import type { DataContext } from './client.js';
import { queryAll } from './query-all.js';
import {
  BOOKING_SK_PREFIX,
  ENTITLEMENT_SK_PREFIX,
  caseIdOfEntitlement,
  flightNumberPartition,
  keys,
  stripKeys,
} from './keys.js';

/**
 * Item ↔ entity mapping and reads. Every row read back is parsed with zod (a boundary);
 * writes are composed by callers into transactions (changelog.ts).
 */
export const items = {
  flight: (f: Flight) => ({
    ...keys.flight(f.id),
    ...keys.flightGsi1(f.carrier, f.number, f.scheduledDeparture),
    entityType: 'flight',
    ...f,
  }),
  booking: (b: Booking) => ({
    ...keys.booking(b.flightId, b.id),
    ...keys.bookingGsi1(b.passengerId, b.flightId, b.id),
    entityType: 'booking',
    ...b,
  }),
  passenger: (p: Passenger) => ({ ...keys.passenger(p.id), entityType: 'passenger', ...p }),
  disruption: (d: Disruption & Record<string, unknown>) => ({
    ...keys.disruption(d.flightId, d.id),
    entityType: 'disruption',
    ...d,
  }),
  case: (c: Case) => ({ ...keys.case(c.id), entityType: 'case', ...c }),
  entitlement: (e: Entitlement) => ({ ...keys.entitlement(e.caseId, e.id), entityType: 'entitlement', ...e }),
  /** `dailyCount`: what this issuance added to its issuer's daily counter (undone by a void); null = not counted. */
  issuance: (i: Issuance, dailyCount: DailyCount | null = null) => ({
    ...keys.issuance(i.id),
    entityType: 'issuance',
    ...i,
    dailyCount,
  }),
  approval: (a: Approval) => ({ ...keys.approval(a.id), entityType: 'approval', ...a }),
};

/** The `USERDAY#<user>#<date>`/<currency> counter an issuance added to. */
export interface DailyCount {
  user: string;
  day: string;
  currency: string;
  amountMinor: number;
}

export async function getApproval(ctx: DataContext, id: string): Promise<Approval | null> {
  const it = await getItem(ctx, keys.approval(id));
  return it ? ApprovalSchema.parse(stripKeys(it)) : null;
}

/** An issuance with the daily count it added (for a void). */
export async function getIssuanceRecord(
  ctx: DataContext,
  id: string,
): Promise<{ issuance: Issuance; dailyCount: DailyCount | null } | null> {
  const it = await getItem(ctx, keys.issuance(id));
  if (!it) return null;
  const dc = it.dailyCount as DailyCount | null | undefined;
  return {
    issuance: IssuanceSchema.parse(stripKeys(it)),
    dailyCount: dc && typeof dc.amountMinor === 'number' ? dc : null,
  };
}

/** What `user` has issued on the UTC day `day` in `currency` (minor units; 0 when nothing). */
export async function getUserDayTotal(ctx: DataContext, user: string, day: string, currency: string): Promise<number> {
  const it = await getItem(ctx, keys.userDay(user, day, currency));
  return typeof it?.total === 'number' ? it.total : 0;
}

async function getItem(ctx: DataContext, key: { PK: string; SK: string }, consistent = true) {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: consistent }));
  return res.Item ?? null;
}

export async function getFlight(ctx: DataContext, id: string): Promise<Flight | null> {
  const it = await getItem(ctx, keys.flight(id));
  return it ? FlightSchema.parse(stripKeys(it)) : null;
}

export async function getPassenger(ctx: DataContext, id: string): Promise<Passenger | null> {
  const it = await getItem(ctx, keys.passenger(id));
  return it ? PassengerSchema.parse(stripKeys(it)) : null;
}

/** Stored disruption, including the ingest fold state (`aspects`, ingest/fold.ts) beyond the schema. */
export type StoredDisruption = Disruption & { aspects: Record<string, unknown> };

export async function getDisruption(ctx: DataContext, flightId: string): Promise<StoredDisruption | null> {
  const it = await getItem(ctx, keys.disruption(flightId, disruptionIdOf(flightId)));
  if (!it) return null;
  const d = DisruptionSchema.parse(stripKeys(it));
  return { ...d, aspects: (it.aspects as Record<string, unknown> | undefined) ?? {} };
}

export async function getCase(ctx: DataContext, caseId: string): Promise<Case | null> {
  const it = await getItem(ctx, keys.case(caseId));
  return it ? CaseSchema.parse(stripKeys(it)) : null;
}

export async function getEntitlement(ctx: DataContext, entitlementId: string): Promise<Entitlement | null> {
  const caseId = caseIdOfEntitlement(entitlementId);
  if (!caseId) return null;
  const it = await getItem(ctx, keys.entitlement(caseId, entitlementId));
  return it ? EntitlementSchema.parse(stripKeys(it)) : null;
}

export async function getIssuance(ctx: DataContext, id: string): Promise<Issuance | null> {
  const it = await getItem(ctx, keys.issuance(id));
  return it ? IssuanceSchema.parse(stripKeys(it)) : null;
}

/** A case with its entitlements (one query on the case partition). */
export async function getCaseWithEntitlements(
  ctx: DataContext,
  caseId: string,
): Promise<{ case: Case; entitlements: Entitlement[] } | null> {
  // ENT#… and META sort after AUDIT#/AUDITHEAD: the audit trail (which only grows) is not read here.
  const rows = await queryAll(ctx, {
    KeyConditionExpression: 'PK = :pk AND SK >= :from',
    ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':from': ENTITLEMENT_SK_PREFIX },
    ConsistentRead: true,
  });
  const meta = rows.find((r) => r.SK === 'META');
  if (!meta) return null;
  return {
    case: CaseSchema.parse(stripKeys(meta)),
    entitlements: rows
      .filter((r) => String(r.SK).startsWith(ENTITLEMENT_SK_PREFIX))
      .map((r) => EntitlementSchema.parse(stripKeys(r))),
  };
}

/** One page of a flight's bookings (consistent query on the flight partition). */
export async function pageBookings(
  ctx: DataContext,
  flightId: string,
  limit: number,
  after: string | null,
): Promise<{ bookings: Booking[]; next: string | null }> {
  const res = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pre)',
      ExpressionAttributeValues: { ':pk': keys.flight(flightId).PK, ':pre': BOOKING_SK_PREFIX },
      ConsistentRead: true,
      Limit: limit,
      ...(after ? { ExclusiveStartKey: { PK: keys.flight(flightId).PK, SK: `${BOOKING_SK_PREFIX}${after}` } } : {}),
    }),
  );
  const bookings = (res.Items ?? []).map((r) => BookingSchema.parse(stripKeys(r)));
  const lek = res.LastEvaluatedKey?.SK as string | undefined;
  return { bookings, next: lek ? lek.slice(BOOKING_SK_PREFIX.length) : null };
}

export async function getBookings(ctx: DataContext, flightId: string, bookingIds: string[]): Promise<Booking[]> {
  const rows = await batchGet(
    ctx,
    bookingIds.map((id) => keys.booking(flightId, id)),
  );
  return rows.map((r) => BookingSchema.parse(stripKeys(r)));
}

export async function getPassengers(ctx: DataContext, ids: string[]): Promise<Passenger[]> {
  const rows = await batchGet(
    ctx,
    [...new Set(ids)].map((id) => keys.passenger(id)),
  );
  return rows.map((r) => PassengerSchema.parse(stripKeys(r)));
}

/** Existing items among `keyList` (BatchGet in chunks of 100, consistent, unprocessed keys retried). */
export async function batchGet(
  ctx: DataContext,
  keys_: { PK: string; SK: string }[],
): Promise<Record<string, unknown>[]> {
  // BatchGetItem refuses duplicate keys in one request.
  const keyList = [...new Map(keys_.map((k) => [`${k.PK}\u0000${k.SK}`, k])).values()];
  const chunks: { PK: string; SK: string }[][] = [];
  for (let i = 0; i < keyList.length; i += 100) chunks.push(keyList.slice(i, i + 100));
  const out: Record<string, unknown>[] = [];
  // Requests of 100 keys, BATCH_GET_CONCURRENCY at a time (a big ingest round reads thousands).
  await pMap(
    chunks,
    async (chunk) => {
      let pending: Record<string, unknown>[] | undefined = chunk;
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        const res = await ctx.doc.send(
          new BatchGetCommand({ RequestItems: { [ctx.table]: { Keys: pending, ConsistentRead: true } } }),
        );
        out.push(...(res.Responses?.[ctx.table] ?? []));
        pending = res.UnprocessedKeys?.[ctx.table]?.Keys as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    },
    { concurrency: BATCH_GET_CONCURRENCY },
  );
  return out;
}

/** BatchGetItem requests of one batchGet call in flight at once. */
const BATCH_GET_CONCURRENCY = 4;

const loaders = new WeakMap<DataContext, DataLoader<string, Record<string, unknown> | null>>();
const keyString = (k: { PK: string; SK: string }) => `${k.PK}\u0000${k.SK}`;

/**
 * batchGet for many small concurrent callers (each passenger notice reads its case and audit
 * head): the keys asked for within the same 2 ms by any caller of this data context go out
 * together, 100 a request (DataLoader, not caching: every read is a new consistent read). Returns
 * the rows found, as batchGet does.
 */
export async function batchGetCoalesced(
  ctx: DataContext,
  keys_: { PK: string; SK: string }[],
): Promise<Record<string, unknown>[]> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, Record<string, unknown> | null>(
      async (wanted) => {
        const rows = await batchGet(
          ctx,
          wanted.map((k) => {
            const [PK, SK] = k.split('\u0000') as [string, string];
            return { PK, SK };
          }),
        );
        const byKey = new Map(rows.map((r) => [keyString(r as { PK: string; SK: string }), r]));
        return wanted.map((k) => byKey.get(k) ?? null);
      },
      { cache: false, maxBatchSize: 100, batchScheduleFn: (run) => setTimeout(run, 2) },
    );
    loaders.set(ctx, loader);
  }
  const rows = await loader.loadMany(keys_.map(keyString));
  return rows.filter((r): r is Record<string, unknown> => {
    if (r instanceof Error) throw r;
    return r !== null;
  });
}

/** One request of a BatchWriteItem. */
export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: { PK: string; SK: string } } };

/** Rounds of BatchWriteItem for one chunk before its unprocessed items are an error. */
const BATCH_WRITE_ATTEMPTS = 10;

/**
 * BatchWriteItem of `requests` (no conditions, not atomic: each item on its own), 25 a request,
 * `concurrency` requests in flight; unprocessed items are sent again with backoff, and still
 * unprocessed after BATCH_WRITE_ATTEMPTS rounds they are an error (`what` names the work).
 */
export async function batchWrite(ctx: DataContext, requests: WriteRequest[], what = 'batch write', concurrency = 8): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await pMap(
    chunks,
    async (chunk) => {
      let pending: WriteRequest[] = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const res = await ctx.doc.send(new BatchWriteCommand({ RequestItems: { [ctx.table]: pending } }));
        pending = (res.UnprocessedItems?.[ctx.table] ?? []) as WriteRequest[];
        if (pending.length && attempt >= BATCH_WRITE_ATTEMPTS) throw new Error(`${what}: ${pending.length} items still unprocessed after ${attempt} attempts`);
        if (pending.length) await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt)));
      }
    },
    { concurrency },
  );
}

const putLoaders = new WeakMap<DataContext, DataLoader<Record<string, unknown>, true>>();

/**
 * An unconditional put, sent with the others of this data context asked for within the same 2 ms
 * (DataLoader: 25 a BatchWriteItem). Only for a write that needs no condition, no transaction and
 * no change-log entry. On DynamoDB Local a transaction's items are applied one writer at a time,
 * and batched puts run beside them. Two puts of one key in a batch: the later wins, as it would
 * one after the other.
 */
export async function putCoalesced(ctx: DataContext, item: Record<string, unknown>): Promise<void> {
  let loader = putLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<Record<string, unknown>, true>(
      async (puts) => {
        const last = new Map<string, Record<string, unknown>>();
        for (const Item of puts) last.set(keyString(Item as { PK: string; SK: string }), Item);
        await batchWrite(ctx, [...last.values()].map((Item) => ({ PutRequest: { Item } })), 'coalesced puts');
        return puts.map(() => true as const);
      },
      { cache: false, maxBatchSize: 25, batchScheduleFn: (run) => setTimeout(run, 2) },
    );
    putLoaders.set(ctx, loader);
  }
  await loader.load(item);
}

/** Split FlightPulse's `SW1234` into carrier and number. */
export function splitFlightNumber(flightNumber: string): { carrier: string; number: string } | null {
  const m = /^([A-Z0-9]{2})(\d{1,4}[A-Z]?)$/.exec(flightNumber);
  return m ? { carrier: m[1]!, number: m[2]! } : null;
}

/**
 * Resolve carrier + number to the instance whose scheduled departure is nearest `at`,
 * searching ±`windowHours` on GSI1 (flight-number partition, departure-sorted).
 */
export async function resolveFlightInstance(
  ctx: DataContext,
  carrier: string,
  number: string,
  at: Date,
  windowHours = 36,
): Promise<Flight | null> {
  const [f] = await resolveFlightInstances(ctx, carrier, number, [at], windowHours);
  return f ?? null;
}

/**
 * resolveFlightInstance for many instants of one flight number (an ingest batch) with one paged
 * GSI1 query over the span of them all: each instant gets the instance nearest it within
 * ±`windowHours`, exactly as if resolved alone.
 */
export async function resolveFlightInstances(
  ctx: DataContext,
  carrier: string,
  number: string,
  ats: Date[],
  windowHours = 36,
): Promise<(Flight | null)[]> {
  if (ats.length === 0) return [];
  const window = windowHours * 3600_000;
  const times = ats.map((a) => a.getTime());
  const from = new Date(Math.min(...times) - window).toISOString();
  const to = new Date(Math.max(...times) + window).toISOString();
  const rows = await queryAll(ctx, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': flightNumberPartition(carrier, number), ':from': from, ':to': to },
  });
  return nearestInstances(
    rows.map((row) => FlightSchema.parse(stripKeys(row))),
    times,
    window,
  );
}

/** For each instant, the flight departing nearest it within ±window ms (the earlier on a tie), or null. */
function nearestInstances(flights: Flight[], times: number[], window: number): (Flight | null)[] {
  return times.map((t) => {
    let best: Flight | null = null;
    let bestDist = Infinity;
    for (const f of flights) {
      const dist = Math.abs(Date.parse(f.scheduledDeparture) - t);
      if (dist > window) continue;
      if (dist < bestDist || (dist === bestDist && best && f.scheduledDeparture < best.scheduledDeparture)) {
        best = f;
        bestDist = dist;
      }
    }
    return best;
  });
}

/** One flight number and the instants to resolve it at (resolveFlightNumbers). */
export interface FlightNumberLookup {
  carrier: string;
  number: string;
  ats: Date[];
}

/** A lookup spanning more local dates than this goes to GSI1 (a replay of old events, say). */
const MAX_CANDIDATE_DATES = 8;
const DAY = 86_400_000;

/**
 * resolveFlightInstances for many flight numbers at once (an ingest batch), with BatchGetItem
 * instead of one GSI1 query per number. An instance's id is carrier + number + local departure
 * date (flightInstanceId), and a local date is the UTC date of departure give or take one day
 * (UTC−12…+14; the schedule feed refuses any other). So every instance departing within
 * ±`windowHours` of an instant has one of the ids of the UTC dates of that window widened by a day
 * each side, and those ids are read by key (100 a request). A number with an instant that found
 * nothing is asked of GSI1 as resolveFlightInstances does, so an instance stored under another id
 * is still found, and an event for a flight not scheduled yet costs one query as before.
 */
export async function resolveFlightNumbers(
  ctx: DataContext,
  lookups: FlightNumberLookup[],
  windowHours = 36,
): Promise<(Flight | null)[][]> {
  const window = windowHours * 3600_000;
  const candidates = lookups.map(({ carrier, number, ats }) => {
    const times = ats.map((a) => a.getTime());
    const first = Math.floor((Math.min(...times) - window) / DAY) - 1;
    const last = Math.floor((Math.max(...times) + window) / DAY) + 1;
    if (!Number.isFinite(first) || !Number.isFinite(last) || last - first + 1 > MAX_CANDIDATE_DATES) return null;
    return Array.from({ length: last - first + 1 }, (_, i) =>
      flightInstanceId(carrier, number, new Date((first + i) * DAY).toISOString().slice(0, 10)),
    );
  });
  const rows = await batchGet(
    ctx,
    candidates.flatMap((ids) => (ids ?? []).map((id) => keys.flight(id))),
  );
  const byId = new Map(rows.map((row) => FlightSchema.parse(stripKeys(row))).map((f) => [f.id, f]));
  return Promise.all(
    lookups.map(async ({ carrier, number, ats }, i) => {
      const ids = candidates[i];
      if (ids) {
        const found = nearestInstances(
          ids.flatMap((id) => byId.get(id) ?? []),
          ats.map((a) => a.getTime()),
          window,
        );
        if (found.every((f) => f !== null)) return found;
      }
      return resolveFlightInstances(ctx, carrier, number, ats, windowHours);
    }),
  );
}

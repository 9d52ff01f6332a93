import { isUtf8 } from 'node:buffer';
import {
  BookingSchema,
  FlightSchema,
  PassengerSchema,
  type Booking,
  type Flight,
  type Passenger,
} from '../../../src/shared/domain/index.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { ConditionFailedError, commitManyWithLog, putChange, type LoggedWrite, type TransactItem } from '../data/changelog.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys, type Key } from '../data/keys.js';
import type { Log } from '../data/log.js';
import { batchGet, items } from '../data/repositories.js';
import type { DeadLetter, DeadLetterSink, RecordMeta } from '../ingest/processor.js';
import {
  contentHash,
  parseFeedMessage,
  segmentFlightId,
  type FeedKind,
  type FeedReason,
  type ManifestMessage,
  type PassengerWire,
  type ScheduleMessage,
  type SegmentWire,
} from './schemas.js';

/**
 * Applying schedule and manifest (PNR) messages to DynamoDB: the one code path of the feed
 * consumers, the S3 initial load and the local cloud's demo seeding.
 *
 * Each message is applied whole or not at all (one LoggedWrite: its entity items, its feed-state
 * items and its change-log entries commit in one transaction), with conditional writes: an entity
 * is created only if absent and updated only at the version read, so a concurrent writer (ingest
 * delaying the flight, a desk command rebooking) makes the message re-read and re-plan instead of
 * being overwritten. Versions at the source decide what is newer:
 *
 * - a message older than the stored source version is stale: nothing is written;
 * - the same version with the same content is a redelivery: nothing is written;
 * - the same version with other content is dead-lettered VERSION_CONFLICT.
 *
 * What the feeds own and what Jetway owns on the same entity:
 * - flight: the schedule owns route, planned times, aircraft and, until an ops event has touched
 *   the flight, its gate and terminal; status, delay, estimates and actual times are the ops
 *   feed's (estimates follow a new schedule: planned time + the delay);
 * - booking: the PNR owns everything but a status Jetway set (NEEDS_REBOOKING, REBOOKED), which
 *   only the PNR's CANCELLED or BOARDED replaces; a booking the PNR no longer lists is CANCELLED;
 * - passenger: the PNR owns the profile (names, contact, tier, language, preferences, SSRs).
 * Feed state (source version, content hash) is kept in separate items (`FLIGHT#…/FEED`,
 * `PAX#…/FEED`, `PNR#…/META`) because other writers replace entity items whole.
 */

export interface FeedRecord {
  value: Buffer | string | null;
  meta: RecordMeta;
}

export interface FeedDeps {
  ctx: DataContext;
  /** The feed's dead-letter topic (`flight-schedule.dlq`, `passenger-manifests.dlq`). */
  deadLetters: DeadLetterSink;
  log?: Log;
  /**
   * Called after new flight instances were committed (the parking re-drive, parking.ts). An error
   * propagates: the batch is retried, and re-applying it is a no-op but the re-drive runs again.
   */
  onFlightsCreated?: (flights: Flight[]) => Promise<void>;
}

export type FeedOutcome =
  | { outcome: 'applied'; messageId: string; entity: string; written: number }
  | { outcome: 'unchanged'; messageId: string; entity: string; why: 'duplicate' | 'stale' }
  | { outcome: 'dead-lettered'; messageId: string | null; reason: FeedReason };

export interface FeedBatchResult {
  outcomes: FeedOutcome[];
  /** Entities created or changed (flights, passengers, bookings). */
  written: number;
  /** Messages that changed nothing (redelivered or stale). */
  unchanged: number;
  deadLettered: number;
  /** Flight instances created by this batch. */
  flightsCreated: Flight[];
  /** Change-log entries written (one per station per transaction). */
  logEntries: number;
}

export interface ApplyOptions {
  /** The topic's kind: a message of the other kind is dead-lettered WRONG_TOPIC. */
  expect?: FeedKind;
  /** Groups of writes committed in parallel (different stations). Default 4. */
  concurrency?: number;
}

/** Jetway's own booking statuses: kept until the PNR cancels the booking or it is boarded. */
const JETWAY_BOOKING_STATUSES = new Set<Booking['status']>(['NEEDS_REBOOKING', 'REBOOKED']);
/** A message whose writes keep losing races is retried by Kafka rather than looping here. */
const MAX_ROUNDS = 25;

type Row = Record<string, unknown>;
const keyOf = (k: Key): string => `${k.PK}\u0000${k.SK}`;

interface Parsed {
  index: number;
  record: FeedRecord;
  kind: FeedKind;
  message: ScheduleMessage | ManifestMessage;
  messageId: string;
  entity: string;
  /** Items this message may write: a round never holds two messages sharing one. */
  claims: string[];
  conflicts: number;
}

type Plan =
  | { type: 'unchanged'; why: 'duplicate' | 'stale' }
  | { type: 'dead-letter'; reason: FeedReason; errorPath: string; error: string }
  | { type: 'write'; write: LoggedWrite; entities: number; created: Flight[] };

/** Applies a batch of feed records (in order per entity) and returns one outcome per record. */
export async function applyFeedBatch(deps: FeedDeps, records: FeedRecord[], opts: ApplyOptions = {}): Promise<FeedBatchResult> {
  const outcomes = new Array<FeedOutcome>(records.length);
  const result: FeedBatchResult = { outcomes, written: 0, unchanged: 0, deadLettered: 0, flightsCreated: [], logEntries: 0 };
  const entries = new Set<string>();
  const deadLetter = async (p: { index: number; record: FeedRecord; messageId: string | null }, reason: FeedReason, errorPath: string, error: string) => {
    await deps.deadLetters.send(buildDeadLetter(p.record, reason, errorPath, error, p.messageId));
    deps.log?.warn('feed message dead-lettered', { reason, errorPath, messageId: p.messageId, topic: p.record.meta.topic, partition: p.record.meta.partition, offset: p.record.meta.offset });
    outcomes[p.index] = { outcome: 'dead-lettered', messageId: p.messageId, reason };
    result.deadLettered++;
  };

  let pending: Parsed[] = [];
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const parsed = parseFeedMessage(record.value, opts.expect);
    if (!parsed.ok) {
      await deadLetter({ index, record, messageId: parsed.messageId }, parsed.reason, parsed.errorPath, parsed.error);
      continue;
    }
    const m = parsed.message;
    if (m.kind === 'schedule') {
      const id = segmentFlightId(m);
      pending.push({ index, record, kind: 'schedule', message: m, messageId: m.message_id, entity: id, claims: [keyOf(keys.flight(id))], conflicts: 0 });
    } else {
      const loc = m.pnr.record_locator;
      const claims = [
        keyOf(keys.pnr(loc)),
        ...m.pnr.passengers.map((p) => keyOf(keys.passenger(p.passenger_id))),
        ...m.pnr.segments.map((s) => keyOf(keys.booking(segmentFlightId(s), s.booking_id))),
      ];
      pending.push({ index, record, kind: 'manifest', message: m, messageId: m.message_id, entity: loc, claims, conflicts: 0 });
    }
  }

  for (let round = 1; pending.length > 0; round++) {
    // This round: messages whose items no earlier pending message touches (order per entity kept).
    const taken = new Set<string>();
    const now: Parsed[] = [];
    const later: Parsed[] = [];
    for (const p of pending) {
      (p.claims.some((c) => taken.has(c)) ? later : now).push(p);
      p.claims.forEach((c) => taken.add(c));
    }
    const state = await readState(deps.ctx, now);
    const plans = now.map((p) => ({ p, plan: p.kind === 'schedule' ? planSchedule(p.message as ScheduleMessage, state, deps.ctx.table) : planManifest(p.message as ManifestMessage, state, deps.ctx.table) }));
    // Removed bookings were found only now (from the stored PNR): a write touching an item another
    // message of this round writes waits for the next round.
    const writeKeys = new Set<string>();
    const toCommit: { p: Parsed; plan: Extract<Plan, { type: 'write' }> }[] = [];
    for (const { p, plan } of plans) {
      if (plan.type === 'unchanged') {
        outcomes[p.index] = { outcome: 'unchanged', messageId: p.messageId, entity: p.entity, why: plan.why };
        result.unchanged++;
      } else if (plan.type === 'dead-letter') {
        await deadLetter({ index: p.index, record: p.record, messageId: p.messageId }, plan.reason, plan.errorPath, plan.error);
      } else {
        const ks = plan.write.items.map(itemKeyOf);
        if (ks.some((k) => writeKeys.has(k))) later.push(p);
        else {
          ks.forEach((k) => writeKeys.add(k));
          toCommit.push({ p, plan });
        }
      }
    }
    const retry = await commitPlans(deps, toCommit, opts.concurrency ?? 4, result, entries);
    for (const p of retry) {
      if (++p.conflicts > MAX_ROUNDS) throw new Error(`feed message ${p.messageId} (${p.entity}) kept losing write races; the batch is retried`);
    }
    pending = [...retry, ...later].sort((a, b) => a.index - b.index);
    if (round > MAX_ROUNDS * 4) throw new Error('feed batch did not converge; retried');
  }
  result.logEntries = entries.size;
  if (result.flightsCreated.length > 0 && deps.onFlightsCreated) await deps.onFlightsCreated(result.flightsCreated);
  return result;
}

/** Commits the planned writes (grouped by station set, groups in parallel); returns the messages to re-plan. */
async function commitPlans(
  deps: FeedDeps,
  toCommit: { p: Parsed; plan: Extract<Plan, { type: 'write' }> }[],
  concurrency: number,
  result: FeedBatchResult,
  entries: Set<string>,
): Promise<Parsed[]> {
  // Grouped by their busiest station (a hub: PHX for every PHX flight), so that a pack carries
  // many writes for few stations (each station costs a pack two items: its counter and its entry).
  const setOf = (c: (typeof toCommit)[number]) => [...new Set(c.plan.write.stations)].sort();
  const use = new Map<string, number>();
  for (const c of toCommit) for (const st of setOf(c)) use.set(st, (use.get(st) ?? 0) + 1);
  const hubOf = (c: (typeof toCommit)[number]) => setOf(c).reduce<string>((best, st) => ((use.get(st) ?? 0) > (use.get(best) ?? -1) ? st : best), '');
  const groups = new Map<string, typeof toCommit>();
  for (const c of [...toCommit].sort((a, b) => setOf(a).join(',').localeCompare(setOf(b).join(',')))) {
    const g = hubOf(c);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(c);
  }
  const retry: Parsed[] = [];
  // Groups run in parallel only when they share no station: two packs bumping one station's
  // counter at once make one of them retry (and DynamoDB Local serialises transactions anyway).
  const work = [...groups.values()].map((g) => ({ stations: [...new Set(g.flatMap(setOf))], group: g }));
  const busy = new Set<string>();
  const running = new Set<Promise<void>>();
  const run = async (group: typeof toCommit) => {
    const res = await commitManyWithLog(deps.ctx, group.map((c) => c.plan.write));
    for (let i = 0; i < group.length; i++) {
      const { p, plan } = group[i]!;
      const r = res[i]!;
      if (r.ok) {
        result.outcomes[p.index] = { outcome: 'applied', messageId: p.messageId, entity: p.entity, written: plan.entities };
        result.written += plan.entities;
        result.flightsCreated.push(...plan.created);
        for (const [st, seq] of Object.entries(r.seqs)) entries.add(`${st}#${seq}`);
      } else if (r.error instanceof ConditionFailedError) {
        retry.push(p); // another writer got there first: re-read, re-plan
      } else {
        // Too large for one transaction or refused by DynamoDB: can never be stored.
        const reason: FeedReason = 'UNPROCESSABLE';
        await deps.deadLetters.send(buildDeadLetter(p.record, reason, '', `cannot be stored: ${r.error.message.slice(0, 300)}`, p.messageId));
        deps.log?.warn('feed message dead-lettered', { reason, messageId: p.messageId, error: r.error.message });
        result.outcomes[p.index] = { outcome: 'dead-lettered', messageId: p.messageId, reason };
        result.deadLettered++;
      }
    }
  };
  while (work.length > 0 || running.size > 0) {
    const i = running.size < concurrency ? work.findIndex((w) => !w.stations.some((st) => busy.has(st))) : -1;
    if (i < 0) {
      await Promise.race(running);
      continue;
    }
    const w = work.splice(i, 1)[0]!;
    w.stations.forEach((st) => busy.add(st));
    const job: Promise<void> = run(w.group).finally(() => {
      w.stations.forEach((st) => busy.delete(st));
      running.delete(job);
    });
    running.add(job);
  }
  return retry;
}

// ---------------------------------------------------------------------------------------------
// Reading what is stored

interface State {
  rows: Map<string, Row>;
}

async function readState(ctx: DataContext, batch: Parsed[]): Promise<State> {
  const wanted: Key[] = [];
  for (const p of batch) {
    if (p.kind === 'schedule') {
      const id = segmentFlightId(p.message as ScheduleMessage);
      wanted.push(keys.flight(id), keys.flightFeed(id));
    } else {
      const m = p.message as ManifestMessage;
      wanted.push(keys.pnr(m.pnr.record_locator));
      for (const x of m.pnr.passengers) wanted.push(keys.passenger(x.passenger_id), keys.passengerFeed(x.passenger_id));
      for (const s of m.pnr.segments) wanted.push(keys.booking(segmentFlightId(s), s.booking_id), keys.flight(segmentFlightId(s)));
    }
  }
  const rows = new Map<string, Row>();
  for (const r of await batchGet(ctx, wanted)) rows.set(keyOf({ PK: String(r.PK), SK: String(r.SK) }), r);
  // Bookings the stored PNRs list but the new versions may not: read them too.
  const more: Key[] = [];
  for (const p of batch) {
    if (p.kind !== 'manifest') continue;
    const pnr = rows.get(keyOf(keys.pnr((p.message as ManifestMessage).pnr.record_locator)));
    for (const b of storedPnrBookings(pnr)) if (!rows.has(keyOf(keys.booking(b.flightId, b.id)))) more.push(keys.booking(b.flightId, b.id));
  }
  for (const r of await batchGet(ctx, more)) rows.set(keyOf({ PK: String(r.PK), SK: String(r.SK) }), r);
  return { rows };
}

interface StoredPnrBooking {
  id: string;
  flightId: string;
  passengerId: string;
  origin: string;
  destination: string;
}

function storedPnrBookings(pnr: Row | undefined): StoredPnrBooking[] {
  return Array.isArray(pnr?.bookings) ? (pnr.bookings as StoredPnrBooking[]) : [];
}

/** Same version again: a redelivery if the content is the same, else a producer bug. */
function sameVersion(storedHash: unknown, hash: string, what: string, version: number): Plan {
  return storedHash === hash
    ? { type: 'unchanged', why: 'duplicate' }
    : { type: 'dead-letter', reason: 'VERSION_CONFLICT', errorPath: 'entity_version', error: `${what} version ${version} was already applied with other content` };
}

const feedAttrs = (m: { message_id: string; source: string; source_timestamp: string }) => ({
  sourceMessageId: m.message_id,
  source: m.source,
  sourceTimestamp: m.source_timestamp,
  receivedAt: new Date().toISOString(),
});

/** Conditions of an entity write: absent, or still at the version read. */
function entityPut(table: string, item: Row, readVersion: number | null): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: item,
      ...(readVersion === null
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': readVersion } }),
    },
  };
}

/** Conditions of a feed-state write: absent, or still at the revision read. */
function feedPut(table: string, item: Row, readRev: number | null): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...item, rev: (readRev ?? 0) + 1 },
      ...(readRev === null
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : { ConditionExpression: '#r = :r', ExpressionAttributeNames: { '#r': 'rev' }, ExpressionAttributeValues: { ':r': readRev } }),
    },
  };
}

const revOf = (row: Row | undefined): number | null => (row ? (typeof row.rev === 'number' ? row.rev : 0) : null);

/** Entity fields equal (version aside): nothing for the desks to hear. */
function sameEntity(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const { version: _a, ...x } = a;
  const { version: _b, ...y } = b;
  return JSON.stringify(sortKeys(x)) === JSON.stringify(sortKeys(y));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Schedule

function planSchedule(m: ScheduleMessage, state: State, table: string): Plan {
  const f = m.flight;
  const id = segmentFlightId(m);
  const hash = contentHash(f);
  const metaRow = state.rows.get(keyOf(keys.flight(id)));
  const feedRow = state.rows.get(keyOf(keys.flightFeed(id)));
  const storedVersion = typeof feedRow?.sourceVersion === 'number' ? feedRow.sourceVersion : 0;
  if (storedVersion > m.entity_version) return { type: 'unchanged', why: 'stale' };
  if (storedVersion === m.entity_version) return sameVersion(feedRow?.sourceHash, hash, `flight ${id}`, m.entity_version);

  const current = metaRow ? FlightSchema.parse(stripKeys(metaRow)) : null;
  if (current && (current.origin !== f.origin || current.destination !== f.destination)) {
    return {
      type: 'dead-letter',
      reason: 'FLIGHT_MISMATCH',
      errorPath: 'flight.origin',
      error: `flight ${id} is scheduled ${current.origin}-${current.destination}; a schedule message cannot move it to ${f.origin}-${f.destination}`,
    };
  }
  // Once an ops event has changed the flight (its version moved past what the feed last wrote),
  // the gate and terminal are the ops feed's: its disruption folds from them.
  const opsTouched = Boolean(feedRow?.opsTouched) || (current !== null && typeof feedRow?.flightVersion === 'number' && current.version !== feedRow.flightVersion) || (current !== null && !feedRow);
  let next: Flight;
  if (!current) {
    next = FlightSchema.parse({
      id,
      carrier: f.carrier,
      number: f.number,
      origin: f.origin,
      destination: f.destination,
      scheduledDeparture: f.scheduled_departure,
      scheduledArrival: f.scheduled_arrival,
      estimatedDeparture: null,
      estimatedArrival: null,
      actualDeparture: null,
      actualArrivalDoorOpen: null,
      status: 'SCHEDULED',
      gate: f.gate,
      terminal: f.terminal,
      aircraft: f.aircraft,
      delayMinutes: 0,
      version: 1,
    });
  } else {
    const plus = (iso: string, min: number) => new Date(Date.parse(iso) + min * 60_000).toISOString();
    const delayed = current.delayMinutes > 0;
    next = {
      ...current,
      scheduledDeparture: f.scheduled_departure,
      scheduledArrival: f.scheduled_arrival,
      aircraft: f.aircraft,
      ...(opsTouched ? {} : { gate: f.gate, terminal: f.terminal }),
      // Estimates are the schedule plus the delay, never anything else (docs/ingest.md).
      ...(delayed && current.estimatedDeparture ? { estimatedDeparture: plus(f.scheduled_departure, current.delayMinutes) } : {}),
      ...(delayed && current.estimatedArrival ? { estimatedArrival: plus(f.scheduled_arrival, current.delayMinutes) } : {}),
    };
    next.version = sameEntity(next, current) ? current.version : current.version + 1;
  }
  const changed = !current || next.version !== current.version;
  const writes: TransactItem[] = [];
  if (changed) writes.push(entityPut(table, items.flight(next), current ? current.version : null));
  writes.push(
    feedPut(
      table,
      { ...keys.flightFeed(id), entityType: 'feed_state', sourceVersion: m.entity_version, sourceHash: hash, flightVersion: next.version, opsTouched, ...feedAttrs(m) },
      revOf(feedRow),
    ),
  );
  return {
    type: 'write',
    write: { items: writes, changes: changed ? [putChange('flight', next)] : [], stations: changed ? [next.origin, next.destination] : [] },
    entities: changed ? 1 : 0,
    created: current ? [] : [next],
  };
}


// ---------------------------------------------------------------------------------------------
// Manifests (PNRs)

function passengerEntity(p: PassengerWire, version: number): Passenger {
  return PassengerSchema.parse({
    id: p.passenger_id,
    firstName: p.first_name,
    lastName: p.last_name,
    email: p.email,
    phone: p.phone,
    loyaltyNumber: p.loyalty_number,
    tier: p.tier,
    language: p.language,
    contact: p.contact_preferences,
    specialRequests: p.special_service_requests,
    version,
  });
}

function bookingEntity(loc: string, s: SegmentWire, status: Booking['status'], version: number): Booking {
  return BookingSchema.parse({
    id: s.booking_id,
    pnr: loc,
    passengerId: s.passenger_id,
    flightId: segmentFlightId(s),
    seat: s.seat,
    // Absent rather than null when the feed has none (the fixture seeder's shape).
    ...(s.ticket_number ? { ticketNumber: s.ticket_number } : {}),
    fareClass: s.fare_class,
    cabin: s.cabin,
    fare: s.fare ? { amountMinor: s.fare.amount_minor, currency: s.fare.currency } : null,
    status,
    bagsChecked: s.bags_checked,
    version,
  });
}

function planManifest(m: ManifestMessage, state: State, table: string): Plan {
  const loc = m.pnr.record_locator;
  const pnrHash = contentHash(m.pnr);
  const pnrRow = state.rows.get(keyOf(keys.pnr(loc)));
  const storedVersion = typeof pnrRow?.sourceVersion === 'number' ? pnrRow.sourceVersion : 0;
  if (storedVersion > m.entity_version) return { type: 'unchanged', why: 'stale' };
  if (storedVersion === m.entity_version) return sameVersion(pnrRow?.sourceHash, pnrHash, `PNR ${loc}`, m.entity_version);

  const writes: TransactItem[] = [];
  const changes: Change[] = [];
  let entities = 0;

  // Segments: the flight, when scheduled already, must be the one the segment names.
  const stations = new Set<string>();
  for (const [i, s] of m.pnr.segments.entries()) {
    const flightRow = state.rows.get(keyOf(keys.flight(segmentFlightId(s))));
    if (flightRow && (flightRow.origin !== s.flight.origin || flightRow.destination !== s.flight.destination)) {
      return {
        type: 'dead-letter',
        reason: 'FLIGHT_MISMATCH',
        errorPath: `pnr.segments.${i}.flight`,
        error: `flight ${segmentFlightId(s)} is scheduled ${String(flightRow.origin)}-${String(flightRow.destination)}, the segment says ${s.flight.origin}-${s.flight.destination}`,
      };
    }
    stations.add(s.flight.origin).add(s.flight.destination);
  }

  // Bookings of this version.
  const seen = new Set<string>();
  for (const [i, s] of m.pnr.segments.entries()) {
    const flightId = segmentFlightId(s);
    seen.add(`${flightId}/${s.booking_id}`);
    const row = state.rows.get(keyOf(keys.booking(flightId, s.booking_id)));
    const current = row ? BookingSchema.parse(stripKeys(row)) : null;
    if (current && (current.pnr !== loc || current.passengerId !== s.passenger_id)) {
      return {
        type: 'dead-letter',
        reason: 'VERSION_CONFLICT',
        errorPath: `pnr.segments.${i}.booking_id`,
        error: `booking ${s.booking_id} on ${flightId} belongs to PNR ${current.pnr} / passenger ${current.passengerId}`,
      };
    }
    const status = current && JETWAY_BOOKING_STATUSES.has(current.status) && (s.status === 'CONFIRMED' || s.status === 'CHECKED_IN') ? current.status : s.status;
    const next = bookingEntity(loc, s, status, current ? current.version : 1);
    if (current && sameEntity(next, current)) continue;
    if (current) next.version = current.version + 1;
    writes.push(entityPut(table, items.booking(next), current ? current.version : null));
    changes.push(putChange('booking', next));
    entities++;
  }
  // Bookings the previous version listed and this one does not: cancelled.
  for (const b of storedPnrBookings(pnrRow)) {
    if (seen.has(`${b.flightId}/${b.id}`)) continue;
    const row = state.rows.get(keyOf(keys.booking(b.flightId, b.id)));
    if (!row) continue;
    const current = BookingSchema.parse(stripKeys(row));
    if (current.status === 'CANCELLED') continue;
    const next: Booking = { ...current, status: 'CANCELLED', version: current.version + 1 };
    writes.push(entityPut(table, items.booking(next), current.version));
    changes.push(putChange('booking', next));
    stations.add(b.origin).add(b.destination);
    entities++;
  }

  // Passengers: each profile by its own version. Every station of the PNR hears of each of them
  // with the bookings (a desk needs both); a changed profile also reaches the stations of their
  // other PNRs (one entry per station carries the whole write, so those hear of this PNR too).
  const pnrStations = [...stations];
  for (const [i, p] of m.pnr.passengers.entries()) {
    const row = state.rows.get(keyOf(keys.passenger(p.passenger_id)));
    const feedRow = state.rows.get(keyOf(keys.passengerFeed(p.passenger_id)));
    const current = row ? PassengerSchema.parse(stripKeys(row)) : null;
    const hash = contentHash(p);
    const stored = typeof feedRow?.sourceVersion === 'number' ? feedRow.sourceVersion : 0;
    if (stored === p.profile_version && feedRow?.sourceHash !== hash) {
      return {
        type: 'dead-letter',
        reason: 'VERSION_CONFLICT',
        errorPath: `pnr.passengers.${i}.profile_version`,
        error: `passenger ${p.passenger_id} profile version ${p.profile_version} was already applied with other content`,
      };
    }
    let next: Passenger | null = current;
    if (p.profile_version > stored) {
      const candidate = passengerEntity(p, 1);
      if (!current) next = candidate;
      else if (!sameEntity(candidate, current)) next = { ...candidate, version: current.version + 1 };
    }
    const logged = Array.isArray(feedRow?.logStations) ? (feedRow.logStations as string[]) : [];
    const changed = next !== current;
    if (changed) {
      writes.push(entityPut(table, items.passenger(next!), current ? current.version : null));
      logged.forEach((st) => stations.add(st));
      entities++;
    }
    if (next) changes.push(putChange('passenger', next));
    const newer = p.profile_version > stored;
    if (newer || pnrStations.some((st) => !logged.includes(st))) {
      writes.push(
        feedPut(
          table,
          {
            ...keys.passengerFeed(p.passenger_id),
            entityType: 'feed_state',
            sourceVersion: newer ? p.profile_version : stored,
            sourceHash: newer ? hash : feedRow?.sourceHash,
            logStations: [...new Set([...logged, ...pnrStations])].sort(),
            ...feedAttrs(m),
          },
          revOf(feedRow),
        ),
      );
    }
  }

  const bookings: StoredPnrBooking[] = m.pnr.segments.map((s) => ({
    id: s.booking_id,
    flightId: segmentFlightId(s),
    passengerId: s.passenger_id,
    origin: s.flight.origin,
    destination: s.flight.destination,
  }));
  writes.push({
    Put: {
      TableName: table,
      Item: {
        ...keys.pnr(loc),
        entityType: 'pnr',
        recordLocator: loc,
        sourceVersion: m.entity_version,
        sourceHash: pnrHash,
        bookings,
        passengerIds: m.pnr.passengers.map((p) => p.passenger_id),
        ...feedAttrs(m),
      },
      ...(pnrRow
        ? { ConditionExpression: '#sv = :sv', ExpressionAttributeNames: { '#sv': 'sourceVersion' }, ExpressionAttributeValues: { ':sv': storedVersion } }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    },
  });
  return { type: 'write', write: { items: writes, changes, stations: [...stations] }, entities, created: [] };
}

// ---------------------------------------------------------------------------------------------

function itemKeyOf(t: TransactItem): string {
  const k = (t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key) as Key;
  return keyOf(k);
}

const MAX_ORIGINAL = 64 * 1024;

/** The dead letter of a feed record: the same shape as ingest's (`jetway dlq` reads both). */
export function buildDeadLetter(record: FeedRecord, reason: string, errorPath: string, error: string, messageId: string | null): DeadLetter {
  const v = record.value;
  const binary = Buffer.isBuffer(v) && !isUtf8(v);
  const original = v === null || v === undefined ? null : typeof v === 'string' ? v.slice(0, MAX_ORIGINAL) : binary ? v.subarray(0, MAX_ORIGINAL).toString('base64') : v.toString('utf8').slice(0, MAX_ORIGINAL);
  return {
    ...record.meta,
    reason,
    errorPath,
    error,
    originalValue: original,
    originalEncoding: binary ? 'base64' : 'utf8',
    eventId: messageId,
    deadLetteredAt: new Date().toISOString(),
  };
}

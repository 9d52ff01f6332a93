import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseId as caseIdOf, CaseSchema, type Booking, type Case, type Flight, type Passenger } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys } from '../data/keys.js';
import { batchGet, getBookings, getDisruption, getFlight, getPassengers, pageBookings, type StoredDisruption } from '../data/repositories.js';
import { scopedLog } from '../observability/logger.js';
import type { Notifier } from './notifier.js';
import { OutboxItemSchema, type OutboxItem } from './outbox.js';
import { channelsOf, noticeOutboxId, notifyPassenger, type PassengerNoticeDeps } from './passenger.js';
import type { NoticeFacts, NoticeTopic } from './templates/render.js';

/**
 * Delay thresholds (minutes) that make a worsening delay news: crossing one tells the passengers,
 * a minute more does not. 120 / 180 / 300 are where EU261 care, compensation and refund start.
 */
export const DELAY_THRESHOLDS = [30, 60, 120, 180, 240, 300] as const;

/** The highest threshold a delay has reached, or null below the first. */
export function delayBucket(minutes: number): number | null {
  let b: number | null = null;
  for (const t of DELAY_THRESHOLDS) if (minutes >= t) b = t;
  return b;
}

/** One material change of a flight, as passengers are told about it. */
export interface MaterialChange {
  /** Unique per change of this flight: `<flightId>:CANCELLATION`, `…:DELAY:120`, `…:GATE:B12:2`, `…:DIVERSION`. */
  changeId: string;
  topic: NoticeTopic;
  delayBucket?: number;
  facts: Omit<NoticeFacts, 'passengerName' | 'regime'>;
}

const noticeFlight = (f: Flight): NoticeFacts['flight'] => ({
  carrier: f.carrier,
  number: f.number,
  origin: f.origin,
  destination: f.destination,
  scheduledDeparture: f.scheduledDeparture,
  estimatedDeparture: f.estimatedDeparture,
  gate: f.gate,
  terminal: f.terminal,
});

/**
 * The material changes in a flight's current state: a cancellation (which supersedes everything
 * else), a diversion, a delay past a threshold, a gate or terminal other than planned. Passengers
 * are told the state as it is when the notice is composed: a delay that became a cancellation before
 * its notice went out is announced as the cancellation only.
 */
export function materialChanges(flight: Flight, d: StoredDisruption | null): MaterialChange[] {
  const facts = { flight: noticeFlight(flight) };
  if (flight.status === 'CANCELLED' || d?.kind === 'CANCELLATION') return [{ changeId: `${flight.id}:CANCELLATION`, topic: 'disruption:CANCELLATION', facts }];
  const out: MaterialChange[] = [];
  if (d?.kind === 'DIVERSION' || flight.status === 'DIVERTED') out.push({ changeId: `${flight.id}:DIVERSION`, topic: 'disruption:DIVERSION', facts });
  const minutes = Math.max(d?.delayMinutes ?? 0, flight.delayMinutes);
  const bucket = flight.actualDeparture ? null : delayBucket(minutes);
  if (bucket !== null) out.push({ changeId: `${flight.id}:DELAY:${bucket}`, topic: 'disruption:DELAY', delayBucket: bucket, facts: { ...facts, delayMinutes: minutes } });
  const aspects = (d?.aspects ?? {}) as { gate?: unknown; base?: { gate?: string | null; terminal?: string | null } };
  const planned = aspects.base ?? {};
  const changedGate = Boolean(aspects.gate) && (flight.gate !== (planned.gate ?? null) || flight.terminal !== (planned.terminal ?? null));
  if (changedGate && !flight.actualDeparture && (flight.gate || flight.terminal))
    out.push({ changeId: `${flight.id}:GATE:${flight.gate ?? '-'}:${flight.terminal ?? '-'}`, topic: 'disruption:GATE_CHANGE', facts });
  return out;
}

/**
 * Whether a delay notice at `bucket` may go out: only when no higher threshold was announced for
 * the flight (`FLIGHT#<id>`/`NOTICES`, raised conditionally), so a delay that improves is not
 * announced as news and one that worsens again past a new threshold is. The same bucket passes again,
 * so a re-run (another page, a retry) completes what a crashed run started.
 */
export async function allowDelayNotice(ctx: DataContext, flightId: string, bucket: number): Promise<boolean> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.noticeState(flightId),
        UpdateExpression: 'SET entityType = :t, maxDelayBucket = :b, updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(maxDelayBucket) OR maxDelayBucket <= :b',
        ExpressionAttributeValues: { ':t': 'notice_state', ':b': bucket, ':at': new Date().toISOString() },
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

const ACTIVE: ReadonlySet<Booking['status']> = new Set(['CONFIRMED', 'CHECKED_IN', 'BOARDED', 'NEEDS_REBOOKING']);

/**
 * Passengers of one flight notified at once (JETWAY_NOTICE_CONCURRENCY overrides it). Each is a short
 * chain of small requests (outbox put, idempotency record, transition, audit record); with more of them
 * in flight the audit records share group-committed transactions (data/changelog.ts).
 */
const NOTICE_CONCURRENCY = Math.max(1, Number(process.env.JETWAY_NOTICE_CONCURRENCY) || 32);

export interface FlightNoticeDeps extends PassengerNoticeDeps {
  ctx: DataContext;
}

export interface FlightNoticeResult {
  /** Passengers who received at least one new message. */
  notified: number;
  /** Passengers with nothing new to receive (already told, or no channel). */
  skipped: number;
  /** Passengers whose messages were stored for the drainer (past `deliverUntil`). */
  queued: number;
  /** Passengers with at least one message whose first try failed (retried by the outbox). */
  failed: number;
  changes: string[];
}

/**
 * Tells the affected passengers of a flight (its active bookings: `bookingIds`, or all of them)
 * about every material change in its current state, each once (outbox idempotency per passenger,
 * change and channel). A passenger with a case gets the notice recorded on that case's trail and,
 * for an EU261/UK261 case, the Art 14 written notice of rights. `only` restricts to one change id
 * (a fanout job).
 */
export async function noticeFlightChanges(
  deps: FlightNoticeDeps,
  input: { flightId: string; bookingIds?: string[] | null; only?: string; eventId?: string; deliverUntil?: number },
): Promise<FlightNoticeResult> {
  const { ctx } = deps;
  const log = scopedLog(deps.log, { flightId: input.flightId, ...(input.eventId ? { eventId: input.eventId } : {}) });
  const result: FlightNoticeResult = { notified: 0, skipped: 0, queued: 0, failed: 0, changes: [] };
  const flight = await getFlight(ctx, input.flightId);
  if (!flight) return result;
  const disruption = await getDisruption(ctx, input.flightId);
  let changes = materialChanges(flight, disruption).filter((c) => !input.only || c.changeId === input.only);
  const allowed: MaterialChange[] = [];
  for (const c of changes) if (c.delayBucket === undefined || (await allowDelayNotice(ctx, flight.id, c.delayBucket))) allowed.push(c);
  changes = allowed;
  result.changes = changes.map((c) => c.changeId);
  if (changes.length === 0) return result;

  const bookings: Booking[] = [];
  if (input.bookingIds) bookings.push(...(await getBookings(ctx, flight.id, input.bookingIds)));
  else {
    let after: string | null = null;
    do {
      const page = await pageBookings(ctx, flight.id, 500, after);
      bookings.push(...page.bookings);
      after = page.next;
    } while (after);
  }
  const paxIds = [...new Set(bookings.filter((b) => ACTIVE.has(b.status)).map((b) => b.passengerId))];
  const passengers = await getPassengers(ctx, paxIds);
  const cases = new Map<string, Case>(
    (await batchGet(ctx, paxIds.map((id) => keys.case(caseIdOf(flight.id, id))))).map((r) => {
      const c = CaseSchema.parse(stripKeys(r));
      return [c.passengerId, c];
    }),
  );
  // What the outbox already holds for this page (a retry, another page, a desk's resend), in batches
  // of 100 instead of one read per passenger and channel.
  const known = new Map<string, OutboxItem | null>();
  if (deps.notifier.outbox) {
    const ids = passengers.flatMap((p) => changes.flatMap((c) => channelsOf(p, deps.notifier.canSms).map((ch) => noticeOutboxId(ch, c.changeId, p.id))));
    for (const id of ids) known.set(id, null);
    for (const r of await batchGet(ctx, ids.map((id) => keys.outbox(id)))) {
      const item = OutboxItemSchema.parse(stripKeys(r));
      known.set(item.id, item);
    }
  }
  let next = 0;
  const one = async (p: Passenger) => {
    const kase = cases.get(p.id) ?? null;
    let sent = 0;
    let failed = 0;
    let queued = 0;
    // Past the time budget (a Lambda's timeout), messages are only stored, due now: the drainer sends them.
    const enqueueOnly = input.deliverUntil !== undefined && Date.now() > input.deliverUntil;
    for (const c of changes) {
      const r = await notifyPassenger({ notifier: deps.notifier, log, enqueueOnly, known }, p, {
        changeId: c.changeId,
        topic: c.topic,
        caseId: kase?.id ?? null,
        facts: { ...c.facts, regime: kase?.primaryRegime ?? null },
      });
      sent += r.sent;
      failed += r.failed;
      queued += r.queued;
    }
    if (failed) result.failed++;
    else if (queued) result.queued++;
    else if (sent) result.notified++;
    else result.skipped++;
  };
  await Promise.all(
    Array.from({ length: Math.min(NOTICE_CONCURRENCY, passengers.length) }, async () => {
      while (next < passengers.length) await one(passengers[next++]!);
    }),
  );
  return result;
}

/**
 * A flight update that starts no workflow (a gate or terminal change, a short delay): its material
 * changes, if any, become fanout jobs in the outbox (one conditional write here, on the ingest path);
 * the outbox worker expands each into passenger messages (`registerFlightNotices`).
 */
export async function enqueueFlightNotices(deps: { ctx: DataContext; notifier: Notifier }, flightId: string, eventId?: string): Promise<string[]> {
  const outbox = deps.notifier.outbox;
  if (!outbox) return [];
  const flight = await getFlight(deps.ctx, flightId);
  if (!flight) return [];
  const out: string[] = [];
  for (const c of materialChanges(flight, await getDisruption(deps.ctx, flightId))) {
    const item = await outbox.enqueue(
      { id: `fanout:${c.changeId}`, kind: 'fanout', channel: 'fanout', to: flightId, text: c.changeId, topic: c.topic, job: { flightId, changeId: c.changeId, ...(eventId ? { eventId } : {}) } },
      { dueInMs: 0 },
    );
    if (item.status === 'PENDING') out.push(item.id);
  }
  return out;
}

/** Registers the expander of flight fanout jobs on the notifier's outbox. */
export function registerFlightNotices(deps: FlightNoticeDeps): void {
  deps.notifier.outbox?.addExpander('disruption:', async (item) => {
    const job = item.job ?? {};
    if (!job.flightId || !job.changeId) throw new Error(`fanout ${item.id} has no flightId/changeId`);
    await noticeFlightChanges(deps, { flightId: job.flightId, only: job.changeId, deliverUntil: Date.now() + 30_000, ...(job.eventId ? { eventId: job.eventId } : {}) });
  });
}

/** The ingest hook (IngestDeps.notices): flight updates that start no workflow may still be news (a gate change). */
export interface FlightNoticeHook {
  flightUpdated(flightId: string, eventId: string, disruption?: { aspects?: unknown } | null): Promise<unknown>;
}

/**
 * The hook ingest calls after applying events that start no workflow. Cheap when nothing changed for
 * passengers: without a gate/terminal update in the fold state it reads nothing; otherwise the
 * flight's material changes become outbox fanout jobs (one conditional write each, nothing sent here).
 */
export function flightNotices(deps: { ctx: DataContext; notifier: Notifier }): FlightNoticeHook {
  return {
    async flightUpdated(flightId, eventId, disruption) {
      if (disruption && !(disruption.aspects as { gate?: unknown } | undefined)?.gate) return [];
      return enqueueFlightNotices(deps, flightId, eventId);
    },
  };
}

import pMap from 'p-map';
import { countEvent } from '../observability/metrics.js';
import { DisruptionSchema, FlightSchema, disruptionId as disruptionIdOf, type Flight } from '../../../src/shared/domain/index.js';
import { ConditionFailedError, commitManyWithLog, putChange, type LoggedWrite, type TransactItem } from '../data/changelog.js';
import { keys, stripKeys } from '../data/keys.js';
import { batchGet, items } from '../data/repositories.js';
import type { OpsEvent } from './events.js';
import { applyEventToAspects, deriveDisruption, deriveFlight, needsCases, withBase, type Aspects, type StoredDisruptionState } from './fold.js';
import { executionName } from '../workflows/starter.js';
import { deadLetter, duplicate, fingerprint, type BatchOutcome, type IngestDeps, type RecordMeta } from './processor.js';

/** A parsed event whose flight instance is known, waiting to be applied. */
export interface ReadyEvent {
  /** Position in the batch (outcomes are reported by it). */
  index: number;
  event: OpsEvent;
  flightId: string;
  value: Buffer | string | null;
  meta: RecordMeta;
}

/**
 * New events of one flight folded into one write at most: their dedupe markers, the flight and the
 * disruption, plus 2 stations × (counter + entry), stay within DynamoDB's 100 items a transaction.
 */
export const MAX_EVENTS_PER_WRITE = 90;
/**
 * How long an EVENT# dedupe marker lives (DynamoDB TTL, attribute `expiresAt`). Longer than Kafka's
 * retention of `flight-operations` (7 days by default) and than a dead letter waits for replay in
 * practice. An event re-sent after its marker expired folds to the same state (the fold is
 * idempotent: last writer wins by event time and id); only `eventCount` and the versions move.
 */
export const EVENT_MARKER_TTL_DAYS = 30;
/** Version races on one flight (another consumer committed first) retried this often. */
const MAX_ATTEMPTS = 20;
/** Workflow starts and redelivery checks run this many at a time. */
const SIDE_CONCURRENCY = 8;

/** What one flight's write of a round carries. */
interface Plan {
  group: Group;
  fresh: ReadyEvent[];
  runWorkflow: boolean[];
  disruption: StoredDisruptionState;
}

interface Group {
  flightId: string;
  queue: ReadyEvent[];
  attempts: number;
  /** After a write that can never be stored: one event a write, so only the culprit is dead-lettered. */
  singly: boolean;
}

/**
 * Apply events whose flights are resolved: per flight in the given order (same flight: one write
 * after the other), different flights together. Each round reads the markers, flights and
 * disruptions of the events in play with BatchGetItem, folds each flight's new events into ONE
 * write (markers + flight + disruption + one change per entity), and commits all flights' writes
 * with commitManyWithLog (packed transactions: one counter bump per station per pack). A flight
 * whose version check lost a race is re-read and re-folded in the next round.
 */
export async function applyEvents(deps: IngestDeps, ready: ReadyEvent[]): Promise<Map<number, BatchOutcome>> {
  const out = new Map<number, BatchOutcome>();
  // A repeat of an event id inside the batch waits until the first has settled, then is a
  // redelivery like any other (or a conflict, if its content differs).
  const seen = new Set<string>();
  const repeats: ReadyEvent[] = [];
  const groups = new Map<string, Group>();
  for (const r of ready) {
    if (seen.has(r.event.eventId)) {
      repeats.push(r);
      continue;
    }
    seen.add(r.event.eventId);
    const g = groups.get(r.flightId) ?? { flightId: r.flightId, queue: [], attempts: 0, singly: false };
    g.queue.push(r);
    groups.set(r.flightId, g);
  }
  let pending = [...groups.values()];
  while (pending.length > 0) {
    // A flight another caller of this process (another partition's chunk) is applying now waits for
    // it: two rounds folding the same flight from the same versions would make one of them lose the
    // version check and cost a whole pack's transaction (measured: about half of ingest's time).
    const claimKey = (g: Group) => `${deps.ctx.table}\u0000${g.flightId}`;
    const round = pending.filter((g) => !flightsInPlay.has(claimKey(g)));
    const waiting = pending.filter((g) => flightsInPlay.has(claimKey(g)));
    pending = [];
    if (round.length === 0) {
      await Promise.race(waiting.map((g) => flightsInPlay.get(claimKey(g))!.released));
      pending = waiting;
      continue;
    }
    const claims = round.map((g) => {
      let release!: () => void;
      const claim = { released: new Promise<void>((r) => (release = r)), release };
      flightsInPlay.set(claimKey(g), claim);
      return [claimKey(g), claim] as const;
    });
    let raced = 0;
    try {
      raced = await applyRound(deps, round, out);
    } catch (err) {
      // Infrastructure: what this round had not settled is retried by the caller (Kafka redelivers).
      for (const g of round) for (const r of g.queue) out.set(r.index, { outcome: 'failed', error: err as Error });
      pending.push(...waiting);
      continue;
    } finally {
      for (const [k, claim] of claims) {
        if (flightsInPlay.get(k) === claim) flightsInPlay.delete(k);
        claim.release();
      }
    }
    pending.push(...waiting);
    for (const g of round) {
      if (g.queue.length === 0) continue;
      if (g.attempts >= MAX_ATTEMPTS) {
        const error = new Error(`flight ${g.flightId}: still racing a concurrent update after ${g.attempts} attempts`);
        for (const r of g.queue) out.set(r.index, { outcome: 'failed', error });
        continue;
      }
      pending.push(g);
    }
    if (raced > 0) await sleep(Math.random() * 20 * raced);
  }
  if (repeats.length > 0) for (const [i, o] of await applyEvents(deps, repeats)) out.set(i, o);
  return out;
}

/** The flights a round of this process is applying now (table and flight id → released when it ends). */
const flightsInPlay = new Map<string, { released: Promise<void>; release: () => void }>();

/** One round: read, fold, commit every group's next events. Returns the highest attempt count of a raced group (0: none). */
async function applyRound(deps: IngestDeps, groups: Group[], out: Map<number, BatchOutcome>): Promise<number> {
  const { ctx } = deps;
  const chunks = new Map(groups.map((g) => [g, g.queue.slice(0, g.singly ? 1 : MAX_EVENTS_PER_WRITE)]));
  const rows = new Map<string, Record<string, unknown>>();
  const keyOf = (k: { PK: string; SK: string }) => `${k.PK}\u0000${k.SK}`;
  const wanted = groups.flatMap((g) => [
    keys.flight(g.flightId),
    keys.disruption(g.flightId, disruptionIdOf(g.flightId)),
    ...chunks.get(g)!.map((r) => keys.event(r.event.eventId)),
  ]);
  for (const row of await batchGet(ctx, wanted)) rows.set(keyOf(row as { PK: string; SK: string }), row);

  let raced = 0;
  const redelivered: { r: ReadyEvent; marker: Record<string, unknown> }[] = [];
  const plans: Plan[] = [];
  const writes: LoggedWrite[] = [];
  const now = new Date();
  const expiresAt = Math.floor(now.getTime() / 1000) + EVENT_MARKER_TTL_DAYS * 86_400;
  for (const g of groups) {
    const flightRow = rows.get(keyOf(keys.flight(g.flightId)));
    if (!flightRow) {
      // Resolved a moment ago, gone now (a re-import?): re-read next round, as for a version race.
      g.attempts++;
      raced = Math.max(raced, g.attempts);
      continue;
    }
    const flight: Flight = FlightSchema.parse(stripKeys(flightRow));
    const fresh: ReadyEvent[] = [];
    for (const r of chunks.get(g)!) {
      const marker = rows.get(keyOf(keys.event(r.event.eventId)));
      if (marker) redelivered.push({ r, marker });
      else fresh.push(r);
    }
    g.queue = g.queue.filter((r) => !redelivered.some((d) => d.r === r));
    if (fresh.length === 0) continue;

    const dId = disruptionIdOf(g.flightId);
    const prevRow = rows.get(keyOf(keys.disruption(g.flightId, dId)));
    const prev = prevRow ? DisruptionSchema.parse(stripKeys(prevRow)) : null;
    let aspects = withBase((prevRow?.aspects ?? {}) as Aspects, flight);
    // Disruptions written before the count carried every event id: their length is the count.
    const count = prev ? (prev.eventCount ?? prev.eventIds.length) : 0;
    const version = prev?.version ?? 0;
    let d: StoredDisruptionState | undefined;
    let lastNeedingCases = -1;
    for (const [i, r] of fresh.entries()) {
      aspects = applyEventToAspects(aspects, r.event);
      // Each event is one version of the disruption (version = events applied), folded in order.
      d = deriveDisruption(dId, g.flightId, aspects, count + i + 1, version + i + 1);
      if (needsCases(d)) lastNeedingCases = i;
    }
    if (!d) continue;
    // The workflow reads the disruption as it is when it runs, so one run per write covers every
    // event of it: it is started for the last event that needed cases (its marker says so, and a
    // redelivery of that event starts it again if this process dies first).
    const runWorkflow = fresh.map((_, i) => i === lastNeedingCases);
    const newFlight = deriveFlight(flight, aspects, flight.version + 1);
    const writeItems: TransactItem[] = fresh.map((r, i) => ({
      Put: {
        TableName: ctx.table,
        Item: {
          ...keys.event(r.event.eventId),
          entityType: 'event',
          eventId: r.event.eventId,
          eventType: r.event.eventType,
          fingerprint: fingerprint(r.event),
          flightId: g.flightId,
          disruptionId: dId,
          receivedAt: now.toISOString(),
          runWorkflow: runWorkflow[i],
          expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    }));
    writeItems.push(
      {
        Put: {
          TableName: ctx.table,
          Item: items.flight(newFlight),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': flight.version },
        },
      },
      {
        Put: {
          TableName: ctx.table,
          Item: items.disruption(d),
          ...(prev
            ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': prev.version } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
    );
    const { aspects: _a, ...publicDisruption } = d;
    plans.push({ group: g, fresh, runWorkflow, disruption: d });
    writes.push({ items: writeItems, changes: [putChange('flight', newFlight), putChange('disruption', publicDisruption)], stations: [flight.origin, flight.destination] });
  }

  const [results] = await Promise.all([
    commitManyWithLog(ctx, writes),
    pMap(redelivered, async ({ r, marker }) => {
      out.set(r.index, await settle(() => duplicate(deps, r.meta, r.value, r.event, marker)));
    }, { concurrency: SIDE_CONCURRENCY }),
  ]);

  const starts: { r: ReadyEvent; dId: string }[] = [];
  for (const [i, plan] of plans.entries()) {
    const res = results[i]!;
    const g = plan.group;
    if (res.ok) {
      g.queue = g.queue.filter((r) => !plan.fresh.includes(r));
      plan.fresh.forEach((r, j) => {
        deps.log?.info('ops event applied', { eventId: r.event.eventId, flightId: g.flightId, kind: plan.disruption.kind, runWorkflow: plan.runWorkflow[j] });
        out.set(r.index, { outcome: 'applied', eventId: r.event.eventId, flightId: g.flightId, disruptionId: plan.disruption.id, workflowStarted: false });
        if (plan.runWorkflow[j]) starts.push({ r, dId: plan.disruption.id });
        countEvent(r.event.eventType);
      });
      if (deps.notices && !plan.runWorkflow.some(Boolean)) await deps.notices.flightUpdated(g.flightId, plan.fresh.at(-1)!.event.eventId, plan.disruption).catch((e: unknown) => deps.log?.warn('flight notices not queued', { flightId: g.flightId, error: (e as Error).message }));
    } else if (res.error instanceof ConditionFailedError) {
      // Another writer committed first (a marker: an event applied meanwhile; a version: the flight moved on).
      g.attempts++;
      raced = Math.max(raced, g.attempts);
    } else if (plan.fresh.length > 1) {
      g.singly = true;
    } else {
      // Can never be stored, however often retried: dead-lettered so that the partition moves on.
      // Nothing of it was written (the transaction is all or nothing).
      const r = plan.fresh[0]!;
      g.queue = g.queue.filter((x) => x !== r);
      out.set(
        r.index,
        await settle(async () => {
          await deadLetter(deps, r.meta, r.value, 'UNPROCESSABLE', '', `the update of ${g.flightId} cannot be stored: ${res.error.message.slice(0, 200)}`, r.event.eventId);
          return { outcome: 'dead-lettered' as const, reason: 'UNPROCESSABLE' };
        }),
      );
    }
  }
  // The workflows. Nothing more is written: the marker's `runWorkflow` already says this event has
  // one, and a redelivery always asks the starter again (which re-runs only a failed execution),
  // so a crash before the start loses nothing. A failed start leaves the record unsettled.
  await pMap(starts, async ({ r, dId }) => {
    const input = { flightId: r.flightId, disruptionId: dId, eventId: r.event.eventId };
    try {
      await deps.workflows.startDisruption(input, executionName(input));
      out.set(r.index, { ...(out.get(r.index) as Extract<BatchOutcome, { outcome: 'applied' }>), workflowStarted: true });
    } catch (err) {
      out.set(r.index, { outcome: 'failed', error: err as Error });
    }
  }, { concurrency: SIDE_CONCURRENCY });
  return raced;
}

/** The outcome of `fn`, or `failed` with its error (the record is then retried by redelivery). */
async function settle(fn: () => Promise<BatchOutcome>): Promise<BatchOutcome> {
  try {
    return await fn();
  } catch (err) {
    return { outcome: 'failed', error: err as Error };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

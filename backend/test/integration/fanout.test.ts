/**
 * The disruption workflow's fan-out on DynamoDB Local: batched case writes (commitManyWithLog
 * packs, one log entry per station per transaction), re-deciding only the passengers whose write
 * lost a race to a concurrent run, and the whole workflow (Distributed Map run inline) over more
 * passengers than one Map batch.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Flight, Passenger } from '../../../src/shared/domain/index.js';
import { caseId, disruptionId, flightInstanceId } from '../../../src/shared/domain/index.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { items, pageBookings } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { createNotifier } from '../../src/notify/notifier.js';
import type { WorkflowDeps } from '../../src/workflows/deps.js';
import { createLocalWorkflowRunner } from '../../src/workflows/local-runner.js';
import { evaluatePassengers } from '../../src/workflows/tasks/evaluate-passengers.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startServices, type Services } from '../helpers/stack.js';

let s: Services;

beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.stop();
});

/** One cancelled PHX→OAK flight with `n` confirmed passengers, its disruption stored as ingest stores it. */
async function cancelledFlight(ctx: DataContext, number: string, n: number): Promise<{ flight: Flight; bookings: Booking[] }> {
  const day = '2026-12-10';
  const flight: Flight = {
    id: flightInstanceId('SW', number, day),
    carrier: 'SW',
    number,
    origin: 'PHX',
    destination: 'OAK',
    scheduledDeparture: `${day}T15:00:00Z`,
    scheduledArrival: `${day}T17:00:00Z`,
    estimatedDeparture: null,
    estimatedArrival: null,
    actualDeparture: null,
    actualArrivalDoorOpen: null,
    status: 'CANCELLED',
    gate: 'B12',
    terminal: null,
    aircraft: null,
    delayMinutes: 0,
    version: 1,
  };
  const passengers: Passenger[] = [];
  const bookings: Booking[] = [];
  for (let i = 0; i < n; i++) {
    const id = `FP${number}${String(i).padStart(4, '0')}`;
    passengers.push({ id, firstName: `P${i}`, lastName: 'Fan', email: null, phone: null, loyaltyNumber: null, tier: null, language: 'en', contact: { email: false, sms: false, push: false }, specialRequests: [], version: 1 });
    bookings.push({ id: `FB${number}${String(i).padStart(4, '0')}`, pnr: `F${String(i).padStart(5, '0')}`, passengerId: id, flightId: flight.id, seat: null, fareClass: 'WGA', cabin: 'economy', fare: { amountMinor: 15900, currency: 'USD' }, status: 'CONFIRMED', bagsChecked: 0, version: 1 });
  }
  await seedDemoData(ctx, { flights: [flight], passengers, bookings });
  const d = { id: disruptionId(flight.id), flightId: flight.id, kind: 'CANCELLATION' as const, delayMinutes: 0, delayCategory: null, causeCode: 'MECHANICAL', causeDetail: null, urgent: true, eventIds: [`ev-${number}`], eventCount: 1, detectedAt: new Date().toISOString(), version: 1 };
  await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...items.disruption(d), aspects: {} } }));
  return { flight, bookings };
}

function depsFor(ctx: DataContext): WorkflowDeps {
  // SES cannot run here: an in-memory transport; these passengers have not opted in anyway.
  const notifier = createNotifier({ ctx, email: { send: async () => ({ messageId: 'm' }) } });
  const policy = defaultPolicySet();
  return { ctx, policy: () => policy, notifier };
}

async function caseMetaCount(ctx: DataContext): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(
      new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p) AND SK = :m', ExpressionAttributeValues: { ':p': 'CASE#', ':m': 'META' }, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    n += r.Count ?? 0;
    start = r.LastEvaluatedKey;
  } while (start);
  return n;
}

describe('evaluatePassengers: batched writes', () => {
  it('two concurrent runs of one batch (a re-driven event racing the first) write each case and entitlement once', async () => {
    // Prepare
    const { ctx } = await s.newTables();
    const { flight, bookings } = await cancelledFlight(ctx, '2001', 60);
    const input = { flightId: flight.id, disruptionId: disruptionId(flight.id), bookingIds: bookings.map((b) => b.id) };
    const seeded = { PHX: (await readLog(ctx, 'PHX', 0, 1000)).length, OAK: (await readLog(ctx, 'OAK', 0, 1000)).length };
    // Act: both decide before either commits; the loser's writes fail their conditions and are re-decided.
    const [a, b] = await Promise.all([evaluatePassengers(depsFor(ctx), input), evaluatePassengers(depsFor(ctx), input)]);
    // Assess
    expect([...a.casesCreated, ...b.casesCreated].sort()).toEqual(bookings.map((x) => caseId(flight.id, x.passengerId)).sort());
    expect(a.bookingsMarked + b.bookingsMarked).toBe(60);
    expect(await caseMetaCount(ctx)).toBe(60);
    const ents = a.entitlementsCreated + b.entitlementsCreated;
    expect(ents).toBeGreaterThan(0);
    for (const st of ['PHX', 'OAK'] as const) {
      const all = await readLog(ctx, st, 0, 1000);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      // The seed's entries come first (flight, passengers, bookings as booked).
      const log = all.slice(seeded[st]);
      const changes = log.flatMap((e) => e.changes);
      expect(changes.filter((c) => c.kind === 'case')).toHaveLength(60);
      expect(changes.filter((c) => c.kind === 'entitlement')).toHaveLength(ents);
      expect(changes.filter((c) => c.kind === 'booking')).toHaveLength(60);
      // Batched: 60 passengers × (case + entitlements + booking) in a handful of transactions, not one per passenger.
      // (The loser's refused transactions leave void entries: sequences it had reserved, no changes.)
      expect(log.filter((e) => e.changes.length > 0).length).toBeLessThan(10);
    }
    const after = (await pageBookings(ctx, flight.id, 1000, null)).bookings;
    expect(after.every((x) => x.status === 'NEEDS_REBOOKING' && x.version === 2)).toBe(true);
    // Each case's entitlements exist once (deterministic ids, conditional puts).
    const first = await ctx.doc.send(new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId(flight.id, bookings[0]!.passengerId)}` } }));
    const ids = (first.Items ?? []).map((i) => String(i.SK));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the disruption workflow over several Map batches', () => {
  it('230 passengers (batches of 100, 100, 30) each get one case; a re-run writes nothing', async () => {
    // Prepare
    const { ctx } = await s.newTables();
    const { flight } = await cancelledFlight(ctx, '2002', 230);
    const runner = createLocalWorkflowRunner(depsFor(ctx));
    try {
      // Act
      await runner.startDisruption({ flightId: flight.id, disruptionId: disruptionId(flight.id), eventId: 'ev-2002' }, 'fan-1');
      await runner.idle();
      const logBefore = (await readLog(ctx, 'PHX', 0, 1000)).length;
      await runner.startDisruption({ flightId: flight.id, disruptionId: disruptionId(flight.id), eventId: 'ev-2002' }, 'fan-2');
      await runner.idle();
      // Assess
      expect(runner.executions().map((e) => [e.name, e.status])).toEqual([
        ['fan-1', 'SUCCEEDED'],
        ['fan-2', 'SUCCEEDED'],
      ]);
      expect(await caseMetaCount(ctx)).toBe(230);
      const log = await readLog(ctx, 'PHX', 0, 1000);
      expect(log).toHaveLength(logBefore);
      expect(log.flatMap((e) => e.changes).filter((c) => c.kind === 'case')).toHaveLength(230);
    } finally {
      await runner.stop();
    }
  });
});

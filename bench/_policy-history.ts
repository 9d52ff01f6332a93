/**
 * Policy simulation on history (issue #9): the job as the admin API runs it — Scan of the window's
 * cases, BatchGet of their flights, disruptions, bookings and passengers, two evaluations per case
 * (the deciding version and the draft), per-case results written in chunks, totals — on DynamoDB
 * Local, in one process. Reports `policy.history_simulation_cases_per_second` (cases re-decided per
 * second of job wall time, DynamoDB reads and writes included).
 *
 * Exported for bench/policy.ts (another engineer's file) to merge: `policyHistoryBench()`.
 * Standalone: `npx tsx bench/_policy-history.ts` (BENCH_HISTORY_CASES sets the number of cases).
 */
import { pathToFileURL } from 'node:url';
import type { DataContext } from '../backend/src/data/client.js';
import { createDataContext } from '../backend/src/data/client.js';
import { createDraft, editDraft, ensureSeeded } from '../backend/src/data/policy-store.js';
import { batchWrite, items } from '../backend/src/data/repositories.js';
import { createTables, localDynamoClient, startDynamoDbLocal } from '../backend/src/local/services/dynamodb.js';
import { createSimulationJob, runSimulation } from '../backend/src/workflows/policy-simulation.js';
import { caseId as caseIdOf, flightInstanceId, type Booking, type Case, type Disruption, type Flight, type Passenger } from '../src/shared/domain/index.js';

type Figures = Record<string, { value: number; unit: string; target: string }>;

const PAX_PER_FLIGHT = 20;
const ROUTES: [string, string, string][] = [
  ['SW', 'PHX', 'OAK'],
  ['SW', 'DAL', 'HOU'],
  ['SW', 'LAX', 'DEN'],
  ['SW', 'BWI', 'MCO'],
];

async function writeAll(ctx: DataContext, rows: Record<string, unknown>[]): Promise<void> {
  // A few writers at a time (DynamoDB Local is the bottleneck, not the client).
  await batchWrite(ctx, rows.map((Item) => ({ PutRequest: { Item } })), 'policy history', 8);
}

/** `cases` cases over cases/20 flights of the last 20 days: delays and cancellations, mixed tiers. */
export async function seedHistory(ctx: DataContext, cases: number): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const flights = Math.ceil(cases / PAX_PER_FLIGHT);
  const now = Date.now();
  for (let f = 0; f < flights; f++) {
    const [carrier, origin, destination] = ROUTES[f % ROUTES.length]!;
    const dep = new Date(now - (1 + (f % 20)) * 86_400_000 + (f % 24) * 3_600_000);
    const id = flightInstanceId(carrier, String(1000 + f), dep.toISOString().slice(0, 10));
    const cancelled = f % 3 === 0;
    const delay = cancelled ? 0 : 60 + (f % 8) * 45;
    const flight: Flight = {
      id,
      carrier,
      number: String(1000 + f),
      origin,
      destination,
      scheduledDeparture: dep.toISOString(),
      scheduledArrival: new Date(dep.getTime() + 150 * 60_000).toISOString(),
      estimatedDeparture: cancelled ? null : new Date(dep.getTime() + delay * 60_000).toISOString(),
      estimatedArrival: null,
      actualDeparture: null,
      actualArrivalDoorOpen: cancelled ? null : new Date(dep.getTime() + (150 + delay) * 60_000).toISOString(),
      status: cancelled ? 'CANCELLED' : 'DELAYED',
      gate: null,
      terminal: null,
      aircraft: null,
      delayMinutes: delay,
      version: 1,
    };
    const disruption: Disruption = {
      id: `DIS-${id}`,
      flightId: id,
      kind: cancelled ? 'CANCELLATION' : 'DELAY',
      delayMinutes: delay,
      delayCategory: null,
      causeCode: ['MECHANICAL', 'WEATHER', 'CREW', 'ATC'][f % 4]!,
      causeDetail: null,
      urgent: false,
      eventIds: [`ev-${f}`],
      detectedAt: dep.toISOString(),
      version: 1,
    };
    rows.push(items.flight(flight), items.disruption({ ...disruption, aspects: {} }));
    for (let p = 0; p < PAX_PER_FLIGHT && f * PAX_PER_FLIGHT + p < cases; p++) {
      const pid = `BP${f}-${p}`;
      const passenger: Passenger = {
        id: pid,
        firstName: 'Bench',
        lastName: `P${p}`,
        email: null,
        phone: null,
        loyaltyNumber: null,
        tier: ['MEMBER', 'A-LIST', 'A-LIST PREFERRED', null][p % 4] ?? null,
        language: 'en',
        contact: { email: false, sms: false, push: false },
        specialRequests: [],
        version: 1,
      };
      const booking: Booking = {
        id: `BB${f}-${p}`,
        pnr: `B${f}X${p}`,
        passengerId: pid,
        flightId: id,
        seat: null,
        fareClass: 'WGA',
        cabin: 'economy',
        fare: { amountMinor: 9900 + p * 500, currency: 'USD' },
        status: 'CONFIRMED',
        bagsChecked: 0,
        version: 1,
      };
      const c: Case = {
        id: caseIdOf(id, pid),
        flightId: id,
        disruptionId: disruption.id,
        passengerId: pid,
        bookingId: booking.id,
        status: 'OPEN',
        policyVersion: null,
        policySetVersion: 1,
        primaryRegime: null,
        needsReview: [],
        stations: [origin, destination],
        assignee: null,
        openedAt: new Date(dep.getTime() + 30 * 60_000).toISOString(),
        statusSince: null,
        version: 1,
      };
      rows.push(items.passenger(passenger), items.booking(booking), items.case(c));
    }
  }
  await writeAll(ctx, rows);
}

export async function policyHistoryBench(cases = Number(process.env.BENCH_HISTORY_CASES ?? 2000)): Promise<Figures> {
  let dynamo: Awaited<ReturnType<typeof startDynamoDbLocal>>;
  try {
    dynamo = await startDynamoDbLocal();
  } catch (err) {
    // No Java / DynamoDB Local here: the engine figures of bench/policy.ts still stand.
    console.error(`policy history bench skipped: ${(err as Error).message}`);
    return {};
  }
  const client = localDynamoClient(dynamo.endpoint);
  try {
    await createTables(client, 'benchhist_');
    const ctx = createDataContext({ endpoint: dynamo.endpoint, tablePrefix: 'benchhist_' });
    await ensureSeeded(ctx);
    await seedHistory(ctx, cases);
    // A draft: goodwill meals +3 USD (a change that touches many cases).
    const draft = await createDraft(ctx, { from: 1, actor: 'bench' });
    const content = draft.content.map((d) => {
      const doc = d as { id: string; version: string; regimes?: { assistance: { id: string; amount: { fixed: number } | null }[] }[] };
      if (doc.id !== 'goodwill') return d;
      const copy = structuredClone(doc);
      copy.version = 'bench';
      for (const a of copy.regimes![0]!.assistance) if (a.amount && a.id.startsWith('GOODWILL.MEAL')) a.amount.fixed += 300;
      return copy;
    });
    await editDraft(ctx, { version: draft.version, content, actor: 'bench' });
    const job = await createSimulationJob(ctx, { version: draft.version, days: 30, actor: 'bench', runner: 'local' });
    const t0 = performance.now();
    const done = await runSimulation(ctx, job.jobId);
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== 'succeeded' || !done.totals) throw new Error(`simulation ${done.status}: ${done.error ?? ''}`);
    const rate = done.totals.cases / seconds;
    if (process.env.BENCH_VERBOSE)
      console.log(`  ${done.totals.cases} cases (${done.totals.changed} changed) in ${seconds.toFixed(2)} s; ${Math.round(rate)} cases/s`);
    return {
      'policy.history_simulation_cases_per_second': {
        value: Math.round(rate),
        unit: 'cases/s',
        target: '≥ 100 (30 days of a busy station re-decided in minutes; DynamoDB Local, one process)',
      },
    };
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void policyHistoryBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}

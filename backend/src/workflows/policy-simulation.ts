import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import {
  BookingSchema,
  DisruptionSchema,
  FlightSchema,
  PassengerSchema,
  type Booking,
  type Disruption,
  type Flight,
  type Passenger,
} from '../../../src/shared/domain/index.js';
import {
  versionLabel,
  type MoneyByRegime,
  type SimulationCaseResult,
  type SimulationJob,
  type SimulationOutcome,
  type SimulationTotals,
} from '../../../src/shared/policy/admin-contract.js';
import { toClaimCase } from '../../../src/shared/policy/claim-from-domain.js';
import { canonicalJson, evaluate, explainDecision, type Decision, type PolicySet } from '../../../src/shared/policy/index.js';
import { resolvePolicyVersion } from '../../../src/shared/policy/versions.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys } from '../data/keys.js';
import { policySetOf, publishedIndex } from '../data/policy-store.js';
import { batchGet } from '../data/repositories.js';

/**
 * Simulation of a policy version on history (issue #9): re-decide the cases opened in the last N days
 * under version V and compare with the versions that decided them (`case.policySetVersion`; a case
 * decided before the store existed is compared with the version in force at its flight's departure).
 * Both sides are evaluated on the facts stored now (flight times, disruption, booking, passenger), so a
 * difference is due to the policy alone, not to facts that arrived after the case was opened.
 *
 * A job: start → `SIMJOB#<id>`/META (queued) → run: Scan the cases of the window, then batches of 100
 * (BatchGet flights, disruptions, bookings, passengers; two evaluations each) → per-case results in
 * `RES#` chunks (≤ ~300 KB) with progress on META → totals on META (succeeded) or the error (failed).
 * Where it runs: in-process and asynchronous in the local cloud (localSimulationRunner), a Lambda
 * invoked asynchronously (InvocationType Event) in AWS (lambdaSimulationRunner + handler in
 * tasks/simulate-policy.ts, 15-minute Lambda limit).
 */

export const CHUNK_BYTES = 300_000;
const BATCH = 100;

export interface SimulationRunner {
  kind: 'local' | 'lambda';
  start(jobId: string): Promise<void>;
  /** Resolves when no job started by this runner is still running (local). */
  idle(): Promise<void>;
}

interface JobItem extends SimulationJob {
  days: number;
  from: string;
  until: string;
  chunks: number;
}

const jobFromItem = (it: Record<string, unknown>): JobItem => stripKeys(it) as unknown as JobItem;

export function publicJob(j: JobItem): SimulationJob {
  return {
    jobId: j.jobId,
    version: j.version,
    status: j.status,
    progress: j.progress,
    startedBy: j.startedBy,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt ?? null,
    error: j.error ?? null,
    totals: j.totals ?? null,
    runner: j.runner,
  };
}

export async function createSimulationJob(
  ctx: DataContext,
  input: { version: number; days: number; until?: string | undefined; actor: string; runner: 'local' | 'lambda' },
): Promise<JobItem> {
  const until = new Date(input.until ?? Date.now()).toISOString();
  const from = new Date(Date.parse(until) - input.days * 86_400_000).toISOString();
  const job: JobItem = {
    jobId: ulid(),
    version: input.version,
    status: 'queued',
    progress: { done: 0, total: null },
    startedBy: input.actor,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
    totals: null,
    runner: input.runner,
    days: input.days,
    from,
    until,
    chunks: 0,
  };
  await ctx.doc.send(
    new PutCommand({ TableName: ctx.table, Item: { ...keys.simulationJob(job.jobId), entityType: 'simulation_job', ...job }, ConditionExpression: 'attribute_not_exists(PK)' }),
  );
  return job;
}

export async function getSimulationJob(ctx: DataContext, jobId: string): Promise<JobItem | null> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.simulationJob(jobId), ConsistentRead: true }));
  return res.Item ? jobFromItem(res.Item) : null;
}

/** One stored chunk of per-case results (null past the last one). */
export async function getSimulationChunk(ctx: DataContext, jobId: string, chunk: number): Promise<SimulationCaseResult[] | null> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.simulationChunk(jobId, chunk), ConsistentRead: true }));
  return res.Item ? (JSON.parse(String(res.Item.results)) as SimulationCaseResult[]) : null;
}

/** Every per-case result of a job, in order. */
export async function allSimulationResults(ctx: DataContext, jobId: string): Promise<SimulationCaseResult[]> {
  const out: SimulationCaseResult[] = [];
  for (let i = 0; ; i++) {
    const c = await getSimulationChunk(ctx, jobId, i);
    if (!c) return out;
    out.push(...c);
  }
}

interface CaseRow {
  id: string;
  flightId: string;
  disruptionId: string;
  bookingId: string;
  passengerId: string;
  policyVersion: string | null;
  policySetVersion?: number;
}

/** Parallel Scan segments (the cases of a window have no index: a periodic admin job reads the table once). */
export const SCAN_SEGMENTS = 4;

async function scanCases(ctx: DataContext, from: string, until: string): Promise<CaseRow[]> {
  const segment = async (n: number): Promise<CaseRow[]> => {
    const out: CaseRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await ctx.doc.send(
        new ScanCommand({
          TableName: ctx.table,
          Segment: n,
          TotalSegments: SCAN_SEGMENTS,
          FilterExpression: 'entityType = :case AND SK = :meta AND openedAt >= :from AND openedAt < :until',
          ExpressionAttributeValues: { ':case': 'case', ':meta': 'META', ':from': from, ':until': until },
          ProjectionExpression: 'id, flightId, disruptionId, bookingId, passengerId, policyVersion, policySetVersion',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...((res.Items ?? []) as CaseRow[]));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  };
  const all = (await Promise.all(Array.from({ length: SCAN_SEGMENTS }, (_, n) => segment(n)))).flat();
  return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function outcome(d: Decision, version: string, withExplanation: boolean): SimulationOutcome {
  const entitlements: string[] = [];
  const cost = new Map<string, { regime: string; currency: string; amount: number }>();
  for (const e of d.entitlements) {
    if (!e.payable) continue;
    entitlements.push(`${e.regime}/${e.type}/${e.carePeriod}${e.amount ? ` ${e.amount.amountMinor} ${e.amount.currency}` : ''}`);
    if (!e.amount) continue;
    const k = `${e.regime}\u0000${e.amount.currency}`;
    const c = cost.get(k) ?? { regime: e.regime, currency: e.amount.currency, amount: 0 };
    c.amount += e.amount.amountMinor;
    cost.set(k, c);
  }
  entitlements.sort();
  return {
    version,
    policyVersion: d.policyVersion,
    primaryRegime: d.primaryRegime,
    entitlements,
    cost: [...cost.values()].sort((a, b) => (a.regime + a.currency < b.regime + b.currency ? -1 : 1)),
    ...(withExplanation ? { explanation: explainDecision(d) } : {}),
  };
}

/** Totals of per-case results (the job's totals are exactly this over all its results). */
export function totalsOf(results: readonly SimulationCaseResult[], window: { from: string; until: string }): SimulationTotals {
  const cost = new Map<string, MoneyByRegime>();
  const add = (side: 'before' | 'after', o: SimulationOutcome | null) => {
    for (const c of o?.cost ?? []) {
      const k = `${c.regime}\u0000${c.currency}`;
      const m = cost.get(k) ?? { regime: c.regime, currency: c.currency, before: 0, after: 0 };
      m[side] += c.amount;
      cost.set(k, m);
    }
  };
  const decidedBy = new Map<string, number>();
  const affected = new Set<string>();
  let changed = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.error) skipped++;
    add('before', r.before);
    add('after', r.after);
    if (r.before) decidedBy.set(r.before.version, (decidedBy.get(r.before.version) ?? 0) + 1);
    if (r.changed) {
      changed++;
      affected.add(r.passengerId);
    }
  }
  return {
    from: window.from,
    until: window.until,
    cases: results.length - skipped,
    passengersAffected: affected.size,
    changed,
    skipped,
    cost: [...cost.values()].sort((a, b) => (a.regime + a.currency < b.regime + b.currency ? -1 : 1)),
    decidedBy: [...decidedBy.entries()].sort().map(([policyVersion, cases]) => ({ policyVersion, cases })),
  };
}

async function setJob(ctx: DataContext, jobId: string, fields: Record<string, unknown>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.simulationJob(jobId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** Run a job to its end (idempotent for a finished job: returns at once). */
export async function runSimulation(ctx: DataContext, jobId: string): Promise<SimulationJob> {
  const job = await getSimulationJob(ctx, jobId);
  if (!job) throw new Error(`no simulation job ${jobId}`);
  if (job.status === 'succeeded' || job.status === 'failed') return publicJob(job);
  try {
    await setJob(ctx, jobId, { status: 'running' });
    const target = await policySetOf(ctx, job.version);
    const targetLabel = versionLabel(job.version);
    const index = await publishedIndex(ctx);
    const cases = await scanCases(ctx, job.from, job.until);
    await setJob(ctx, jobId, { progress: { done: 0, total: cases.length } });
    const results: SimulationCaseResult[] = [];
    let buffer: SimulationCaseResult[] = [];
    let bufferBytes = 0;
    let chunk = 0;
    const flush = async () => {
      if (!buffer.length) return;
      await ctx.doc.send(
        new PutCommand({ TableName: ctx.table, Item: { ...keys.simulationChunk(jobId, chunk), entityType: 'simulation_chunk', results: JSON.stringify(buffer) } }),
      );
      chunk++;
      buffer = [];
      bufferBytes = 0;
    };
    // The next batch's facts load while this one is evaluated.
    const batches: CaseRow[][] = [];
    for (let i = 0; i < cases.length; i += BATCH) batches.push(cases.slice(i, i + BATCH));
    let next = batches[0] ? loadFacts(ctx, batches[0]) : null;
    for (let b = 0; b < batches.length; b++) {
      const i = b * BATCH;
      const batch = batches[b]!;
      const facts = await next!;
      next = batches[b + 1] ? loadFacts(ctx, batches[b + 1]!) : null;
      next?.catch(() => undefined); // awaited next round; a failure of this round must not leave it unhandled
      for (const c of batch) {
        const r = await simulateCase(ctx, c, facts, index, target, targetLabel);
        const size = JSON.stringify(r).length;
        if (bufferBytes + size > CHUNK_BYTES) await flush();
        buffer.push(r);
        bufferBytes += size;
        results.push(r);
      }
      await flush();
      await setJob(ctx, jobId, { progress: { done: Math.min(i + BATCH, cases.length), total: cases.length }, chunks: chunk });
    }
    await flush();
    const totals = totalsOf(results, { from: job.from, until: job.until });
    await setJob(ctx, jobId, { status: 'succeeded', totals, chunks: chunk, finishedAt: new Date().toISOString() });
  } catch (err) {
    await setJob(ctx, jobId, { status: 'failed', error: (err as Error).message.slice(0, 1000), finishedAt: new Date().toISOString() });
  }
  return publicJob((await getSimulationJob(ctx, jobId))!);
}

interface Facts {
  flights: Map<string, Flight>;
  disruptions: Map<string, Disruption>;
  bookings: Map<string, Booking>;
  passengers: Map<string, Passenger>;
}

async function loadFacts(ctx: DataContext, batch: CaseRow[]): Promise<Facts> {
  const [f, d, b, p] = await Promise.all([
    batchGet(ctx, batch.map((c) => keys.flight(c.flightId))),
    batchGet(ctx, batch.map((c) => keys.disruption(c.flightId, c.disruptionId))),
    batchGet(ctx, batch.map((c) => keys.booking(c.flightId, c.bookingId))),
    batchGet(ctx, batch.map((c) => keys.passenger(c.passengerId))),
  ]);
  const strip = (r: Record<string, unknown>) => {
    const { aspects: _a, ...rest } = stripKeys(r);
    return rest;
  };
  return {
    flights: new Map(f.map((r) => FlightSchema.parse(strip(r))).map((x) => [x.id, x])),
    disruptions: new Map(d.map((r) => DisruptionSchema.parse(strip(r))).map((x) => [`${x.flightId}/${x.id}`, x])),
    bookings: new Map(b.map((r) => BookingSchema.parse(strip(r))).map((x) => [`${x.flightId}/${x.id}`, x])),
    passengers: new Map(p.map((r) => PassengerSchema.parse(strip(r))).map((x) => [x.id, x])),
  };
}

async function simulateCase(
  ctx: DataContext,
  c: CaseRow,
  facts: Facts,
  index: Awaited<ReturnType<typeof publishedIndex>>,
  target: PolicySet,
  targetLabel: string,
): Promise<SimulationCaseResult> {
  const flight = facts.flights.get(c.flightId);
  const base = { caseId: c.id, passengerId: c.passengerId, flightId: c.flightId, scheduledDeparture: flight?.scheduledDeparture ?? null };
  const disruption = facts.disruptions.get(`${c.flightId}/${c.disruptionId}`);
  const booking = facts.bookings.get(`${c.flightId}/${c.bookingId}`);
  if (!flight || !disruption || !booking) return { ...base, changed: false, before: null, after: null, error: 'flight, disruption or booking no longer stored' };
  const claim = toClaimCase({ caseId: c.id, flight, disruption, booking, passenger: facts.passengers.get(c.passengerId) ?? null });
  if (!claim) return { ...base, changed: false, before: null, after: null, error: `disruption kind ${disruption.kind} is not decided by the policy` };
  const beforeVersion = c.policySetVersion ?? resolvePolicyVersion(index, flight.scheduledDeparture)?.version ?? 1;
  const before = evaluate(claim, await policySetOf(ctx, beforeVersion));
  const after = evaluate(claim, target);
  const key = (d: Decision) => canonicalJson([d.primaryRegime, outcome(d, '', false).entitlements]);
  const changed = key(before) !== key(after);
  return {
    ...base,
    changed,
    before: outcome(before, versionLabel(beforeVersion), changed),
    after: outcome(after, targetLabel, changed),
  };
}

/** In-process, asynchronous (the local cloud). */
export function localSimulationRunner(ctx: DataContext, log?: { error(msg: string, extra?: Record<string, unknown>): void }): SimulationRunner {
  const running = new Set<Promise<unknown>>();
  return {
    kind: 'local',
    async start(jobId) {
      const p = new Promise<void>((r) => setImmediate(r))
        .then(() => runSimulation(ctx, jobId))
        .catch((err: unknown) => log?.error('policy simulation failed', { jobId, error: (err as Error).message }));
      running.add(p);
      void p.finally(() => running.delete(p));
    },
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}

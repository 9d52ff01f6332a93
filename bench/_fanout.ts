/**
 * Disruption fan-out: N cancelled flights × M passengers, each flight's disruption workflow
 * (statemachines/disruption.asl.json, run by the local runner exactly as the local cloud runs it)
 * pages the bookings, evaluates the policy engine per passenger in Map batches and persists cases,
 * entitlements, booking statuses and change-log entries, then queues the passenger notices.
 * Reported: passengers/s from the first StartExecution to the last execution's end, and the items
 * written per second (every item of a successful write, counted on the document client).
 *
 * Real parts: DynamoDB Local (in memory, the project's table definition with its GSI and stream),
 * the policy engine and the workflow runner. The e-mail transport is an in-memory stand-in (SES
 * cannot run here); the notifier's idempotency records are real writes.
 *
 * `fanOutBench({ flights: 1, passengersPerFlight: 180 })` is what bench/backend.ts calls; run it
 * alone with `node --import tsx bench/_fanout.ts [flights] [passengersPerFlight]`.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking, Flight, Passenger } from '../src/shared/domain/index.js';
import { caseId as caseIdOf, disruptionId as disruptionIdOf, flightInstanceId } from '../src/shared/domain/index.js';
import { defaultPolicySet } from '../src/shared/policy/index.js';
import { createDataContext, type DataContext } from '../backend/src/data/client.js';
import { keys } from '../backend/src/data/keys.js';
import { batchGet, items } from '../backend/src/data/repositories.js';
import { seedDemoData } from '../backend/src/data/seed.js';
import { createTables, localDynamoClient, startDynamoDbLocal } from '../backend/src/local/services/dynamodb.js';
import { createNotifier } from '../backend/src/notify/notifier.js';
import { createLocalWorkflowRunner } from '../backend/src/workflows/local-runner.js';
import { executionName } from '../backend/src/workflows/starter.js';

export interface FanOutOptions {
  flights: number;
  passengersPerFlight: number;
  /** An existing DynamoDB Local endpoint (the caller's, same table configuration); else one is started. */
  endpoint?: string;
  /** That DynamoDB Local's process id, to report the cores it kept busy. */
  ddbPid?: number;
  log?: (line: string) => void;
}

export interface FanOutResult {
  flights: number;
  passengers: number;
  cases: number;
  itemsWritten: number;
  /** First StartExecution → every execution ended (notices included). */
  seconds: number;
  passengersPerSecond: number;
  /** First StartExecution → the last Map batch persisted (cases, entitlements, bookings, log). */
  evaluateSeconds: number;
  evaluatedPerSecond: number;
  itemsPerSecond: number;
  failedExecutions: number;
  /** Cores busy from the first StartExecution to the last execution's end. */
  cores: Cores;
}

/** Busy cores over a timed window: DynamoDB Local's (null where /proc cannot tell) and this process's. */
export interface Cores {
  ddb: number | null;
  node: number;
  /** The Kafka broker's (ingest only). */
  kafka?: number | null;
}

/** CPU seconds process `pid` has used so far (Linux /proc; null elsewhere or when it is gone). */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ, 100 a second on Linux)
  } catch {
    return null;
  }
}

/** Starts measuring; the function returned gives the cores busy since (DynamoDB Local's `ddbPid` and this process). */
export function coreMeter(ddbPid: number | undefined, kafkaPid?: number | null): () => Cores {
  const t0 = performance.now();
  const d0 = cpuSeconds(ddbPid);
  const k0 = cpuSeconds(kafkaPid ?? undefined);
  const n0 = process.cpuUsage();
  return () => {
    const s = (performance.now() - t0) / 1000;
    const [d1, k1] = [cpuSeconds(ddbPid), cpuSeconds(kafkaPid ?? undefined)];
    const n = process.cpuUsage(n0);
    const cores: Cores = { ddb: d0 === null || d1 === null ? null : (d1 - d0) / s, node: (n.user + n.system) / 1e6 / s };
    if (kafkaPid !== undefined) cores.kafka = k0 === null || k1 === null ? null : (k1 - k0) / s;
    return cores;
  };
}

/** Counts the items of every successful write sent through `ctx.doc` (bench/backend.ts counts ingest's with it too). */
export function countWrites(ctx: DataContext): {
  items: () => number;
  reset: () => void;
  requests: () => Record<string, { n: number; ms: number; kb: number }>;
  kinds: () => Record<string, number>;
} {
  let n = 0;
  let requests: Record<string, { n: number; ms: number; kb: number }> = {};
  let kinds: Record<string, number> = {};
  // BENCH_VERBOSE: items written by operation and sort-key kind (the SK up to its first '#').
  const kind = (op: string, x: Record<string, unknown>): void => {
    const sk = String(((x.Item ?? x.Key) as Record<string, unknown> | undefined)?.SK ?? '?').split('#')[0];
    kinds[`${op} ${sk}`] = (kinds[`${op} ${sk}`] ?? 0) + 1;
  };
  const verbose = Boolean(process.env.BENCH_VERBOSE);
  ctx.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const t0 = performance.now();
      const out = await next(args);
      const r = (requests[context.commandName ?? '?'] ??= { n: 0, ms: 0, kb: 0 });
      r.n++;
      r.ms += performance.now() - t0;
      if (verbose) r.kb += JSON.stringify(args.input).length / 1024;
      const input = args.input as Record<string, unknown>;
      if (verbose && context.commandName !== 'TransactWriteItemsCommand' && context.commandName !== 'BatchWriteItemCommand') kind(context.commandName ?? '?', input);
      if (verbose && context.commandName === 'TransactWriteItemsCommand') {
        const size = (input.TransactItems as unknown[]).length;
        const bucket = `tx of ${Math.floor((size - 1) / 10) * 10 + 1}-${Math.floor((size - 1) / 10) * 10 + 10} items`;
        kinds[bucket] = (kinds[bucket] ?? 0) + 1;
      }
      if (verbose && context.commandName === 'TransactWriteItemsCommand') for (const t of input.TransactItems as Record<string, Record<string, unknown>>[]) for (const [op, x] of Object.entries(t)) kind(`tx.${op}`, x);
      if (verbose && context.commandName === 'BatchWriteItemCommand') for (const list of Object.values(input.RequestItems as Record<string, Record<string, Record<string, unknown>>[]>)) for (const w of list) for (const [op, x] of Object.entries(w)) kind(`batch.${op}`, x);
      switch (context.commandName) {
        case 'TransactWriteItemsCommand':
          n += (input.TransactItems as unknown[]).filter((t) => !(t as Record<string, unknown>).ConditionCheck).length;
          break;
        case 'BatchWriteItemCommand': {
          const req = input.RequestItems as Record<string, unknown[]>;
          const unprocessed = ((out.output as Record<string, unknown>).UnprocessedItems ?? {}) as Record<string, unknown[]>;
          for (const [t, list] of Object.entries(req)) n += list.length - (unprocessed[t]?.length ?? 0);
          break;
        }
        case 'PutItemCommand':
        case 'UpdateItemCommand':
        case 'DeleteItemCommand':
          n += 1;
          break;
      }
      return out;
    },
    { step: 'initialize', name: 'jetwayBenchWriteCounter' },
  );
  return {
    items: () => n,
    reset: () => {
      n = 0;
      requests = {};
      kinds = {};
    },
    /** Requests sent since the last reset, by command, with their summed latency and (BENCH_VERBOSE) request KB. */
    requests: () => requests,
    /** BENCH_VERBOSE: items written since the last reset, by operation and sort-key kind. */
    kinds: () => kinds,
  };
}

/** Items of the table matching `filter` (a paged COUNT scan, run once the writers are done). */
export async function countItems(ctx: DataContext, filter: string, values: Record<string, unknown>): Promise<number> {
  let n = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, FilterExpression: filter, ExpressionAttributeValues: values, Select: 'COUNT', ExclusiveStartKey: startKey }));
    n += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return n;
}

/**
 * How many of the bookings' cases exist: a consistent BatchGet of the expected keys (100 a request).
 * Not a Scan: DynamoDB Local renders every scanned item as text, and a filtered Scan of the
 * 200,000-item fan-out table took about 20 minutes.
 */
export async function countCases(ctx: DataContext, bookings: Pick<Booking, 'flightId' | 'passengerId'>[]): Promise<number> {
  return (await batchGet(ctx, bookings.map((b) => keys.case(caseIdOf(b.flightId, b.passengerId))))).length;
}

/** N flights PHX→OAK (US DOT + the carrier's goodwill policy), M confirmed passengers each, all opted in to e-mail. */
export function fanOutData(flights: number, perFlight: number): { flights: Flight[]; passengers: Passenger[]; bookings: Booking[] } {
  const out = { flights: [] as Flight[], passengers: [] as Passenger[], bookings: [] as Booking[] };
  const day = '2026-12-10';
  for (let f = 0; f < flights; f++) {
    const number = String(1000 + f);
    const dep = new Date(Date.parse(`${day}T14:00:00Z`) + f * 60_000).toISOString();
    const flight: Flight = {
      id: flightInstanceId('SW', number, day),
      carrier: 'SW',
      number,
      origin: 'PHX',
      destination: 'OAK',
      scheduledDeparture: dep,
      scheduledArrival: new Date(Date.parse(dep) + 2 * 3600_000).toISOString(),
      estimatedDeparture: null,
      estimatedArrival: null,
      actualDeparture: null,
      actualArrivalDoorOpen: null,
      status: 'CANCELLED',
      gate: 'B12',
      terminal: null,
      aircraft: '737-800',
      delayMinutes: 0,
      version: 1,
    };
    out.flights.push(flight);
    for (let p = 0; p < perFlight; p++) {
      const id = `BP${number}${String(p).padStart(4, '0')}`;
      out.passengers.push({
        id,
        firstName: `Pax${p}`,
        lastName: `Flight${number}`,
        email: `${id.toLowerCase()}@example.com`,
        phone: null,
        loyaltyNumber: null,
        tier: p % 7 === 0 ? 'A-LIST' : 'MEMBER',
        language: 'en',
        contact: { email: true, sms: false, push: false },
        specialRequests: [],
        version: 1,
      });
      out.bookings.push({
        id: `BB${number}${String(p).padStart(4, '0')}`,
        pnr: `P${number}${String(p).padStart(4, '0')}`.slice(0, 6),
        passengerId: id,
        flightId: flight.id,
        seat: null,
        fareClass: 'WGA',
        cabin: 'economy',
        fare: { amountMinor: 15900, currency: 'USD' },
        status: p % 2 ? 'CHECKED_IN' : 'CONFIRMED',
        bagsChecked: 0,
        version: 1,
      });
    }
  }
  return out;
}

export async function fanOutBench(opts: FanOutOptions): Promise<FanOutResult> {
  const log = opts.log ?? (() => undefined);
  const dynamo = opts.endpoint ? null : await startDynamoDbLocal();
  const endpoint = opts.endpoint ?? dynamo!.endpoint;
  const client = localDynamoClient(endpoint);
  try {
    const prefix = `fan${process.pid}x${Date.now().toString(36)}_`;
    await createTables(client, prefix);
    const ctx = createDataContext({ endpoint, tablePrefix: prefix });
    const data = fanOutData(opts.flights, opts.passengersPerFlight);
    const t0 = Date.now();
    await seedDemoData(ctx, data);
    log(`seeded ${data.flights.length} flights, ${data.bookings.length} bookings in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The disruptions ingest would have persisted (one cancellation per flight).
    const detectedAt = new Date().toISOString();
    for (const f of data.flights) {
      const d = { id: disruptionIdOf(f.id), flightId: f.id, kind: 'CANCELLATION' as const, delayMinutes: 0, delayCategory: null, causeCode: 'MECHANICAL', causeDetail: null, urgent: true, eventIds: [`bench-${f.id}`], eventCount: 1, detectedAt, version: 1 };
      await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...items.disruption(d), aspects: {} } }));
    }
    const counter = countWrites(ctx);
    let sent = 0;
    const notifier = createNotifier({ ctx, email: { send: async () => ({ messageId: `bench-${++sent}` }) } });
    let policy: ReturnType<typeof defaultPolicySet> | null = null;
    // The workflow's own log says when each Map batch is persisted: the fan-out part ends with the last.
    let start = Date.now();
    let evaluatedAt = start;
    const debug = Boolean(process.env.JETWAY_BENCH_DEBUG);
    const wfLog = {
      info: (m: string, x?: Record<string, unknown>) => {
        if (m === 'passengers evaluated') evaluatedAt = Math.max(evaluatedAt, Date.now());
        if (debug) log(`+${Date.now() - start} ms ${m} ${JSON.stringify(x ?? {})}`);
      },
      warn: (m: string, x?: Record<string, unknown>) => log(`+${Date.now() - start} ms WARN ${m} ${JSON.stringify(x ?? {})}`),
    };
    const runner = createLocalWorkflowRunner({ ctx, policy: () => (policy ??= defaultPolicySet()), notifier, log: wfLog });
    start = Date.now();
    const meter = coreMeter(dynamo?.pid ?? opts.ddbPid);
    for (const f of data.flights) {
      const input = { flightId: f.id, disruptionId: disruptionIdOf(f.id), eventId: `bench-${f.id}` };
      await runner.startDisruption(input, executionName(input));
    }
    await runner.idle();
    const seconds = (Date.now() - start) / 1000;
    const cores = meter();
    const evaluateSeconds = (evaluatedAt - start) / 1000;
    const failed = runner.executions().filter((e) => e.status !== 'SUCCEEDED');
    for (const e of failed) log(`execution ${e.name} ${e.status}: ${e.error ?? ''}`);
    await runner.stop();
    const passengers = data.bookings.length;
    const cases = await countCases(ctx, data.bookings);
    const r: FanOutResult = {
      flights: data.flights.length,
      passengers,
      cases,
      itemsWritten: counter.items(),
      seconds,
      passengersPerSecond: passengers / seconds,
      evaluateSeconds,
      evaluatedPerSecond: cases / evaluateSeconds,
      itemsPerSecond: counter.items() / seconds,
      failedExecutions: failed.length,
      cores,
    };
    if (process.env.BENCH_VERBOSE) log(`requests: ${JSON.stringify(counter.requests(), (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
    if (process.env.BENCH_VERBOSE) log(`items by kind: ${JSON.stringify(counter.kinds())}`);
    log(`${r.passengers} passengers: persisted in ${evaluateSeconds.toFixed(2)} s (${r.evaluatedPerSecond.toFixed(0)} passengers/s), workflows done in ${seconds.toFixed(2)} s (${r.passengersPerSecond.toFixed(0)} passengers/s), ${r.cases} cases, ${r.itemsWritten} items (${r.itemsPerSecond.toFixed(0)}/s), notices ${sent}; busy cores: DynamoDB Local ${cores.ddb?.toFixed(2) ?? '?'}, Node ${cores.node.toFixed(2)}`);
    ctx.doc.destroy();
    return r;
  } finally {
    client.destroy();
    await dynamo?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flights = '1', per = '180'] = process.argv.slice(2);
  const r = await fanOutBench({ flights: Number(flights), passengersPerFlight: Number(per), log: (l) => console.log(`[fanout] ${l}`) });
  console.log(JSON.stringify(r));
  process.exit(r.failedExecutions ? 1 : 0);
}

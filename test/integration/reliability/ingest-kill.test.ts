import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { caseId, CaseSchema } from '../../../src/shared/domain/index.js';
import { readHead, readLog } from '../../../backend/src/data/changelog.js';
import type { DataContext } from '../../../backend/src/data/client.js';
import { stripKeys } from '../../../backend/src/data/keys.js';
import { getDisruption, getFlight } from '../../../backend/src/data/repositories.js';
import { seedDemoData } from '../../../backend/src/data/seed.js';
import { needsCases } from '../../../backend/src/ingest/fold.js';
import { seededRandom } from '../../../backend/src/simulator/load.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { fpLoad } from '../../../backend/test/helpers/ops-load.js';
import { repoRoot } from '../../../backend/test/helpers/paths.js';
import { eventually, produce, readTopic, startServices, type Services } from '../../../backend/test/helpers/stack.js';
import type { IngestWorkerArgs, IngestWorkerMessage } from './ingest-worker.js';

/**
 * Nothing lost, nothing applied twice when the ingest consumer crashes: FlightPulse events (delays,
 * gate changes, cancellations on five flights) are produced to the real Kafka broker in waves
 * while the consumer process, with its workflow runner, is SIGKILLed and restarted. Each kill lands
 * inside a chunk whose writes are committed but whose offsets are not (the worker holds there), so
 * Kafka delivers applied records again, and they must change nothing. Afterwards: exactly one dedupe marker per event id; each disruption counts each
 * of its events once (version = eventCount = events produced for the flight); the change log is
 * gap-free; nothing was dead-lettered; every booking of a flight that needs cases has exactly one
 * case. CI size by default; `npm run soak` (JETWAY_SOAK=1): 20,000 events and 5 kills. Seeded and
 * replayable (JETWAY_RELIABILITY_SEED).
 */
const SOAK = process.env.JETWAY_SOAK === '1';
const SIZE = SOAK ? { events: 20_000, kills: 5 } : { events: 2_000, kills: 2 };
const SEED = Number(process.env.JETWAY_RELIABILITY_SEED ?? 20261203);
const FLIGHTS = ['SW1234', 'SW5678', 'SW9012', 'SW3456', 'SW7890'];
const EXTRA_ON_SW9012 = 20;

let s: Services;
let ctx: DataContext;
let prefix: string;
const workers = new Set<ChildProcess>();

beforeAll(async () => {
  s = await startServices({ kafka: true });
  ({ ctx, prefix } = await s.newTables());
  await seedDemoData(ctx, flightpulseData(EXTRA_ON_SW9012));
}, 300_000);

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await s?.stop();
});

/** One consumer process; `messages` keeps its latest progress report. */
class Worker {
  proc: ChildProcess | null = null;
  last: { processed: number; outcomes: Record<string, number> } = { processed: 0, outcomes: {} };
  stderr = '';
  constructor(private readonly args: IngestWorkerArgs) {}

  async start(): Promise<void> {
    const proc = fork(path.join(repoRoot, 'test/integration/reliability/ingest-worker.ts'), [JSON.stringify(this.args)], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    this.proc = proc;
    workers.add(proc);
    this.last = { processed: 0, outcomes: {} };
    proc.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    proc.on('message', (m: IngestWorkerMessage) => {
      if (m.t === 'progress') this.last = { processed: m.processed, outcomes: m.outcomes };
    });
    proc.once('exit', () => workers.delete(proc));
    await this.until('ready', 120_000);
  }

  until(t: IngestWorkerMessage['t'], timeoutMs: number): Promise<void> {
    const proc = this.proc!;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ingest worker: no '${t}' after ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      const onMsg = (m: IngestWorkerMessage) => {
        if (m.t !== t) return;
        clearTimeout(timer);
        proc.off('message', onMsg);
        resolve();
      };
      proc.on('message', onMsg);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`ingest worker exited (${code ?? signal}) before '${t}': ${this.stderr}`));
      });
    });
  }

  /** SIGKILL: no clean shutdown, no commit, no group leave. */
  async kill(): Promise<void> {
    const p = this.proc!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const done = this.until('stopped', 60_000);
    this.proc!.send({ t: 'stop' });
    await done;
  }
}

async function scanPrefix(pk: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(
      new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p)', ExpressionAttributeValues: { ':p': pk }, ExclusiveStartKey: start }),
    );
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

describe(`ingest under consumer crashes (${SOAK ? 'soak' : 'CI'} size: ${SIZE.events} events, ${SIZE.kills} kills, seed ${SEED})`, () => {
  it(
    'applies every event exactly once, loses and duplicates no case, keeps the log gap-free',
    async () => {
      // Prepare: the topic (3 partitions, like flight-operations) and the seeded events, in waves.
      const topic = `ops-kill-${process.pid}`;
      const dlqTopic = `${topic}.dlq`;
      const admin = new Kafka({ clientId: 'kill-test-admin', brokers: s.kafka!.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const events = fpLoad({ flights: FLIGHTS, count: SIZE.events, seed: SEED });
      const waves = SIZE.kills + 1;
      const waveSize = Math.ceil(events.length / waves);
      const rand = seededRandom(SEED);
      const worker = new Worker({
        endpoint: s.dynamo.endpoint,
        prefix,
        brokers: s.kafka!.brokers,
        topic,
        dlqTopic,
        groupId: `ingest-kill-${process.pid}`,
        smtpPort: s.smtp.port,
        commitIntervalMs: 2000,
      });
      const seen: Record<string, number> = {};
      const add = (o: Record<string, number>) => Object.entries(o).forEach(([k, v]) => (seen[k] = (seen[k] ?? 0) + v));

      // Act: a wave is produced, the consumer gets into it, and is killed at a random point;
      // the next consumer process takes over from the committed offsets.
      await worker.start();
      for (let w = 0; w < waves; w++) {
        const wave = events.slice(w * waveSize, (w + 1) * waveSize);
        const last = w === waves - 1;
        // The kill is pinned to the worst moment: after a few flight writes of this wave, inside a
        // chunk whose writes are committed and whose offsets are not resolved (see ingest-worker.ts).
        const held = last ? null : worker.until('held', 180_000);
        if (!last) worker.proc!.send({ t: 'hold', after: Math.floor(rand() * 6) });
        // Unkeyed, like FlightPulse: one flight's events spread over the partitions.
        await produce(s.kafka!.brokers, topic, wave.map((e) => e.value));
        if (!held) break;
        await held;
        add(worker.last.outcomes);
        await worker.kill();
        await worker.start();
      }
      // Every event has its marker (scanned: DynamoDB is the truth, not the consumer's counters).
      await eventually(async () => (await scanPrefix('EVENT#')).length >= events.length, SOAK ? 900_000 : 240_000, 1000);
      const idle = worker.until('idle', 300_000);
      worker.proc!.send({ t: 'idle' });
      await idle;
      add(worker.last.outcomes);
      await worker.stop();

      // Assess 1: exactly one marker per event id, none other.
      const markers = await scanPrefix('EVENT#');
      expect(markers).toHaveLength(events.length);
      expect(new Set(markers.map((m) => m.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
      // The kills did make Kafka deliver applied records again, and they changed nothing.
      expect(seen.duplicate ?? 0).toBeGreaterThan(0);
      expect(seen['dead-lettered'] ?? 0).toBe(0);
      expect(await readTopic(s.kafka!.brokers, dlqTopic, 1, 3000)).toEqual([]);

      // The logs are read from here on. A consumer killed between reserving a sequence and
      // committing left a hole: readers void it once it is older than the hole timeout (shortened
      // here; the last kill may be only seconds old), and then read on past it.
      process.env.JETWAY_LOG_HOLE_SECONDS = '1';
      onTestFinished(() => void delete process.env.JETWAY_LOG_HOLE_SECONDS);
      await new Promise((r) => setTimeout(r, 1100));

      // Assess 2: each disruption counts each of its events once; its last change-log entry says so.
      for (const f of FLIGHTS) {
        const produced = events.filter((e) => e.flight === f).length;
        const d = await getDisruption(ctx, fpInstance(f));
        expect(d, f).toMatchObject({ eventCount: produced, version: produced });
        const flight = (await getFlight(ctx, fpInstance(f)))!;
        const log = await readAll(flight.origin);
        const last = log.flatMap((e) => e.changes).filter((c) => c.kind === 'disruption' && c.id === d!.id).at(-1);
        expect(last?.version, f).toBe(produced);
      }

      // Assess 3: every booking of a flight that needs cases has exactly one case; no case for another flight.
      const cases = (await scanPrefix('CASE#')).filter((it) => it.SK === 'META').map((it) => CaseSchema.parse(stripKeys(it)));
      const perBooking = new Map<string, number>();
      for (const c of cases) perBooking.set(c.bookingId, (perBooking.get(c.bookingId) ?? 0) + 1);
      expect([...perBooking.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const seed = flightpulseData(EXTRA_ON_SW9012);
      let needing = 0;
      let expected = 0;
      for (const f of FLIGHTS) {
        const d = (await getDisruption(ctx, fpInstance(f)))!;
        const booked = seed.bookings.filter((b) => b.flightId === fpInstance(f));
        if (!needsCases(d)) continue;
        needing++;
        expected += booked.length;
        for (const b of booked) {
          const c = cases.find((x) => x.id === caseId(fpInstance(f), b.passengerId));
          expect(c, `${f} ${b.passengerId}`).toMatchObject({ bookingId: b.id, flightId: fpInstance(f) });
        }
      }
      expect(needing).toBeGreaterThan(0);
      expect(cases.length).toBe(expected);

      // Assess 4: every station's log is gap-free, 1..head (the holes the kills left voided, above).
      for (const st of new Set(seed.flights.flatMap((f) => [f.origin, f.destination]))) {
        const log = await readAll(st);
        expect(log.map((e) => e.seq), st).toEqual(Array.from({ length: await readHead(ctx, st) }, (_, i) => i + 1));
      }
      console.info(`ingest-kill: ${events.length} events, ${SIZE.kills} kills, outcomes seen ${JSON.stringify(seen)}, ${cases.length} cases`);
    },
    SOAK ? 1_800_000 : 600_000,
  );
});

async function readAll(station: string) {
  const out: Awaited<ReturnType<typeof readLog>> = [];
  for (let cursor = 0; ; ) {
    const page = await readLog(ctx, station, cursor, 500);
    if (page.length === 0) return out;
    out.push(...page);
    cursor = page.at(-1)!.seq;
  }
}

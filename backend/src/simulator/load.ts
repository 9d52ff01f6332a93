/**
 * Load mode: N FlightPulse events per second, mixed types over the demo flights, for a bounded
 * duration or count. The generator is deterministic for a seed (except timestamps and uuid4 ids,
 * which are real, as FlightPulse's are); the pacing loop is separate so it can be tested with a
 * fake clock.
 */
import {
  buildCancelEvent,
  buildDelayEvent,
  buildGateChangeEvent,
  pythonJsonDumps,
  type FlightPulseReason,
} from './events.js';
import { FLIGHTPULSE_FLIGHTS } from './flights.js';
import type { EventProducer, OutMessage } from './produce.js';

/** Hard bounds: the simulator is a test tool, not a way to flood a shared broker by a typo. */
export const LOAD_LIMITS = { maxRate: 5000, maxDurationSec: 3600, maxCount: 1_000_000, maxBatch: 500 } as const;

const REASONS: readonly FlightPulseReason[] = ['WEATHER', 'MECHANICAL', 'ATC', 'CREW'];

/** mulberry32: tiny seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Next-event function: ~60 % delays (5–300 min), ~15 % cancellations, ~25 % gate changes,
 * spread over `flights` (FlightPulse ids). Values are serialized like FlightPulse's producer.
 */
export function loadEventGenerator(opts: {
  flights?: readonly string[];
  seed?: number;
  at?: () => number;
}): () => OutMessage {
  const flights = opts.flights?.length ? opts.flights : FLIGHTPULSE_FLIGHTS.map((f) => f.flightId);
  const rnd = seededRandom(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const gates = new Map(FLIGHTPULSE_FLIGHTS.map((f) => [f.flightId, f.gate] as const));
  return () => {
    const flightId = pick(flights);
    const roll = rnd();
    const at = opts.at?.();
    const o = at === undefined ? {} : { at };
    let event;
    if (roll < 0.6) {
      event = buildDelayEvent({ flightId, delayMinutes: 5 + Math.floor(rnd() * 296), reason: pick(REASONS) }, o);
    } else if (roll < 0.75) {
      event = buildCancelEvent({ flightId, reason: pick(REASONS) }, o);
    } else {
      const randomGate = () => `${pick(['A', 'B', 'C', 'D'])}${1 + Math.floor(rnd() * 30)}`;
      const oldGate = gates.get(flightId) ?? randomGate();
      const newGate = randomGate();
      gates.set(flightId, newGate);
      event = buildGateChangeEvent({ flightId, oldGate, newGate, terminalChange: oldGate?.[0] !== newGate[0] }, o);
    }
    return { key: null, value: pythonJsonDumps(event) };
  };
}

export interface LoadPlan {
  rate: number;
  durationSec?: number;
  count?: number;
}

/** Validates the bounds and returns the number of events to send. */
export function plannedTotal(p: LoadPlan): number {
  if (!Number.isInteger(p.rate) || p.rate < 1 || p.rate > LOAD_LIMITS.maxRate) {
    throw new Error(`--rate must be an integer 1..${LOAD_LIMITS.maxRate}`);
  }
  if (p.durationSec === undefined && p.count === undefined)
    throw new Error('--rate needs --duration <seconds> or --count <n>');
  if (p.durationSec !== undefined && !(p.durationSec > 0 && p.durationSec <= LOAD_LIMITS.maxDurationSec)) {
    throw new Error(`--duration must be in (0, ${LOAD_LIMITS.maxDurationSec}] seconds`);
  }
  if (p.count !== undefined && !(Number.isInteger(p.count) && p.count >= 1 && p.count <= LOAD_LIMITS.maxCount)) {
    throw new Error(`--count must be an integer 1..${LOAD_LIMITS.maxCount}`);
  }
  const byDuration = p.durationSec === undefined ? Infinity : Math.round(p.rate * p.durationSec);
  return Math.max(1, Math.min(byDuration, p.count ?? Infinity));
}

export interface LoadResult {
  produced: number;
  elapsedMs: number;
  ratePerSec: number;
}

export interface LoadClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LoadClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Sends `plannedTotal(plan)` events paced at `plan.rate`/s: whatever is due is sent as one batch
 * (at most LOAD_LIMITS.maxBatch), so a slow broker lowers the achieved rate rather than piling up
 * unbounded in memory. `onProgress` is called about once a second.
 */
export async function runLoad(
  producer: Pick<EventProducer, 'send'>,
  next: () => OutMessage,
  plan: LoadPlan,
  opts: {
    onProgress?: (p: { produced: number; total: number; elapsedMs: number }) => void;
    signal?: AbortSignal;
    clock?: LoadClock;
  } = {},
): Promise<LoadResult> {
  const total = plannedTotal(plan);
  const clock = opts.clock ?? realClock;
  const start = clock.now();
  let produced = 0;
  let lastProgress = start;
  while (produced < total && !opts.signal?.aborted) {
    const elapsed = clock.now() - start;
    const due = Math.min(total, Math.floor((plan.rate * elapsed) / 1000) + 1);
    if (due > produced) {
      const n = Math.min(due - produced, LOAD_LIMITS.maxBatch);
      const batch: OutMessage[] = [];
      for (let i = 0; i < n; i++) batch.push(next());
      await producer.send(batch);
      produced += n;
    } else {
      const waitMs = (produced * 1000) / plan.rate - elapsed;
      await clock.sleep(Math.max(1, Math.min(100, waitMs)));
    }
    const t = clock.now();
    if (t - lastProgress >= 1000) {
      lastProgress = t;
      opts.onProgress?.({ produced, total, elapsedMs: t - start });
    }
  }
  const elapsedMs = Math.max(1, clock.now() - start);
  return { produced, elapsedMs, ratePerSec: (produced * 1000) / elapsedMs };
}

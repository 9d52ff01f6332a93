/**
 * Policy engine throughput on one core, warm: parseClaimCase(JSON text) → evaluate → explainDecision,
 * over a varied mix of cases from every bundled regime (delays, cancellations, denied boarding,
 * downgrades, baggage; court-case shapes; unknown airport/carrier). Run: `npm run bench -- policy`
 * or `npx tsx bench/policy.ts`.
 */
import { pathToFileURL } from 'node:url';
import { defaultPolicySet, evaluate, explainDecision, parseClaimCase } from '../src/shared/policy/index.js';

const MIN = 60_000;

interface Mix {
  route: string;
  carrier: string | string[];
  kind?: string;
  arr?: number;
  dep?: number;
  cause?: string | null;
  notice?: number;
  reroute?: [number, number];
  tier?: string;
  fare?: [number, string];
  choice?: string;
  fx?: boolean;
  ec?: number;
  date?: string;
}

// Block times are fixed per route length class so the bench does not depend on test helpers.
function caseJson(m: Mix, i: number): string {
  const codes = m.route.split('-');
  let t = Date.parse(m.date ?? '2025-06-10T08:00:00Z') + (i % 7) * 3_600_000;
  const segments = [];
  for (let k = 0; k < codes.length - 1; k++) {
    const block = 95 + ((k * 37 + codes[k]!.charCodeAt(0)) % 400);
    segments.push({
      carrier: Array.isArray(m.carrier) ? m.carrier[k] : m.carrier,
      flightNumber: String(100 + k),
      origin: codes[k],
      destination: codes[k + 1],
      scheduledDeparture: new Date(t).toISOString(),
      scheduledArrival: new Date(t + block * MIN).toISOString(),
    } as Record<string, unknown>);
    t += (block + 60) * MIN;
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const sd = Date.parse(first.scheduledDeparture as string);
  const sa = Date.parse(last.scheduledArrival as string);
  if (m.dep !== undefined) first.actualDeparture = new Date(sd + m.dep * MIN).toISOString();
  if (m.arr !== undefined) last.actualArrivalDoorOpen = new Date(sa + m.arr * MIN).toISOString();
  const c: Record<string, unknown> = { caseId: `B-${i}`, kind: m.kind ?? 'DELAY', segments };
  if (m.cause !== undefined) c.cause = { code: m.cause, ...(m.ec ? { extraordinaryMinutes: m.ec } : {}) };
  if (m.notice !== undefined) c.notifiedAt = new Date(sd - m.notice * MIN).toISOString();
  if (m.reroute)
    c.reroute = {
      departure: new Date(sd + m.reroute[0] * MIN).toISOString(),
      arrival: new Date(sa + m.reroute[1] * MIN).toISOString(),
    };
  if (m.tier) c.tier = m.tier;
  if (m.fare) c.fare = { amountMinor: m.fare[0], currency: m.fare[1] };
  if (m.choice) c.choice = m.choice;
  if (m.fx) c.fxRates = { 'EUR/TRY': '35.5' };
  return JSON.stringify(c);
}

const MIX: Mix[] = [
  { route: 'FRA-JFK', carrier: 'LH', arr: 300, dep: 290, cause: 'MECHANICAL' },
  { route: 'FRA-JFK', carrier: 'LH', arr: 210, dep: 200, cause: 'TECHNICAL' },
  { route: 'CDG-AMS', carrier: 'AF', arr: 185, dep: 180, cause: 'CREW' },
  { route: 'CDG-AMS', carrier: 'AF', arr: 179, dep: 170, cause: 'WEATHER' },
  { route: 'FCO-BRU-HAM', carrier: 'SN', arr: 200, dep: 150, cause: 'MECHANICAL' },
  { route: 'BER-CMN-AGA', carrier: 'AT', arr: 245, dep: 250, cause: 'TECHNICAL' },
  { route: 'PRG-AUH-BKK', carrier: ['OK', 'EY'], arr: 480, dep: 30, cause: 'TECHNICAL' },
  { route: 'BOJ-OSR', carrier: 'OK', arr: 320, dep: 320, cause: 'BIRD_STRIKE', ec: 120 },
  { route: 'WAW-FUE', carrier: 'LO', arr: 270, dep: 260, cause: 'MECHANICAL' },
  { route: 'FAO-DUB', carrier: 'FR', kind: 'CANCELLATION', notice: 30, cause: 'VOLCANIC_ASH', reroute: [4320, 4320] },
  { route: 'BCN-HEL', carrier: 'AY', kind: 'DENIED_BOARDING', cause: 'STRIKE_THIRD_PARTY', reroute: [120, 150] },
  { route: 'FRA-JFK', carrier: 'LH', kind: 'CANCELLATION', notice: 14400, cause: 'TECHNICAL', reroute: [-60, 240] },
  { route: 'CDG-RUN', carrier: 'AF', kind: 'DOWNGRADE', fare: [100001, 'EUR'] },
  { route: 'LHR-JFK', carrier: 'BA', arr: 210, dep: 200, cause: 'MECHANICAL' },
  { route: 'LHR-CDG', carrier: 'AF', arr: 190, dep: 185, cause: 'MECHANICAL' },
  { route: 'EDI-LHR', carrier: 'BA', kind: 'DENIED_BOARDING', reroute: [60, 90] },
  { route: 'YYZ-YVR', carrier: 'AC', arr: 400, dep: 390, cause: 'CREW' },
  { route: 'YVR-YZT', carrier: '8P', arr: 600, dep: 590, cause: 'MECHANICAL' },
  { route: 'YUL-YYZ', carrier: 'AC', kind: 'DENIED_BOARDING', cause: 'MECHANICAL', reroute: [400, 420] },
  { route: 'FRA-YYZ', carrier: 'LH', arr: 600, dep: 600, cause: 'MECHANICAL' },
  { route: 'YYZ-YUL', carrier: 'ZZ', arr: 240, dep: 230, cause: 'MECHANICAL' },
  { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], reroute: [170, 180] },
  { route: 'JFK-LHR', carrier: 'AA', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], reroute: [170, 180] },
  {
    route: 'PHX-DAL',
    carrier: 'SW',
    kind: 'CANCELLATION',
    fare: [25000, 'USD'],
    choice: 'refund',
    cause: 'MECHANICAL',
    tier: 'A-LIST PREFERRED',
  },
  { route: 'PHX-OAK', carrier: 'SW', dep: 130, arr: 120, tier: 'A-LIST', cause: 'WEATHER' },
  { route: 'PHX-OAK', carrier: 'SW', dep: 600, arr: 600, tier: 'MEMBER', cause: 'CREW', date: '2025-06-10T04:00:00Z' },
  { route: 'FRA-JFK', carrier: 'LH', kind: 'BAGGAGE_LOST' },
  { route: 'IST-ESB', carrier: 'TK', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL', fx: true },
  { route: 'IST-FRA', carrier: 'TK', kind: 'DENIED_BOARDING', reroute: [60, 100], fx: true },
  { route: 'DEL-BOM', carrier: '6E', kind: 'CANCELLATION', notice: 2880, cause: 'CREW', fare: [800000, 'INR'] },
  { route: 'DEL-BOM', carrier: 'AI', kind: 'DENIED_BOARDING', fare: [400000, 'INR'], reroute: [300, 300] },
  { route: 'TLV-ATH', carrier: 'LY', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
  { route: 'TLV-JFK', carrier: 'LY', dep: 480, arr: 480, cause: 'TECHNICAL' },
  { route: 'GRU-GIG', carrier: 'G3', dep: 300, arr: 290, cause: 'WEATHER', date: '2025-06-10T23:00:00Z' },
  { route: 'ZZZ-FRA', carrier: 'DL', arr: 300, dep: 290, cause: 'MECHANICAL' },
  { route: 'MNL-DXB-DUS', carrier: 'EK', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
];

/** The bench's case texts (also used by the profiling helpers). */
export function benchCaseTexts(): string[] {
  const texts: string[] = [];
  for (let i = 0; i < MIX.length * 7; i++) texts.push(caseJson(MIX[i % MIX.length]!, i));
  return texts;
}

export default async function run(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const p = defaultPolicySet();
  // 7 time-of-day variants per mix entry: 252 distinct case texts.
  const texts = benchCaseTexts();
  let sink = 0;
  const once = (i: number): void => {
    const d = evaluate(parseClaimCase(texts[i % texts.length]!), p);
    sink += explainDecision(d).length + d.entitlements.length;
  };
  // Warm up (JIT, airport/distance/time-zone caches), then measure for a fixed wall time.
  const warmUntil = performance.now() + 1500;
  let i = 0;
  while (performance.now() < warmUntil) for (let k = 0; k < 1000; k++) once(i++);
  const measureMs = Number(process.env.BENCH_POLICY_MS ?? 4000);
  // The denominator is this process's CPU time (user + system), not wall time: on a shared machine
  // other processes steal the core, and the figure is "evaluations per second of one core".
  // GC helper threads also count here, so the figure is conservative.
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let t1 = t0;
  while (t1 - t0 < measureMs) {
    for (let k = 0; k < 2000; k++) once(n++);
    t1 = performance.now();
  }
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (sink === 0) throw new Error('unreachable: keeps the work observable');
  if (process.env.BENCH_VERBOSE)
    console.error(
      `policy bench: ${n} evaluations, wall ${Math.round(t1 - t0)} ms, cpu ${Math.round(cpuMs)} ms, wall rate ${Math.round((n / (t1 - t0)) * 1000)}/s`,
    );
  return {
    'policy.evaluations_per_second': { value: Math.round((n / cpuMs) * 1000), unit: 'evals/s', target: '>= 200000' },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && !process.env.NO_BENCH_MAIN) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}

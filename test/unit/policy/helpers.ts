import { airportByIata, greatCircleKm } from '../../../src/shared/reference/index.js';
import {
  parseClaimCase,
  type ClaimCase,
  type Decision,
  type DecisionEntitlement,
} from '../../../src/shared/policy/index.js';

const MIN = 60_000;

/** Case factory: a journey along `route` ('FCO-BRU-HAM') with times derived from the distance. */
export interface CaseSpec {
  route: string;
  carrier?: string | string[];
  kind?: ClaimCase['kind'];
  date?: string; // scheduled departure of the first leg, ISO
  /** Arrival delay (door-open) at the final destination, minutes. */
  arr?: number;
  /** Door-open missing: on-block delay in minutes instead. */
  onBlock?: number;
  /** Departure delay of the disrupted leg, minutes (actualDeparture). */
  dep?: number;
  cause?: string | null;
  ecMinutes?: number;
  override?: 'within_control' | 'within_control_safety' | 'extraordinary';
  /** Notice before the scheduled departure of the disrupted leg, minutes. */
  notice?: number;
  /** Re-routing: departure relative to the scheduled departure, arrival relative to the final scheduled arrival (minutes). */
  reroute?: { dep: number; arr: number };
  tier?: string;
  fare?: [number, string];
  choice?: 'refund' | 'reroute';
  volunteer?: boolean;
  overnight?: boolean;
  fx?: Record<string, string>;
  disrupted?: number;
  blockMin?: number;
  caseId?: string;
}

export function blockFor(o: string, d: string): number {
  const a = airportByIata(o);
  const b = airportByIata(d);
  if (!a || !b) return 120;
  return Math.round((greatCircleKm(a, b) / 750) * 60) + 30;
}

export function makeCase(s: CaseSpec): ClaimCase {
  return parseClaimCase(rawCase(s));
}

export function rawCase(s: CaseSpec): Record<string, unknown> {
  const codes = s.route.split('-');
  const carriers = Array.isArray(s.carrier)
    ? s.carrier
    : codes.slice(1).map(() => (s.carrier as string | undefined) ?? 'LH');
  let t = Date.parse(s.date ?? '2025-06-10T08:00:00Z');
  const segments: Record<string, unknown>[] = [];
  for (let i = 0; i < codes.length - 1; i++) {
    const block = s.blockMin ?? blockFor(codes[i]!, codes[i + 1]!);
    segments.push({
      carrier: carriers[i] ?? carriers[0],
      flightNumber: String(100 + i),
      origin: codes[i],
      destination: codes[i + 1],
      scheduledDeparture: new Date(t).toISOString(),
      scheduledArrival: new Date(t + block * MIN).toISOString(),
    });
    t += (block + 60) * MIN;
  }
  const di = s.disrupted ?? 0;
  const dseg = segments[di]!;
  const last = segments[segments.length - 1]!;
  const schedDep = Date.parse(dseg.scheduledDeparture as string);
  const schedArr = Date.parse(last.scheduledArrival as string);
  if (s.dep !== undefined) dseg.actualDeparture = new Date(schedDep + s.dep * MIN).toISOString();
  if (s.arr !== undefined) last.actualArrivalDoorOpen = new Date(schedArr + s.arr * MIN).toISOString();
  if (s.onBlock !== undefined) last.actualArrivalOnBlock = new Date(schedArr + s.onBlock * MIN).toISOString();
  const c: Record<string, unknown> = { kind: s.kind ?? 'DELAY', segments, disruptedSegment: di };
  if (s.caseId) c.caseId = s.caseId;
  if (s.cause !== undefined || s.ecMinutes !== undefined || s.override)
    c.cause = {
      code: s.cause ?? null,
      ...(s.ecMinutes !== undefined ? { extraordinaryMinutes: s.ecMinutes } : {}),
      ...(s.override ? { override: s.override } : {}),
    };
  if (s.notice !== undefined) c.notifiedAt = new Date(schedDep - s.notice * MIN).toISOString();
  if (s.reroute)
    c.reroute = {
      departure: new Date(schedDep + s.reroute.dep * MIN).toISOString(),
      arrival: new Date(schedArr + s.reroute.arr * MIN).toISOString(),
    };
  if (s.tier) c.tier = s.tier;
  if (s.fare) c.fare = { amountMinor: s.fare[0], currency: s.fare[1] };
  if (s.choice) c.choice = s.choice;
  if (s.volunteer !== undefined) c.volunteer = s.volunteer;
  if (s.overnight !== undefined) c.overnight = s.overnight;
  if (s.fx) c.fxRates = s.fx;
  return c;
}

export function entitlement(d: Decision, regime: string, type: string): DecisionEntitlement | undefined {
  return d.entitlements.find((e) => e.regime === regime && e.type === type);
}

export function allClauseIds(d: Decision): string[] {
  return [
    ...d.regimes.flatMap((r) => r.clauses.map((c) => c.id)),
    ...d.entitlements.flatMap((e) => e.clauses.map((c) => c.id)),
  ];
}

/** Sum of a regime's payable cash (minor units), 0 if none. */
export function payableCash(d: Decision, regime: string): number {
  return d.entitlements
    .filter((e) => e.regime === regime && e.type === 'cash' && e.payable && e.amount)
    .reduce((s, e) => s + e.amount!.amountMinor, 0);
}

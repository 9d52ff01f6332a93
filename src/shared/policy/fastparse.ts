import { regexes } from 'zod/v4/core';
import type { ClaimCase } from './schema.js';

/**
 * Hand-written fast path of ClaimCaseSchema for the hot loop (simulation, workflow batches): it
 * returns exactly what `ClaimCaseSchema.parse` would, or null when anything is off — then the zod
 * schema parses again and produces the error message. So zod stays the single source of truth for
 * errors, and a test checks that whenever this accepts, the result equals zod's.
 */

const DATETIME = regexes.datetime({ offset: true, local: false, precision: null } as Parameters<
  typeof regexes.datetime
>[0]);
const FX_KEY = /^[A-Z]{3}\/[A-Z]{3}$/;
const FX_VALUE = /^\d+(\.\d{1,8})?$/;
const KINDS = new Set([
  'DELAY',
  'CANCELLATION',
  'DENIED_BOARDING',
  'DOWNGRADE',
  'DIVERSION',
  'BAGGAGE_DELAYED',
  'BAGGAGE_LOST',
  'BAGGAGE_DAMAGED',
]);
const CABINS = new Set(['economy', 'premium_economy', 'business', 'first']);
const OVERRIDES = new Set(['within_control', 'within_control_safety', 'extraordinary']);

// Character-class checks by hand (a regex call per field costs more than the rest of the check).
function upper3(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const c = v.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}
function carrierCode(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 2) return false;
  for (let i = 0; i < 2; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}
function flightNo(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n < 1 || n > 5) return false;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57 && i === digits) digits++;
    else if (!(i === n - 1 && c >= 65 && c <= 90 && digits > 0)) return false;
  }
  return digits >= 1 && digits <= 4;
}

const FAIL = Symbol('fail');
type R<T> = T | typeof FAIL;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
/** The common shapes `YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)` checked by hand; anything unusual goes to the zod regex. */
function dt(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (
    n < 20 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58
  )
    return DATETIME.test(v);
  // Each two-digit field read once (-1 when not two digits).
  const y1 = dd(v, 0);
  const y2 = dd(v, 2);
  const mo = dd(v, 5);
  const d = dd(v, 8);
  const h = dd(v, 11);
  const mi = dd(v, 14);
  const sec = dd(v, 17);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return false;
  const y = y1 * 100 + y2;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 ? (leap ? 29 : 28) : MONTH_DAYS[mo]!)) return false;
  let i = 19;
  if (v.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < n && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
    if (i === start) return false;
  }
  if (i === n - 1) return v.charCodeAt(i) === 90; // Z
  if (i !== n - 6) return false;
  const sign = v.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || v.charCodeAt(i + 3) !== 58) return false;
  const oh = dd(v, i + 1);
  const om = dd(v, i + 4);
  return oh >= 0 && oh <= 23 && om >= 0 && om <= 59;
}
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The two-digit number at i, or -1 unless both characters are digits. */
function dd(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
function money(v: unknown): R<{ amountMinor: number; currency: string }> {
  if (!isObj(v) || !isInt(v.amountMinor) || v.amountMinor < 0 || !upper3(v.currency)) return FAIL;
  return { amountMinor: v.amountMinor, currency: v.currency };
}

function segment(v: unknown): R<ClaimCase['segments'][number]> {
  if (!isObj(v)) return FAIL;
  return segmentOf(v);
}

// JSON.parse output: the fields are read with one for-in pass into a fixed-shape scratch record, so the
// checks below load from one object shape instead of probing every optional key of many input shapes
// (megamorphic loads). Plain data objects only: same values as reading the keys directly.
const SEG_KEYS = [
  'carrier',
  'flightNumber',
  'origin',
  'destination',
  'scheduledDeparture',
  'scheduledArrival',
  'marketingCarrier',
  'expectedDeparture',
  'actualDeparture',
  'actualArrivalDoorOpen',
  'actualArrivalOnBlock',
  'seats',
] as const;
const CASE_KEYS = [
  'caseId',
  'passengerId',
  'tier',
  'fare',
  'cabinBooked',
  'cabinFlown',
  'segments',
  'disruptedSegment',
  'kind',
  'cause',
  'notifiedAt',
  'departureDelayMinutes',
  'arrivalDelayMinutes',
  'reroute',
  'choice',
  'volunteer',
  'overnight',
  'fxRates',
  'compensatedElsewhere',
] as const;
function scratch(keys: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const k of keys) o[k] = undefined;
  return o;
}
const SEG = scratch(SEG_KEYS);
const CASE = scratch(CASE_KEYS);

function segmentParsed(v: unknown): R<ClaimCase['segments'][number]> {
  if (!isObj(v)) return FAIL;
  const t = SEG;
  t.carrier = undefined;
  t.flightNumber = undefined;
  t.origin = undefined;
  t.destination = undefined;
  t.scheduledDeparture = undefined;
  t.scheduledArrival = undefined;
  t.marketingCarrier = undefined;
  t.expectedDeparture = undefined;
  t.actualDeparture = undefined;
  t.actualArrivalDoorOpen = undefined;
  t.actualArrivalOnBlock = undefined;
  t.seats = undefined;
  for (const k in v) {
    const x = v[k];
    switch (k) {
      case 'carrier':
        t.carrier = x;
        break;
      case 'flightNumber':
        t.flightNumber = x;
        break;
      case 'origin':
        t.origin = x;
        break;
      case 'destination':
        t.destination = x;
        break;
      case 'scheduledDeparture':
        t.scheduledDeparture = x;
        break;
      case 'scheduledArrival':
        t.scheduledArrival = x;
        break;
      case 'actualDeparture':
        t.actualDeparture = x;
        break;
      case 'actualArrivalDoorOpen':
        t.actualArrivalDoorOpen = x;
        break;
      case 'expectedDeparture':
        t.expectedDeparture = x;
        break;
      case 'actualArrivalOnBlock':
        t.actualArrivalOnBlock = x;
        break;
      case 'marketingCarrier':
        t.marketingCarrier = x;
        break;
      case 'seats':
        t.seats = x;
        break;
    }
  }
  return segmentOf(t);
}

/** ClaimCaseSchema's output for `v` (JSON.parse output: plain data objects), or null (see fastClaimCase). */
export function fastClaimCaseParsed(v: unknown): ClaimCase | null {
  if (!isObj(v)) return null;
  const t = CASE;
  t.caseId = undefined;
  t.passengerId = undefined;
  t.tier = undefined;
  t.fare = undefined;
  t.cabinBooked = undefined;
  t.cabinFlown = undefined;
  t.segments = undefined;
  t.disruptedSegment = undefined;
  t.kind = undefined;
  t.cause = undefined;
  t.notifiedAt = undefined;
  t.departureDelayMinutes = undefined;
  t.arrivalDelayMinutes = undefined;
  t.reroute = undefined;
  t.choice = undefined;
  t.volunteer = undefined;
  t.overnight = undefined;
  t.fxRates = undefined;
  t.compensatedElsewhere = undefined;
  for (const k in v) {
    const x = v[k];
    switch (k) {
      case 'kind':
        t.kind = x;
        break;
      case 'segments':
        t.segments = x;
        break;
      case 'caseId':
        t.caseId = x;
        break;
      case 'cause':
        t.cause = x;
        break;
      case 'notifiedAt':
        t.notifiedAt = x;
        break;
      case 'reroute':
        t.reroute = x;
        break;
      case 'tier':
        t.tier = x;
        break;
      case 'fare':
        t.fare = x;
        break;
      case 'choice':
        t.choice = x;
        break;
      case 'fxRates':
        t.fxRates = x;
        break;
      case 'disruptedSegment':
        t.disruptedSegment = x;
        break;
      case 'departureDelayMinutes':
        t.departureDelayMinutes = x;
        break;
      case 'arrivalDelayMinutes':
        t.arrivalDelayMinutes = x;
        break;
      case 'volunteer':
        t.volunteer = x;
        break;
      case 'overnight':
        t.overnight = x;
        break;
      case 'passengerId':
        t.passengerId = x;
        break;
      case 'cabinBooked':
        t.cabinBooked = x;
        break;
      case 'cabinFlown':
        t.cabinFlown = x;
        break;
      case 'compensatedElsewhere':
        t.compensatedElsewhere = x;
        break;
    }
  }
  return claimCaseOf(t, true);
}

function segmentOf(v: Record<string, unknown>): R<ClaimCase['segments'][number]> {
  const { carrier, flightNumber, origin, destination, scheduledDeparture, scheduledArrival } = v;
  if (!carrierCode(carrier) || !flightNo(flightNumber) || !upper3(origin) || !upper3(destination)) return FAIL;
  if (!dt(scheduledDeparture) || !dt(scheduledArrival)) return FAIL;
  const out: ClaimCase['segments'][number] = {
    carrier,
    flightNumber,
    origin,
    destination,
    scheduledDeparture: scheduledDeparture as string,
    scheduledArrival: scheduledArrival as string,
  };
  if (v.marketingCarrier !== undefined) {
    if (!carrierCode(v.marketingCarrier)) return FAIL;
    out.marketingCarrier = v.marketingCarrier;
  }
  // Unrolled: a keyed load in a loop over names is a slow generic lookup on these varied shapes.
  const ed = v.expectedDeparture;
  if (ed !== undefined) {
    if (ed !== null && !dt(ed)) return FAIL;
    out.expectedDeparture = ed as string | null;
  }
  const ad = v.actualDeparture;
  if (ad !== undefined) {
    if (ad !== null && !dt(ad)) return FAIL;
    out.actualDeparture = ad as string | null;
  }
  const door = v.actualArrivalDoorOpen;
  if (door !== undefined) {
    if (door !== null && !dt(door)) return FAIL;
    out.actualArrivalDoorOpen = door as string | null;
  }
  const ob = v.actualArrivalOnBlock;
  if (ob !== undefined) {
    if (ob !== null && !dt(ob)) return FAIL;
    out.actualArrivalOnBlock = ob as string | null;
  }
  if (v.seats !== undefined) {
    if (!isInt(v.seats) || v.seats <= 0) return FAIL;
    out.seats = v.seats;
  }
  return out;
}

/** ClaimCaseSchema's output for `v`, or null if `v` is not plainly valid (caller falls back to zod). */
export function fastClaimCase(v: unknown): ClaimCase | null {
  if (!isObj(v)) return null;
  return claimCaseOf(v, false);
}

function claimCaseOf(v: Record<string, unknown>, parsed: boolean): ClaimCase | null {
  const kind = v.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return null;
  const segs = v.segments;
  if (!Array.isArray(segs) || segs.length < 1 || segs.length > 8) return null;
  const segments: ClaimCase['segments'] = [];
  for (const s of segs) {
    const r = parsed ? segmentParsed(s) : segment(s);
    if (r === FAIL) return null;
    segments.push(r);
  }
  let disruptedSegment = 0;
  if (v.disruptedSegment !== undefined) {
    if (!isInt(v.disruptedSegment) || v.disruptedSegment < 0) return null;
    disruptedSegment = v.disruptedSegment;
  }
  let cause: ClaimCase['cause'] = { code: null };
  if (v.cause !== undefined) {
    const c = v.cause;
    if (!isObj(c) || !('code' in c) || (c.code !== null && typeof c.code !== 'string')) return null;
    cause = { code: c.code as string | null };
    if (c.override !== undefined) {
      if (typeof c.override !== 'string' || !OVERRIDES.has(c.override)) return null;
      cause.override = c.override as NonNullable<ClaimCase['cause']['override']>;
    }
    if (c.extraordinaryMinutes !== undefined) {
      if (!isInt(c.extraordinaryMinutes) || c.extraordinaryMinutes < 0) return null;
      cause.extraordinaryMinutes = c.extraordinaryMinutes;
    }
  }
  const out = { segments, disruptedSegment, kind: kind as ClaimCase['kind'], cause } as ClaimCase;
  if (v.caseId !== undefined) {
    if (typeof v.caseId !== 'string') return null;
    out.caseId = v.caseId;
  }
  if (v.passengerId !== undefined) {
    if (typeof v.passengerId !== 'string') return null;
    out.passengerId = v.passengerId;
  }
  if (v.tier !== undefined) {
    if (v.tier !== null && typeof v.tier !== 'string') return null;
    out.tier = v.tier;
  }
  if (v.fare !== undefined) {
    if (v.fare === null) out.fare = null;
    else {
      const m = money(v.fare);
      if (m === FAIL) return null;
      out.fare = m;
    }
  }
  if (v.cabinBooked !== undefined) {
    if (typeof v.cabinBooked !== 'string' || !CABINS.has(v.cabinBooked)) return null;
    out.cabinBooked = v.cabinBooked as ClaimCase['cabinBooked'];
  }
  if (v.cabinFlown !== undefined) {
    if (typeof v.cabinFlown !== 'string' || !CABINS.has(v.cabinFlown)) return null;
    out.cabinFlown = v.cabinFlown as ClaimCase['cabinFlown'];
  }
  if (v.notifiedAt !== undefined) {
    if (v.notifiedAt !== null && !dt(v.notifiedAt)) return null;
    out.notifiedAt = v.notifiedAt as string | null;
  }
  if (v.departureDelayMinutes !== undefined) {
    if (!isInt(v.departureDelayMinutes) || v.departureDelayMinutes < 0) return null;
    out.departureDelayMinutes = v.departureDelayMinutes;
  }
  if (v.arrivalDelayMinutes !== undefined) {
    if (!isInt(v.arrivalDelayMinutes)) return null;
    out.arrivalDelayMinutes = v.arrivalDelayMinutes;
  }
  if (v.reroute !== undefined) {
    const r = v.reroute;
    if (r === null) out.reroute = null;
    else {
      if (!isObj(r) || !dt(r.departure) || !dt(r.arrival)) return null;
      out.reroute = { departure: r.departure as string, arrival: r.arrival as string };
    }
  }
  if (v.choice !== undefined) {
    if (v.choice !== null && v.choice !== 'reroute' && v.choice !== 'refund') return null;
    out.choice = v.choice;
  }
  if (v.volunteer !== undefined) {
    if (typeof v.volunteer !== 'boolean') return null;
    out.volunteer = v.volunteer;
  }
  if (v.overnight !== undefined) {
    if (typeof v.overnight !== 'boolean') return null;
    out.overnight = v.overnight;
  }
  if (v.fxRates !== undefined) {
    const f = v.fxRates;
    if (!isObj(f)) return null;
    const rates: Record<string, string> = {};
    for (const key of Object.keys(f)) {
      const val = f[key];
      if (!FX_KEY.test(key) || typeof val !== 'string' || !FX_VALUE.test(val)) return null;
      rates[key] = val;
    }
    out.fxRates = rates;
  }
  if (v.compensatedElsewhere !== undefined) {
    const l = v.compensatedElsewhere;
    if (!Array.isArray(l)) return null;
    const items: NonNullable<ClaimCase['compensatedElsewhere']> = [];
    for (const e of l) {
      if (!isObj(e) || typeof e.regime !== 'string') return null;
      const m = money(e.amount);
      if (m === FAIL) return null;
      items.push({ regime: e.regime, amount: m });
    }
    out.compensatedElsewhere = items;
  }
  return out;
}

import { percentOf, type Money } from '../money.js';
import { airportByIata, greatCircleKm, type AirportRef } from '../reference/airports.js';
import {
  CAUSE_BIT,
  KIND_INDEX,
  METRIC_INDEX,
  type ActivePolicy,
  type CarrierRef,
  type CompiledAssistance,
  type CompiledBand,
  type CompiledScope,
  type CompiledCondition,
  type CompiledRegime,
  type CompiledRowBase,
  type PolicySet,
  type Template,
  TEMPLATE_VARS,
  carrierRef,
} from './compile.js';
import type {
  YieldRule,
  AmountSpec,
  CauseCategory,
  ClaimCase,
  Clause,
  Decision,
  DecisionEntitlement,
  DisruptionKind,
  RegimeOutcome,
} from './schema.js';

/**
 * The interpreter: evaluates a claim case against the policy documents in force at the disrupted
 * flight's scheduled departure. Pure and deterministic (no clock, no I/O); every regime's rules are data,
 * only generic doctrines live here (scope tri-state logic, first-match tables, primary-regime selection,
 * Art 12-style deduction, partial attribution, currency conversion at a supplied rate).
 */

const M_DISTANCE = METRIC_INDEX.distanceKm!;
const M_ARRIVAL = METRIC_INDEX.arrivalDelayMin!;
const M_COMPENSABLE = METRIC_INDEX.compensableDelayMin!;
const M_DEPARTURE = METRIC_INDEX.departureDelayMin!;
const M_NOTICE = METRIC_INDEX.noticeMin!;
const M_RR_ARR = METRIC_INDEX.rerouteArrivalDelayMin!;
const M_RR_ADV = METRIC_INDEX.rerouteDepartureAdvanceMin!;
const M_RR_DEP = METRIC_INDEX.rerouteDepartureDelayMin!;
const M_BLOCK = METRIC_INDEX.blockMin!;
const METRIC_COUNT = Object.keys(METRIC_INDEX).length;

const MISSING_DATUM: string[] = [];
MISSING_DATUM[M_DISTANCE] = 'distance (airport coordinates)';
MISSING_DATUM[M_ARRIVAL] =
  'arrival time at the final destination (actualArrivalDoorOpen, reroute.arrival or arrivalDelayMinutes)';
MISSING_DATUM[M_COMPENSABLE] = MISSING_DATUM[M_ARRIVAL]!;
MISSING_DATUM[M_DEPARTURE] =
  'expected or actual departure time (expectedDeparture, actualDeparture or departureDelayMinutes)';
MISSING_DATUM[M_NOTICE] = 'time the passenger was informed (notifiedAt)';
MISSING_DATUM[M_RR_ARR] = 're-routing offered (reroute.arrival)';
MISSING_DATUM[M_RR_ADV] = 're-routing offered (reroute.departure)';
MISSING_DATUM[M_RR_DEP] = 're-routing offered (reroute.departure)';
MISSING_DATUM[M_BLOCK] = 'scheduled block time';

const MIN = 60_000;

const METRICS_SCRATCH: number[] = [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN];
if (METRICS_SCRATCH.length !== METRIC_COUNT) throw new Error('metric vector out of date');
const VARS_SCRATCH: (string | undefined)[] = new Array<string | undefined>(TEMPLATE_VARS.length).fill(undefined);

interface Ctx {
  c: ClaimCase;
  a: ActivePolicy;
  kind: DisruptionKind;
  /** KIND_INDEX of kind, and its bit. */
  kindIndex: number;
  kindBit: number;
  policyMs: number;
  originCode: string;
  destCode: string;
  origin: AirportRef | null;
  dest: AirportRef | null;
  /** Bit mask of the country groups of the origin / final destination; -1 when the airport is unknown. */
  originMask: number;
  destMask: number;
  m: number[];
  causeCode: string | null;
  causeCategory: CauseCategory;
  /** CAUSE_BIT of causeCategory. */
  causeBit: number;
  causeLabel: string;
  carrierCode: string;
  carrier: CarrierRef | null;
  tier: string | null;
  choice: 'reroute' | 'refund' | 'none';
  volunteer: boolean;
  review: string[];
  nights: number; // -2 not computed, -1 unknown
  /** Title of the regime being evaluated (for review items that name it). */
  regimeTitle: string;
  /** Set by scopeRule when a rule could not be decided because the carrier's licence country is unknown. */
  licenceUnknown: boolean;
  /** Set by scopeOf: the review item about an unknown licence country, or null. */
  scopeReview: string | null;
  /** Set by rowMatches when a row failed only because a datum is missing (the table cannot be decided). */
  undecided: boolean;
  /** Memoised template variable texts by code (see compile.TEMPLATE_VARS). */
  vars: (string | undefined)[];
  schedDepMs: number;
  newDepMs: number;
  /** The route's memo (origin, final destination, carrier). */
  route: RouteMemo;
}

function addReview(ctx: Ctx, msg: string): void {
  if (!ctx.review.includes(msg)) ctx.review.push(msg);
}

// ─────────── local dates (for "overnight") ───────────

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The parts of a local date and time that utcOffsetMinutes reads back. */
const LOCAL_PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
};
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offset in minutes per zone and UTC hour: Intl is slow, and offsets change only on the hour. */
const offsetsByZone = new Map<string, Map<number, number>>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { ...LOCAL_PARTS, timeZone: tz });
    } catch {
      f = new Intl.DateTimeFormat('en-US', { ...LOCAL_PARTS, timeZone: 'UTC' }); // unknown zone: UTC
    }
    formatters.set(tz, f);
  }
  return f;
}

/** UTC offset of the time zone `tz` at the instant `ms`, in minutes (e.g. +60 for Paris in winter). */
function utcOffsetMinutes(tz: string, ms: number): number {
  let byHour = offsetsByZone.get(tz);
  if (!byHour) offsetsByZone.set(tz, (byHour = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    // Format the start of that UTC hour as local wall time, read it back as if it were UTC: the
    // difference is the offset.
    const utc = hour * HOUR_MS;
    const p: Record<string, number> = {};
    for (const part of formatter(tz).formatToParts(new Date(utc)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!);
    offset = Math.round((wall - utc) / MIN);
    byHour.set(hour, offset);
  }
  return offset;
}

/** Days since 1970-01-01 of the local date in `tz` at the instant `ms`. */
function localDay(tz: string, ms: number): number {
  return Math.floor((ms + utcOffsetMinutes(tz, ms) * MIN) / DAY_MS);
}

/** Nights between the scheduled departure and the new departure, in the origin's local dates. */
function nights(ctx: Ctx): number {
  if (ctx.nights !== -2) return ctx.nights;
  let n = -1;
  if (ctx.origin && !Number.isNaN(ctx.newDepMs)) {
    const tz = ctx.origin.tz;
    n = Math.max(0, localDay(tz, ctx.newDepMs) - localDay(tz, ctx.schedDepMs));
  }
  if (ctx.c.overnight !== undefined) n = ctx.c.overnight ? Math.max(1, n) : 0;
  ctx.nights = n;
  return n;
}

// ─────────── context ───────────

const airportCache = new Map<string, AirportRef | null>();
function airport(code: string): AirportRef | null {
  let a = airportCache.get(code);
  if (a === undefined) {
    a = airportByIata(code);
    airportCache.set(code, a);
  }
  return a;
}

/** Reference data of one airport code under one ActivePolicy (cached in ActivePolicy.airportInfo). */
interface AirportInfo {
  ref: AirportRef | null;
  /** Country-group mask of the airport's country; -1 when the airport is unknown. */
  mask: number;
  /** Great-circle km to other airports (keyed by the other airport's info). */
  dist: Map<AirportInfo, number>;
  /** What a journey from this airport decides whatever the case, by final destination and carrier. */
  routes: Map<AirportInfo, Map<string, RouteMemo>>;
}

/**
 * What a journey (origin, final destination, operating carrier) decides under one ActivePolicy whatever
 * the rest of the case: the distance, and per regime and disruption kind its scope rule, bands and the
 * scope and band clauses (frozen, shared by every decision on the route). The same flight produces many
 * cases, so each is worked out once.
 */
interface RouteMemo {
  distance: number;
  carrier: CarrierRef | null;
  /** Per regime (index in ActivePolicy.regimes) × disruption kind (KIND_INDEX), filled on first use. */
  regimes: (RegimeRoute | undefined)[];
  bandClauses: Map<CompiledBand, Clause>;
}

/** One regime on one route for one kind of disruption. */
interface RegimeRoute {
  /** Scope rule that applies; null: none applies; undefined: undecided (a datum is missing). */
  rule: CompiledScope | null | undefined;
  /** Review item about the carrier's unknown licence country (scopeOf), or null. */
  review: string | null;
  /** The scope clause of `rule` (frozen). */
  sc: Clause | null;
  defBand: CompiledBand | null;
  /** Band of each of the regime's tables (null: none). */
  tableBands: (CompiledBand | null)[];
}

/** Routes remembered per origin airport before that airport's memo starts over (bounds the memory). */
const MAX_ROUTES_PER_ORIGIN = 4096;
const KIND_COUNT = KIND_INDEX.size;

function airportInfo(a: ActivePolicy, code: string): AirportInfo {
  const cache = a.airportInfo as Map<string, AirportInfo>;
  let info = cache.get(code);
  if (!info) {
    const ref = airport(code);
    info = { ref, mask: ref ? (a.countryMask.get(ref.country) ?? 0) : -1, dist: new Map(), routes: new Map() };
    cache.set(code, info);
  }
  return info;
}

/** Rounded great-circle km between two known airports, cached per pair (same value either way round). */
function distanceKm(o: AirportInfo, d: AirportInfo): number {
  let km = o.dist.get(d);
  if (km === undefined) {
    const lo = o.ref!.iata < d.ref!.iata ? o.ref! : d.ref!;
    const hi = lo === o.ref ? d.ref! : o.ref!;
    km = Math.round(greatCircleKm(lo, hi));
    o.dist.set(d, km);
    d.dist.set(o, km);
  }
  return km;
}

// ─────────── instants ───────────

// Character codes of the ISO-8601 separators.
const T = 84;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const Z_UPPER = 90;
const Z_LOWER = 122;

/**
 * Epoch ms of an ISO-8601 instant as the schema admits it: `YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM)`.
 * The fields sit at fixed positions, so they are read directly: Date.parse is several times slower and
 * an evaluation reads about six instants. Anything unexpected falls back to Date.parse.
 */
export function isoMs(s: string): number {
  const n = s.length;
  if (n === 24) {
    const fast = isoMs24(s);
    if (fast === fast) return fast; // not NaN
  }
  if (n < 17 || s.charCodeAt(10) !== T) return Date.parse(s);
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  let second = 0;
  let millis = 0;
  let i = 16;
  if (s.charCodeAt(i) === COLON) {
    second = twoDigits(s, 17);
    i = 19;
    if (s.charCodeAt(i) === DOT) {
      // Fraction of a second: milliseconds are its first three digits (further digits truncated).
      const ms3 = n === 24 ? twoDigits(s, 20) * 10 + s.charCodeAt(22) - 48 : NaN;
      if (ms3 >= 0 && ms3 <= 999 && isDigit(s.charCodeAt(22))) {
        // `.fffZ` (toISOString's form, the usual one): three digits, then the zone designator at 23.
        millis = ms3;
        i = 23;
      } else {
        let scale = 100;
        for (i++; i < n && isDigit(s.charCodeAt(i)); i++, scale /= 10) millis += (s.charCodeAt(i) - 48) * scale;
        millis = Math.floor(millis);
      }
    }
  }
  const offset = offsetMinutes(s, i);
  // A NaN field (not a digit) makes the sum NaN; out-of-range fields are left to Date.parse too.
  if (Number.isNaN(year + month + day + hour + minute + second + offset)) return Date.parse(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return Date.parse(s);
  const days = daysFromCivil(year, month, day);
  return (((days * 24 + hour) * 60 + minute - offset) * 60 + second) * 1000 + millis;
}

/** Day number of the last date read by isoMs24 (cases read several instants of one day). */
let lastDateKey = -1;
let lastDateDays = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS.fffZ` (toISOString's form, 24 characters, the usual one): every digit read once
 * and checked with one sign test (d and 9 − d are both ≥ 0 only for a digit); NaN for anything else
 * (isoMs then reads it the general way).
 */
function isoMs24(s: string): number {
  if (
    s.charCodeAt(4) !== MINUS ||
    s.charCodeAt(7) !== MINUS ||
    s.charCodeAt(10) !== T ||
    s.charCodeAt(13) !== COLON ||
    s.charCodeAt(16) !== COLON ||
    s.charCodeAt(19) !== DOT ||
    s.charCodeAt(23) !== Z_UPPER
  )
    return NaN;
  const y0 = s.charCodeAt(0) - 48;
  const y1 = s.charCodeAt(1) - 48;
  const y2 = s.charCodeAt(2) - 48;
  const y3 = s.charCodeAt(3) - 48;
  const mo0 = s.charCodeAt(5) - 48;
  const mo1 = s.charCodeAt(6) - 48;
  const d0 = s.charCodeAt(8) - 48;
  const d1 = s.charCodeAt(9) - 48;
  const h0 = s.charCodeAt(11) - 48;
  const h1 = s.charCodeAt(12) - 48;
  const mi0 = s.charCodeAt(14) - 48;
  const mi1 = s.charCodeAt(15) - 48;
  const s0 = s.charCodeAt(17) - 48;
  const s1 = s.charCodeAt(18) - 48;
  const f0 = s.charCodeAt(20) - 48;
  const f1 = s.charCodeAt(21) - 48;
  const f2 = s.charCodeAt(22) - 48;
  const all = y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1 | f0 | f1 | f2;
  const rest =
    (9 - y0) | (9 - y1) | (9 - y2) | (9 - y3) | (9 - mo0) | (9 - mo1) | (9 - d0) | (9 - d1) | (9 - h0) | (9 - h1);
  if ((all | rest | (9 - mi0) | (9 - mi1) | (9 - s0) | (9 - s1) | (9 - f0) | (9 - f1) | (9 - f2)) < 0) return NaN;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return NaN;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const key = (year * 100 + month) * 100 + day;
  if (key !== lastDateKey) {
    lastDateDays = daysFromCivil(year, month, day);
    lastDateKey = key;
  }
  return (((lastDateDays * 24 + hour) * 60 + minute) * 60 + second) * 1000 + f0 * 100 + f1 * 10 + f2;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The two-digit decimal number at s[i], or NaN when either character is not a digit. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/** The zone designator at s[i]: `Z` → 0, `±HH:MM` → minutes east of UTC; NaN otherwise (or trailing text). */
function offsetMinutes(s: string, i: number): number {
  const sign = s.charCodeAt(i);
  if ((sign === Z_UPPER || sign === Z_LOWER) && i + 1 === s.length) return 0;
  if ((sign !== PLUS && sign !== MINUS) || s.charCodeAt(i + 3) !== COLON || i + 6 !== s.length) return NaN;
  const m = twoDigits(s, i + 1) * 60 + twoDigits(s, i + 4);
  return sign === PLUS ? m : -m;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yearOfEra = yy - era * 400;
  const dayOfYear = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * `s.trim().toUpperCase()`, returning `s` itself when that would not change it (ASCII, no lower-case
 * letter, nothing to trim): the usual codes then need no new string (and no new hash for map lookups).
 */
function normCode(s: string): string {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 126 || (ch >= 97 && ch <= 122) || ((i === 0 || i === n - 1) && ch <= 32)) return s.trim().toUpperCase();
  }
  return s;
}

function ms(s: string | null | undefined): number {
  return s ? isoMs(s) : NaN;
}

/** `segs` is c.segments and `dseg` the disrupted segment (evaluate has read them). */
function buildCtx(
  c: ClaimCase,
  a: ActivePolicy,
  policyMs: number,
  segs: ClaimCase['segments'],
  dseg: ClaimCase['segments'][number],
): Ctx {
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const review: string[] = [];
  const originInfo = airportInfo(a, first.origin);
  const destInfo = airportInfo(a, last.destination);
  const origin = originInfo.ref;
  const dest = destInfo.ref;
  if (!origin) review.push(`airport ${first.origin} not in reference data (country and coordinates unknown)`);
  if (!dest && last.destination !== first.origin)
    review.push(`airport ${last.destination} not in reference data (country and coordinates unknown)`);
  else if (!dest) review.push(`airport ${last.destination} not in reference data (country and coordinates unknown)`);

  const carrierCode = first.carrier;
  const route = routeMemo(a, originInfo, destInfo, carrierCode);
  // The metric vector and the variable texts are scratch space of this evaluation (evaluate is synchronous
  // and never re-entered; no decision refers to them): reset, not reallocated.
  const m = METRICS_SCRATCH;
  for (let i = 0; i < METRIC_COUNT; i++) m[i] = NaN;
  const vars = VARS_SCRATCH;
  for (let i = 0; i < vars.length; i++) vars[i] = undefined;
  m[M_DISTANCE] = route.distance;
  // policyMs is the disrupted flight's scheduled departure (see evaluate): not parsed twice.
  const schedDep = policyMs;
  const schedArrFinal = isoMs(last.scheduledArrival);
  m[M_BLOCK] = Math.round(((dseg === last ? schedArrFinal : isoMs(dseg.scheduledArrival)) - schedDep) / MIN);

  const rr = c.reroute ?? null;
  const rrDep = rr ? isoMs(rr.departure) : NaN;
  const rrArr = rr ? isoMs(rr.arrival) : NaN;
  if (rr) {
    m[M_RR_ARR] = Math.round((rrArr - schedArrFinal) / MIN);
    m[M_RR_ADV] = Math.round((schedDep - rrDep) / MIN);
    m[M_RR_DEP] = Math.round((rrDep - schedDep) / MIN);
  }

  // Departure delay (drives care): the carrier's expected/actual departure of the disrupted flight.
  let newDep = ms(dseg.actualDeparture ?? dseg.expectedDeparture ?? null);
  if (Number.isNaN(newDep) && rr) newDep = rrDep;
  // Each field of the case is read once (case objects come in many shapes: every read is a generic lookup).
  const depDelay = c.departureDelayMinutes;
  if (depDelay !== undefined) {
    m[M_DEPARTURE] = depDelay;
    if (Number.isNaN(newDep)) newDep = schedDep + depDelay * MIN;
  } else if (!Number.isNaN(newDep)) m[M_DEPARTURE] = Math.max(0, Math.round((newDep - schedDep) / MIN));

  // Arrival delay at the final destination: door-open time (Germanwings), or the re-routing's arrival.
  const arrDelay = c.arrivalDelayMinutes;
  if (arrDelay !== undefined) m[M_ARRIVAL] = arrDelay;
  else if (rr) m[M_ARRIVAL] = m[M_RR_ARR]!;
  else if (last.actualArrivalDoorOpen)
    m[M_ARRIVAL] = Math.round((isoMs(last.actualArrivalDoorOpen) - schedArrFinal) / MIN);
  else if (last.actualArrivalOnBlock) {
    m[M_ARRIVAL] = Math.round((isoMs(last.actualArrivalOnBlock) - schedArrFinal) / MIN);
    review.push(
      `door-open arrival time of ${last.carrier}${last.flightNumber} missing: on-block time used (Germanwings C-452/13 requires door-open)`,
    );
  }
  const cause = c.cause;
  const ecMin = cause?.extraordinaryMinutes;
  m[M_COMPENSABLE] = m[M_ARRIVAL]! - (ecMin ?? 0);
  const notifiedAt = c.notifiedAt;
  if (notifiedAt) m[M_NOTICE] = Math.round((schedDep - isoMs(notifiedAt)) / MIN);

  // Cause: taxonomy (data), supervisor override, partial attribution.
  const rawCode = cause?.code;
  const code = rawCode ? normCode(rawCode) : null;
  const ref = code ? a.causes.get(code) : undefined;
  let cat: CauseCategory = cause?.override ?? ref?.category ?? 'unknown';
  if (ecMin !== undefined && ecMin > 0) cat = 'partially_extraordinary';
  const causeLabel = ref ? ref.label : (code ?? 'not given');

  const kind = c.kind;
  const kindIndex = KIND_INDEX.get(kind)!;
  const tier = c.tier;
  return {
    c,
    a,
    kind,
    kindIndex,
    kindBit: 1 << kindIndex,
    policyMs,
    originCode: first.origin,
    destCode: last.destination,
    origin,
    dest,
    originMask: originInfo.mask,
    destMask: destInfo.mask,
    m,
    causeCode: code,
    causeCategory: cat,
    causeBit: CAUSE_BIT.get(cat) ?? 0,
    causeLabel,
    carrierCode,
    carrier: route.carrier,
    tier: tier ? normCode(tier) : null,
    choice: c.choice ?? 'none',
    volunteer: c.volunteer ?? false,
    review,
    nights: -2,
    regimeTitle: '',
    licenceUnknown: false,
    scopeReview: null,
    undecided: false,
    vars: VARS_SCRATCH,
    schedDepMs: schedDep,
    newDepMs: newDep,
    route,
  };
}

function routeMemo(a: ActivePolicy, o: AirportInfo, d: AirportInfo, carrierCode: string): RouteMemo {
  let byCarrier = o.routes.get(d);
  if (!byCarrier) {
    if (o.routes.size >= MAX_ROUTES_PER_ORIGIN) o.routes.clear();
    byCarrier = new Map();
    o.routes.set(d, byCarrier);
  }
  let route = byCarrier.get(carrierCode);
  if (!route) {
    if (byCarrier.size >= MAX_ROUTES_PER_ORIGIN) byCarrier.clear();
    const regimes: (RegimeRoute | undefined)[] = new Array(a.regimes.length * KIND_COUNT).fill(undefined);
    route = {
      distance: o.ref && d.ref ? distanceKm(o, d) : NaN,
      carrier: carrierRef(a, carrierCode),
      regimes,
      bandClauses: new Map(),
    };
    byCarrier.set(carrierCode, route);
  }
  return route;
}

// ─────────── predicates ───────────

/**
 * Review items for an unknown or unclassified carrier name the carrier-dependent part only: whether a
 * regime whose scope needs the licence country applies (e.g. EU261 Art 3(1)(b) Community carrier), or an
 * amount that depends on the carrier's size (APPR large/small). Rights that apply whatever the carrier
 * (e.g. care on a departure from the EU or the UK) are decided without it.
 */
function carrierScopeUnknown(ctx: Ctx, r: CompiledRegime, ruleIds: string): string {
  return `carrier ${ctx.carrierCode} ${ctx.carrier ? 'has no licence country in reference data' : 'not in reference data'}: whether ${r.title} applies (${ruleIds}, carrier licence) needs review`;
}

function carrierSizeUnknown(ctx: Ctx): void {
  addReview(
    ctx,
    `carrier ${ctx.carrierCode} ${ctx.carrier ? 'not classified as a large or small carrier' : 'not in reference data'}: the ${ctx.regimeTitle} amount that depends on the carrier's size needs review`,
  );
}

/** true / false / null (unknown because an airport or carrier is missing from the reference data). */
function scopeRule(ctx: Ctx, cs: CompiledScope): boolean | null {
  let unknown = false;
  if (!(cs.kindMask & ctx.kindBit)) return false;
  if (cs.carriers && !cs.carriers.includes(ctx.carrierCode)) return false;
  const om = ctx.originMask;
  const dm = ctx.destMask;
  if (cs.international !== null) {
    if (!ctx.origin || !ctx.dest) unknown = true;
    else if ((ctx.origin.country !== ctx.dest.country) !== cs.international) return false;
  }
  if (cs.dep) {
    if (om < 0) unknown = true;
    else if (!(om & cs.dep)) return false;
  }
  if (cs.arr) {
    if (dm < 0) unknown = true;
    else if (!(dm & cs.arr)) return false;
  }
  if (cs.touches) {
    const r1 = om < 0 ? null : (om & cs.touches) !== 0;
    const r2 = dm < 0 ? null : (dm & cs.touches) !== 0;
    if (r1 === false && r2 === false) return false;
    if (r1 !== true && r2 !== true) unknown = true;
  }
  if (cs.licence) {
    if (!ctx.carrier || ctx.carrier.country === null) {
      ctx.licenceUnknown = true;
      unknown = true;
    } else if (!((ctx.a.countryMask.get(ctx.carrier.country) ?? 0) & cs.licence)) return false;
  }
  return unknown ? null : true;
}

function bandMatches(ctx: Ctx, cb: CompiledBand): boolean | null {
  const km = ctx.m[M_DISTANCE]!;
  if (cb.maxKm !== Infinity || cb.minKmExclusive !== -Infinity) {
    if (Number.isNaN(km)) return null;
    if (km > cb.maxKm || km <= cb.minKmExclusive) return false;
  }
  const om = ctx.originMask;
  const dm = ctx.destMask;
  if (cb.betweenA || cb.touches || cb.notTouches) {
    if (om < 0 || dm < 0) return null;
    if (cb.betweenA && !((om & cb.betweenA && dm & cb.betweenB) || (om & cb.betweenB && dm & cb.betweenA)))
      return false;
    if (cb.touches && !((om | dm) & cb.touches)) return false;
    if (cb.notTouches && (om | dm) & cb.notTouches) return false;
  }
  return true;
}

function resolveBand(ctx: Ctx, bands: CompiledBand[] | undefined): CompiledBand | null {
  if (!bands) return null;
  for (const b of bands) {
    const r = bandMatches(ctx, b);
    if (r === null) return null;
    if (r) return b;
  }
  return null;
}

function cmp(v: number, c: CompiledCondition): boolean {
  switch (c.op) {
    case 0:
      return v >= c.value;
    case 1:
      return v > c.value;
    case 2:
      return v < c.value;
    default:
      return v <= c.value;
  }
}

/** Rows come from the per-kind index (CompiledTable.rowsByKind), so the kind is not re-checked here. */
function rowMatches(ctx: Ctx, r: CompiledRowBase, band: CompiledBand | null): boolean {
  if (r.volunteer !== undefined && r.volunteer !== ctx.volunteer) return false;
  if (r.choice && !r.choice.has(ctx.choice)) return false;
  if (r.tiers && (ctx.tier === null || !r.tiers.has(ctx.tier))) return false;
  if (r.notTiers && ctx.tier !== null && r.notTiers.has(ctx.tier)) return false;
  if (r.bands && (band === null || !r.bands.has(band.id))) return false;
  if (r.causeMask !== 0 || r.notCauseMask !== 0) {
    const cat = ctx.causeCategory;
    if (cat === 'unknown') {
      addReview(
        ctx,
        ctx.causeCode
          ? `cause code "${ctx.causeCode}" not in the cause taxonomy`
          : 'cause of the disruption (cause.code)',
      );
    }
    if (r.causeMask !== 0 && !(r.causeMask & ctx.causeBit)) return false;
    if (r.notCauseMask & ctx.causeBit) return false;
  }
  if (r.carrierSizes) {
    if (!ctx.carrier || ctx.carrier.size === null) {
      // The amount depends on the size: the table cannot be decided (no other row is paid instead).
      carrierSizeUnknown(ctx);
      ctx.undecided = true;
      return false;
    }
    if (!r.carrierSizes.has(ctx.carrier.size)) return false;
  }
  for (const w of r.when) {
    const v = ctx.m[w.metric]!;
    if (Number.isNaN(v)) {
      if (w.ifMissing === 'match') continue;
      if (w.ifMissing === 'review') {
        addReview(ctx, MISSING_DATUM[w.metric]!);
        ctx.undecided = true;
      }
      return false;
    }
    if (!cmp(v, w)) return false;
  }
  if (r.overnight !== undefined) {
    const n = nights(ctx);
    if (n < 0) {
      addReview(ctx, 'whether the passenger must stay overnight (new departure time or overnight)');
      ctx.undecided = true;
      return false;
    }
    if (r.overnight !== n > 0) return false;
  }
  return true;
}

// ─────────── rendering of reasons and inputs ───────────

/** Texts of minute counts from -1 day to 1 week (delays repeat: a flight's passengers share them), by minute. */
const MINUTE_TEXT_MIN = -1440;
const minuteTexts: (string | undefined)[] = new Array<string | undefined>(1440 + 10080).fill(undefined);

/** 65 → `1 h 05 min`, -65 → `-1 h 05 min` (reasons and explanations). */
export function minutesText(v: number): string {
  const i = v - MINUTE_TEXT_MIN;
  if (i >= 0 && i < minuteTexts.length && (i | 0) === i) return (minuteTexts[i] ??= minutesTextOf(v));
  return minutesTextOf(v);
}

function minutesTextOf(v: number): string {
  const a = Math.abs(v);
  const h = Math.floor(a / 60);
  const mm = a % 60;
  return `${v < 0 ? '-' : ''}${h} h ${mm < 10 ? '0' : ''}${mm} min`;
}

function fmtMinutes(v: number): string {
  return Number.isNaN(v) ? 'unknown' : minutesText(v);
}

function fmtNotice(v: number): string {
  if (Number.isNaN(v)) return 'unknown';
  const d = Math.floor(v / 1440);
  const rest = v - d * 1440;
  return d > 0 ? `${d} days ${fmtMinutes(rest)}` : fmtMinutes(v);
}

/** Texts of distances (km) up to half the Earth's circumference, by km: routes repeat (a flight's passengers). */
const kmTexts: (string | undefined)[] = new Array<string | undefined>(20_100).fill(undefined);

/** 12345 → "12,345" (toLocaleString is ~50× slower and this runs on every evaluation). */
export function thousands(v: number): string {
  if (v >= 0 && v < kmTexts.length && (v | 0) === v) return (kmTexts[v] ??= thousandsOf(v));
  return thousandsOf(v);
}

function thousandsOf(v: number): string {
  const s = String(Math.round(v));
  if (s.length <= 3) return s;
  let out = '';
  const neg = s[0] === '-';
  const digits = neg ? s.slice(1) : s;
  const head = digits.length % 3;
  if (head) out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += (out ? ',' : '') + digits.slice(i, i + 3);
  return neg ? `-${out}` : out;
}

/** Template variable text by code (compile.TEMPLATE_VARS); everything but the band is memoised per evaluation (same text in many clauses). */
function variableByCode(ctx: Ctx, code: number, band: CompiledBand | null): string {
  if (code === 1) return band ? band.label : 'unknown band';
  const hit = ctx.vars[code];
  if (hit !== undefined) return hit;
  let v: string;
  switch (code) {
    case 0: {
      const km = ctx.m[M_DISTANCE]!;
      v = Number.isNaN(km) ? 'unknown' : thousands(km);
      break;
    }
    case 2:
      v = fmtMinutes(ctx.m[M_ARRIVAL]!);
      break;
    case 3:
      v = fmtMinutes(ctx.m[M_COMPENSABLE]!);
      break;
    case 4:
      v = fmtMinutes(ctx.m[M_DEPARTURE]!);
      break;
    case 5:
      v = fmtNotice(ctx.m[M_NOTICE]!);
      break;
    case 6:
      v = fmtMinutes(ctx.m[M_RR_ARR]!);
      break;
    case 7:
      v = fmtMinutes(ctx.m[M_RR_DEP]!);
      break;
    case 8:
      v = fmtMinutes(ctx.m[M_BLOCK]!);
      break;
    case 9:
      v = ctx.causeLabel;
      break;
    case 10:
      v = ctx.tier ?? 'no tier';
      break;
    case 11:
      v = ctx.carrierCode;
      break;
    case 12:
      v = ctx.originCode;
      break;
    default:
      v = ctx.destCode;
  }
  ctx.vars[code] = v;
  return v;
}

function render(ctx: Ctx, t: Template, band: CompiledBand | null): string {
  const parts = t.parts;
  let s = parts[0]!;
  const codes = t.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    // Appended to the long text one by one: a short variable joined to the next part first would be copied.
    s = s + (c < 0 ? `{${t.names[i]}}` : variableByCode(ctx, c, band)) + parts[i + 1]!;
  }
  return s;
}

function rowInputs(
  ctx: Ctx,
  r: CompiledRowBase,
  band: CompiledBand | null,
): Record<string, string | number | boolean | null> {
  const inputs: Record<string, string | number | boolean | null> = {};
  if (r.bands && band) {
    inputs.band = band.id;
    inputs.distanceKm = num(ctx.m[M_DISTANCE]!);
  }
  for (const w of r.when) {
    const v = ctx.m[w.metric]!;
    inputs[w.metricName] = Number.isNaN(v) ? null : v;
    inputs[w.thresholdKey] = w.thresholdText;
  }
  if (r.causes || r.notCauses) {
    inputs.causeCode = ctx.causeCode;
    inputs.causeCategory = ctx.causeCategory;
  }
  if (r.tiers || r.notTiers) inputs.tier = ctx.tier;
  if (r.carrierSizes) inputs.carrierSize = ctx.carrier?.size ?? null;
  if (r.choice) inputs.choice = ctx.choice;
  if (r.volunteer !== undefined) inputs.volunteer = ctx.volunteer;
  if (r.overnight !== undefined) inputs.nights = ctx.nights;
  return inputs;
}

function rowClause(ctx: Ctx, r: CompiledRowBase, band: CompiledBand | null): Clause {
  return { id: r.id, reason: render(ctx, r.reason, band), inputs: rowInputs(ctx, r, band) };
}

// ─────────── amounts ───────────

interface CompiledAmount {
  fixed: number | null;
  fixedByDate: { fromMs: number; value: number }[] | null;
  percent: number | null;
  cap: number | null;
  capByDate: { fromMs: number; value: number }[] | null;
  lowerOfFare: boolean;
  currency: string | null;
}
const amountCache = new WeakMap<AmountSpec, CompiledAmount>();
function compileAmount(a: AmountSpec): CompiledAmount {
  let c = amountCache.get(a);
  if (!c) {
    const dated = (l: { from: string; value: number }[] | undefined) =>
      l
        ? l
            .map((x) => ({ fromMs: Date.parse(`${x.from}T00:00:00Z`), value: x.value }))
            .sort((p, q) => p.fromMs - q.fromMs)
        : null;
    c = {
      fixed: a.fixed ?? null,
      fixedByDate: dated(a.fixedByDate),
      percent: a.percentOfFare ?? null,
      cap: a.cap ?? null,
      capByDate: dated(a.capByDate),
      lowerOfFare: a.lowerOfFare ?? false,
      currency: a.currency ?? null,
    };
    amountCache.set(a, c);
  }
  return c;
}

function datedValue(l: { fromMs: number; value: number }[], t: number): number | null {
  let v: number | null = null;
  for (const x of l) if (x.fromMs <= t) v = x.value;
  return v;
}

/** Money for an amount spec, adding its inputs to `inputs`; null (with a review item) if a datum is missing. */
function amountFor(
  ctx: Ctx,
  spec: AmountSpec,
  currency: string,
  inputs: Record<string, string | number | boolean | null>,
): Money | null {
  const a = compileAmount(spec);
  const cur = a.currency ?? currency;
  const fare = ctx.c.fare ?? null;
  if (a.percent !== null) {
    if (!fare) {
      addReview(ctx, `fare (needed for ${a.percent / 100}% of the fare in ${cur})`);
      return null;
    }
    if (fare.currency !== cur) {
      addReview(ctx, `fare in ${cur} (the booking's fare is in ${fare.currency})`);
      return null;
    }
    let amt = pct(fare, a.percent).amountMinor;
    inputs.fareMinor = fare.amountMinor;
    inputs.percentOfFare = a.percent / 100;
    const cap = a.capByDate ? datedValue(a.capByDate, ctx.policyMs) : a.cap;
    if (cap !== null) {
      inputs.capMinor = cap;
      if (amt > cap) amt = cap;
    }
    return { amountMinor: amt, currency: cur };
  }
  let v = a.fixedByDate ? datedValue(a.fixedByDate, ctx.policyMs) : a.fixed;
  if (v === null) {
    addReview(ctx, `amount table has no value in force on ${new Date(ctx.policyMs).toISOString().slice(0, 10)}`);
    return null;
  }
  inputs.configuredMinor = v;
  if (a.lowerOfFare) {
    if (!fare || fare.currency !== cur)
      addReview(ctx, `fare in ${cur} (compensation is the lower of the fixed amount and the fare)`);
    else if (fare.amountMinor < v) {
      inputs.fareMinor = fare.amountMinor;
      v = fare.amountMinor;
    }
  }
  return { amountMinor: v, currency: cur };
}

/**
 * money.percentOf (basis points, half-up once) without BigInt while the product is a safe integer —
 * always, for real fares and amounts; larger values take money.percentOf.
 */
function pct(m: Money, bp: number): Money {
  const x = m.amountMinor * bp;
  if (!Number.isSafeInteger(x)) return percentOf(m, bp);
  const q = Math.floor(x / 10000);
  const r = x - q * 10000;
  return { amountMinor: r * 2 >= 10000 ? q + 1 : q, currency: m.currency };
}

/** amount × rate (decimal string), rounded half-up once; integer arithmetic. */
function convert(m: Money, rate: string, to: string): Money {
  const [i, f = ''] = rate.split('.');
  const scale = 10n ** BigInt(f.length);
  const r = BigInt(i! + f);
  const num = BigInt(m.amountMinor) * r;
  const q = num / scale;
  const rem = num % scale;
  return { amountMinor: Number(rem * 2n >= scale ? q + 1n : q), currency: to };
}

/** amount ÷ rate (decimal string, the rate of `to`/amount's currency), rounded half-up once; integer arithmetic. */
function convertInverse(m: Money, rate: string, to: string): Money {
  const [i, f = ''] = rate.split('.');
  const scale = 10n ** BigInt(f.length);
  const r = BigInt(i! + f);
  if (r === 0n) return { amountMinor: 0, currency: to };
  const num = BigInt(m.amountMinor) * scale;
  const q = num / r;
  const rem = num % r;
  return { amountMinor: Number(rem * 2n >= r ? q + 1n : q), currency: to };
}

// ─────────── regimes ───────────

const NO_CASH: DecisionEntitlement[] = [];
/** Shared, never-mutated work item of a regime that does not apply (no allocation per evaluation). */
function notApplicableWork(r: CompiledRegime): RegimeWork {
  let w = r.notApplicableWork as RegimeWork | null;
  if (!w) {
    w = {
      r,
      rule: null,
      outcome: r.notApplicable as RegimeOutcome,
      rank: Infinity,
      order: Infinity,
      cash: NO_CASH,
      shared: true,
    };
    r.notApplicableWork = w;
  }
  return w;
}

interface RegimeWork {
  r: CompiledRegime;
  /** The scope rule that applies (null: none, or undecided). */
  rule: CompiledScope | null;
  outcome: RegimeOutcome;
  rank: number;
  order: number;
  cash: DecisionEntitlement[];
  /** The outcome object is shared between decisions: copy before changing it. */
  shared: boolean;
}

/** The regime on the case's route for the case's kind of disruption (worked out once per route). */
function regimeRoute(ctx: Ctx, r: CompiledRegime, index: number): RegimeRoute {
  const slot = index * KIND_COUNT + ctx.kindIndex;
  let rr = ctx.route.regimes[slot];
  if (rr === undefined) {
    ctx.scopeReview = null;
    const rule = scopeOf(ctx, r);
    let defBand: CompiledBand | null = null;
    const tableBands: (CompiledBand | null)[] = [];
    if (rule) {
      defBand = r.defaultBands ? resolveBand(ctx, r.defaultBands) : null;
      for (const t of r.tables)
        tableBands.push(t.bandList ? (t.bandIsDefault ? defBand : resolveBand(ctx, t.bandList)) : null);
    }
    rr = { rule, review: ctx.scopeReview, sc: rule ? scopeClause(ctx, rule) : null, defBand, tableBands };
    ctx.route.regimes[slot] = rr;
  }
  return rr;
}

function scopeOf(ctx: Ctx, r: CompiledRegime): CompiledScope | null | undefined {
  let unknown = false;
  let best: CompiledScope | null = null;
  let needLicence = ''; // ids of the rules left undecided by the carrier's unknown licence country
  for (const cs of r.scope) {
    ctx.licenceUnknown = false;
    const x = scopeRule(ctx, cs);
    if (x === true && (!best || cs.rank < best.rank)) best = cs;
    else if (x === null) {
      unknown = true;
      if (ctx.licenceUnknown) needLicence += `${needLicence ? ', ' : ''}${cs.id}`;
    }
  }
  if (best) return best; // a rule that does not need the carrier applies: nothing to review about it
  if (needLicence) ctx.scopeReview = carrierScopeUnknown(ctx, r, needLicence);
  return unknown ? undefined : null;
}

/** The scope clause (route data only: frozen, shared by the route's decisions). */
function scopeClause(ctx: Ctx, s: CompiledScope): Clause {
  return Object.freeze({
    id: s.id,
    reason: s.reason,
    inputs: Object.freeze({
      origin: ctx.originCode,
      destination: ctx.destCode,
      originCountry: ctx.origin?.country ?? null,
      destinationCountry: ctx.dest?.country ?? null,
      carrier: ctx.carrierCode,
      carrierLicence: ctx.carrier?.country ?? null,
    }),
  });
}

/** The band clause (route data only: frozen, shared by the route's decisions). */
function bandClause(ctx: Ctx, b: CompiledBand): Clause {
  let c = ctx.route.bandClauses.get(b);
  if (!c) {
    c = Object.freeze({
      id: b.clause,
      reason: `Great-circle distance ${variableByCode(ctx, 0, b)} km from ${ctx.originCode} to the final destination ${ctx.destCode}: ${b.label}.`,
      inputs: Object.freeze({
        distanceKm: num(ctx.m[M_DISTANCE]!),
        band: b.id,
        origin: ctx.originCode,
        destination: ctx.destCode,
      }),
    });
    ctx.route.bandClauses.set(b, c);
  }
  return c;
}

function evalRegime(ctx: Ctx, r: CompiledRegime, order: number, out: DecisionEntitlement[]): RegimeWork {
  ctx.regimeTitle = r.title;
  const rr = regimeRoute(ctx, r, order);
  if (rr.review !== null) addReview(ctx, rr.review);
  const rule = rr.rule;
  if (rule === null) return notApplicableWork(r);
  const applies = rule === undefined ? null : true;
  if (rule && !(r.kindMask & ctx.kindBit)) {
    // In scope, but no rule for this kind of disruption (e.g. Montreal limits on a delay): one shared outcome.
    let o = rule.notCovered[ctx.kind];
    if (!o) {
      // Shared by every decision on it: frozen, so that no caller's change reaches another decision.
      o = Object.freeze({
        regime: r.regime,
        title: r.title,
        applies: true,
        reason: `${rule.reason} No rule of ${r.title} covers ${ctx.kind.toLowerCase().replace('_', ' ')}.`,
        policy: r.policy,
        band: null,
        primary: false,
        cash: null,
        clauses: Object.freeze([
          Object.freeze({ id: rule.id, reason: rule.reason, inputs: Object.freeze({}) }),
        ]) as unknown as Clause[],
      });
      rule.notCovered[ctx.kind] = o;
    }
    return { r, rule, outcome: o, rank: rule.rank, order, cash: NO_CASH, shared: true };
  }
  const outcome: RegimeOutcome = {
    regime: r.regime,
    title: r.title,
    applies,
    reason: '',
    policy: r.policy,
    band: null,
    primary: false,
    cash: null,
    clauses: rule ? [rr.sc!] : [],
  };
  // cash stays the shared empty list until the regime pays (most applicable regimes owe care only)
  const work: RegimeWork = {
    r,
    rule: rule ?? null,
    outcome,
    rank: rule ? rule.rank : Infinity,
    order,
    cash: NO_CASH,
    shared: false,
  };
  if (!rule) {
    outcome.reason = applies === null ? r.undecidedReason : r.notApplicableReason;
    return work;
  }
  const sc = rr.sc!;
  outcome.reason = rule.reason;
  const defBand = rr.defBand;
  if (defBand) outcome.band = defBand.id;

  const tables = r.tables;
  for (let ti = 0; ti < tables.length; ti++) {
    const t = tables[ti]!;
    const band = rr.tableBands[ti]!;
    // First match wins; a row that cannot be decided for want of a datum stops the table (nothing is
    // paid on a guess: the later rows assume the earlier ones were decided).
    let row = null;
    ctx.undecided = false;
    for (const x of t.rowsByKindIndex[ctx.kindIndex]!) {
      if (rowMatches(ctx, x, band)) {
        row = x;
        break;
      }
      if (ctx.undecided) break;
    }
    if (!row) continue;
    const rc = rowClause(ctx, row, band);
    if (!row.amount) {
      outcome.clauses.push(rc);
      for (const x of row.refs) outcome.clauses.push(x);
      continue;
    }
    let amount = amountFor(ctx, row.amount, r.currency, rc.inputs);
    const clauses: Clause[] = band ? [sc, bandClause(ctx, band), rc] : [sc, rc];
    for (const x of row.refs) clauses.push(x);
    if (r.partialAttribution && ctx.causeCategory === 'partially_extraordinary' && t.usesCompensable) {
      clauses.push({
        id: r.partialAttribution.id,
        reason: r.partialAttribution.reason,
        inputs: {
          arrivalDelayMin: num(ctx.m[M_ARRIVAL]!),
          extraordinaryMinutes: ctx.c.cause?.extraordinaryMinutes ?? 0,
          compensableDelayMin: num(ctx.m[M_COMPENSABLE]!),
        },
      });
    }
    if (amount) {
      for (const adj of t.adjustmentsByKindIndex[ctx.kindIndex]!)
        if (rowMatches(ctx, adj, band)) {
          const ac = rowClause(ctx, adj, band);
          ac.inputs.percent = adj.percent / 100;
          ac.inputs.beforeMinor = amount.amountMinor;
          amount = pct(amount, adj.percent);
          clauses.push(ac);
          break;
        }
      if (r.payIn && amount.currency !== r.payIn.currency) {
        const rate = ctx.c.fxRates?.[r.payIn.rateKey];
        if (rate) {
          const conv = convert(amount, rate, r.payIn.currency);
          clauses.push({
            id: r.payIn.id,
            reason: r.payIn.reason,
            inputs: { rateKey: r.payIn.rateKey, rate, fromMinor: amount.amountMinor, fromCurrency: amount.currency },
          });
          amount = conv;
        } else addReview(ctx, `exchange rate ${r.payIn.rateKey} (fxRates) to pay ${r.title} in ${r.payIn.currency}`);
      }
    }
    const e: DecisionEntitlement = {
      regime: r.regime,
      type: t.type,
      carePeriod: 'EVENT',
      amount,
      automatic: t.automatic,
      payable: !t.limit,
      clauses,
    };
    out.push(e);
    if (t.compensation && !t.limit) {
      if (work.cash === NO_CASH) work.cash = [e];
      else work.cash.push(e);
      if (amount && (!outcome.cash || outcome.cash.currency === amount.currency))
        outcome.cash = {
          amountMinor: (outcome.cash?.amountMinor ?? 0) + amount.amountMinor,
          currency: amount.currency,
        };
    }
  }

  let done = 0;
  for (const x of r.assistanceByKindIndex[ctx.kindIndex]!) {
    if (done & x.typeBit) continue;
    if (!rowMatches(ctx, x, defBand)) continue;
    done |= x.typeBit;
    assist(ctx, r, x, sc, defBand, out);
  }
  return work;
}

function assist(
  ctx: Ctx,
  r: CompiledRegime,
  x: CompiledAssistance,
  sc: Clause,
  band: CompiledBand | null,
  out: DecisionEntitlement[],
): void {
  const rc = rowClause(ctx, x, band);
  const amount = x.amount ? amountFor(ctx, x.amount, r.currency, rc.inputs) : null;
  const clauses: Clause[] = [sc, rc];
  for (const ref of x.refs) clauses.push(ref);
  for (const n of x.causeNotes)
    if (n.causeMask & ctx.causeBit)
      clauses.push({ id: n.id, reason: n.reason, inputs: { causeCategory: ctx.causeCategory } });
  let periods = 1;
  if (x.period !== 'EVENT') {
    const n = nights(ctx);
    periods = Math.min(x.maxPeriods, x.period === 'PER_DAY' ? Math.max(0, n) + 1 : Math.max(1, n));
  }
  for (let i = 1; i <= periods; i++) {
    out.push({
      regime: r.regime,
      type: x.type,
      carePeriod: x.period === 'EVENT' ? 'EVENT' : periodLabel(x.period === 'PER_DAY' ? 'D' : 'N', i),
      amount,
      automatic: x.automatic,
      payable: true,
      clauses,
    });
  }
}

const DAY_LABELS = Array.from({ length: 16 }, (_, i) => `D${i}`);
const NIGHT_LABELS = Array.from({ length: 16 }, (_, i) => `N${i}`);
/** `D3`, `N1`, … (the usual ones are constants). */
function periodLabel(prefix: 'D' | 'N', i: number): string {
  return i < 16 ? (prefix === 'D' ? DAY_LABELS : NIGHT_LABELS)[i]! : `${prefix}${i}`;
}

// ─────────── primary regime and anti-double-dip ───────────

function cashTotal(w: RegimeWork): Money | null {
  return w.outcome.cash && w.outcome.cash.amountMinor > 0 ? w.outcome.cash : null;
}

function better(a: RegimeWork, b: RegimeWork): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.order < b.order);
}

/** The yield rule (reference `precedence.yields`) by which `w` yields to another paying regime, if any. */
function yieldOf(a: ActivePolicy, w: RegimeWork, works: RegimeWork[]): { rule: YieldRule; to: RegimeWork } | null {
  for (const rule of a.yields) {
    if (rule.regime !== w.r.regime) continue;
    let to: RegimeWork | null = null;
    for (const o of works)
      if (o !== w && o.outcome.applies && cashTotal(o) && rule.to.includes(o.r.regime) && (!to || better(o, to)))
        to = o;
    if (to) return { rule, to };
  }
  return null;
}

function isPayer(w: RegimeWork): boolean {
  return w.outcome.applies === true && cashTotal(w) !== null;
}

/** Works through `works` in place (no list of payers or of yields is built: usually one regime pays). */
function selectPrimary(a: ActivePolicy, works: RegimeWork[]): { primary: RegimeWork | null; reason: string } {
  // A regime that yields to another paying regime (e.g. APPR when EU261 pays) cannot be primary.
  let best: RegimeWork | null = null;
  let payers = 0;
  let yielding = 0;
  for (const w of works) {
    if (!isPayer(w)) continue;
    payers++;
    if (yieldOf(a, w, works)) yielding++;
    else if (!best || better(w, best)) best = w;
  }
  if (!best) for (const w of works) if (isPayer(w) && (!best || better(w, best))) best = w; // every payer yields: rank decides
  if (best) {
    const rule = best.outcome.clauses[0]?.id ?? '';
    let why = '';
    if (yielding)
      for (const w of works) {
        if (w === best || !isPayer(w)) continue;
        const y = yieldOf(a, w, works);
        if (!y) continue;
        // The yielding regime's outcome is its own (it pays, so it is not a shared one): cite the rule there.
        w.outcome.clauses.push({ id: y.rule.id, reason: y.rule.reason, inputs: { yieldsTo: y.to.r.regime } });
        why += ` ${w.r.title} yields (${y.rule.id}): ${y.rule.reason}`;
      }
    if (payers === 1) {
      const cs = best.rule;
      if (cs === null || cs.id !== rule)
        return { primary: best, reason: `${best.r.title} is the only regime that pays compensation (${rule}).` };
      return {
        primary: best,
        reason: (cs.onlyPayerReason ??= `${best.r.title} is the only regime that pays compensation (${rule}).`),
      };
    }
    let others = '';
    for (const o of works)
      if (o !== best && isPayer(o))
        others += `${others ? ', ' : ''}${o.r.regime} (${o.outcome.clauses[0]?.id}, rank ${o.rank})`;
    return {
      primary: best,
      reason: `${best.r.title} is primary: its scope rule ${rule} (rank ${best.rank}) takes precedence over ${others}; compensation is paid once.${why}`,
    };
  }
  for (const w of works) if (w.outcome.applies && (!best || better(w, best))) best = w;
  if (!best) return { primary: null, reason: 'No regime applies to this journey.' };
  const id = best.outcome.clauses[0]?.id;
  const cs = best.rule;
  if (cs === null || cs.id !== id)
    return {
      primary: best,
      reason: `No regime pays compensation; ${best.r.title} governs care and assistance (${id}).`,
    };
  return {
    primary: best,
    reason: (cs.careReason ??= `No regime pays compensation; ${best.r.title} governs care and assistance (${id}).`),
  };
}

/**
 * `m` in `to` at the case's exchange rate (fxRates `FROM/TO`, or the inverse `TO/FROM`), half-up once;
 * null when the case supplies neither rate.
 */
function convertAtCaseRate(ctx: Ctx, m: Money, to: string): { money: Money; rateKey: string; rate: string } | null {
  const rates = ctx.c.fxRates;
  if (!rates) return null;
  const direct = `${m.currency}/${to}`;
  const inverse = `${to}/${m.currency}`;
  if (rates[direct]) return { money: convert(m, rates[direct], to), rateKey: direct, rate: rates[direct] };
  if (rates[inverse]) return { money: convertInverse(m, rates[inverse], to), rateKey: inverse, rate: rates[inverse] };
  return null;
}

/**
 * Anti-double-dip: a regime that is not primary either is barred (`bar`, e.g. APPR) or deducts what the
 * primary regime and any compensation paid elsewhere already pay (`deduct`, Art 12). A deduction in another
 * currency is converted at the case's exchange rate; without a rate the entitlement waits for review
 * (not payable, amount kept): it is never wiped out.
 */
const NO_ELSEWHERE: readonly { regime: string; amount: Money }[] = Object.freeze([]);

function antiDoubleDip(ctx: Ctx, works: RegimeWork[], primary: RegimeWork | null): void {
  const elsewhere = ctx.c.compensatedElsewhere ?? NO_ELSEWHERE;
  for (const w of works) {
    const rule = w.r.antiDoubleDip;
    if (!rule || !w.cash.length) continue;
    const others: { regime: string; amount: Money }[] = [];
    if (primary && primary !== w && cashTotal(primary))
      others.push({ regime: primary.r.regime, amount: cashTotal(primary)! });
    for (const e of elsewhere) if (e.regime !== w.r.regime) others.push(e);
    if (!others.length) continue;
    for (const e of w.cash) {
      if (!e.amount || !e.payable) continue;
      for (const o of others) {
        const inputs: Clause['inputs'] = {
          otherRegime: o.regime,
          otherMinor: o.amount.amountMinor,
          otherCurrency: o.amount.currency,
          ownMinor: e.amount.amountMinor,
        };
        if (rule.mode === 'bar') {
          e.clauses.push({ id: rule.id, reason: `${rule.reason} (${o.regime})`, inputs });
          e.payable = false;
          break;
        }
        let deducted = o.amount;
        if (o.amount.currency !== e.amount.currency) {
          const conv = convertAtCaseRate(ctx, o.amount, e.amount.currency);
          if (!conv) {
            const key = `${o.amount.currency}/${e.amount.currency}`;
            addReview(
              ctx,
              `exchange rate ${key} (fxRates) to deduct the ${o.regime} compensation from ${w.r.title} (Art 12)`,
            );
            e.clauses.push({
              id: rule.id,
              reason: `${rule.reason} (${o.regime}, paid in ${o.amount.currency}): the deduction waits for the ${key} exchange rate`,
              inputs,
            });
            e.payable = false;
            break;
          }
          inputs.rateKey = conv.rateKey;
          inputs.rate = conv.rate;
          inputs.otherConvertedMinor = conv.money.amountMinor;
          deducted = conv.money;
        }
        const left = Math.max(0, e.amount.amountMinor - deducted.amountMinor);
        inputs.remainingMinor = left; // this clause's own inputs object: same keys, same order as a copy
        e.clauses.push({
          id: rule.id,
          reason: `${rule.reason} (${o.regime}${deducted === o.amount ? '' : `, converted at ${inputs.rateKey} ${inputs.rate}`})`,
          inputs,
        });
        e.amount = { amountMinor: left, currency: e.amount.currency };
        if (left === 0) {
          e.payable = false;
          break;
        }
      }
    }
    let sum = 0;
    let cur: string | null = null;
    for (const e of w.cash)
      if (e.payable && e.amount) {
        sum += e.amount.amountMinor;
        cur = e.amount.currency;
      }
    w.outcome.cash = cur
      ? { amountMinor: sum, currency: cur }
      : w.outcome.cash
        ? { amountMinor: 0, currency: w.outcome.cash.currency }
        : null;
  }
}

// ─────────── entry point ───────────

/**
 * Evaluate one claim case. Pure and deterministic; never throws on a case that passed parseClaimCase
 * (an unexpected internal failure becomes a needsReview item instead of an exception).
 */
export function evaluate(c: ClaimCase, p: PolicySet): Decision {
  const segs = c.segments;
  const dseg = segs[Math.min(c.disruptedSegment ?? 0, segs.length - 1)]!;
  const policyDate = dseg.scheduledDeparture;
  const policyMs = isoMs(policyDate);
  const a = p.at(policyMs);
  try {
    const ctx = buildCtx(c, a, policyMs, segs, dseg);
    const entitlements: DecisionEntitlement[] = [];
    const regimes = a.regimes;
    const works: RegimeWork[] = new Array(regimes.length);
    for (let i = 0; i < regimes.length; i++) works[i] = evalRegime(ctx, regimes[i]!, i, entitlements);
    const { primary, reason } = selectPrimary(a, works);
    if (primary) {
      if (primary.shared) {
        primary.outcome = { ...primary.outcome };
        primary.shared = false;
      }
      primary.outcome.primary = true;
    }
    antiDoubleDip(ctx, works, primary);
    return {
      caseId: c.caseId ?? null,
      policyVersion: a.policyVersion,
      policies: a.policies,
      policyDate,
      needsReview: ctx.review,
      primaryRegime: primary ? primary.r.regime : null,
      primaryReason: reason,
      facts: facts(ctx),
      regimes: outcomes(works),
      entitlements,
      totals: totals(entitlements),
    };
  } catch (err) {
    return {
      caseId: c.caseId ?? null,
      policyVersion: a.policyVersion,
      policies: a.policies,
      policyDate,
      needsReview: [`internal error while evaluating: ${err instanceof Error ? err.message : String(err)}`],
      primaryRegime: null,
      primaryReason: 'Evaluation failed; a person must decide.',
      facts: {
        origin: c.segments[0]!.origin,
        destination: c.segments[c.segments.length - 1]!.destination,
        distanceKm: null,
        arrivalDelayMinutes: null,
        departureDelayMinutes: null,
        noticeMinutes: null,
        causeCode: c.cause?.code ?? null,
        causeCategory: 'unknown',
        liableCarrier: c.segments[0]!.carrier,
      },
      regimes: [],
      entitlements: [],
      totals: [],
    };
  }
}

function outcomes(works: RegimeWork[]): RegimeOutcome[] {
  const out: RegimeOutcome[] = new Array(works.length);
  for (let i = 0; i < works.length; i++) out[i] = works[i]!.outcome;
  return out;
}

function num(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function facts(ctx: Ctx): Decision['facts'] {
  return {
    origin: ctx.originCode,
    destination: ctx.destCode,
    distanceKm: num(ctx.m[M_DISTANCE]!),
    arrivalDelayMinutes: num(ctx.m[M_ARRIVAL]!),
    departureDelayMinutes: num(ctx.m[M_DEPARTURE]!),
    noticeMinutes: num(ctx.m[M_NOTICE]!),
    causeCode: ctx.causeCode,
    causeCategory: ctx.causeCategory,
    liableCarrier: ctx.carrierCode,
  };
}

function totals(es: DecisionEntitlement[]): Money[] {
  const out: Money[] = [];
  for (const e of es) {
    if (!e.payable || !e.amount || e.amount.amountMinor === 0) continue;
    let t: Money | undefined;
    for (const x of out) if (x.currency === e.amount.currency) t = x;
    if (t) t.amountMinor += e.amount.amountMinor;
    else out.push({ amountMinor: e.amount.amountMinor, currency: e.amount.currency });
  }
  return out;
}

import type { Flight } from '../domain/entities.js';
import { airportByIata } from '../reference/airports.js';

/**
 * What a flight does at one station, for the station board (issue #12): an arrival shows the
 * arrival time at THIS station, a departure the departure time, and the board sorts by that
 * instant (absolute, so flights from origins in other zones interleave correctly) and shows it in
 * the station's own zone. Pure: no clock, no I/O.
 */

/** `dep` = the flight leaves this station; `arr` = it lands here. */
export type MovementKind = 'dep' | 'arr';

export type MovementFlight = Pick<
  Flight,
  | 'id'
  | 'origin'
  | 'destination'
  | 'scheduledDeparture'
  | 'scheduledArrival'
  | 'estimatedDeparture'
  | 'estimatedArrival'
  | 'actualDeparture'
  | 'actualArrivalDoorOpen'
  | 'gate'
>;

export interface StationMovement {
  kind: MovementKind;
  /** The other end: the destination of a departure, the origin of an arrival. */
  otherEnd: string;
  scheduled: string;
  estimated: string | null;
  actual: string | null;
  /**
   * The gate at this station. The flight feed (FlightPulse) carries the departure gate only, so
   * an arrival's gate is null ("not known") rather than the origin's gate shown as if it were ours.
   */
  gate: string | null;
  /** Scheduled instant of this station's movement in epoch ms: the board's sort key. */
  sortKey: number;
}

/** The movement of `f` at `station`. A flight that starts and ends at the station counts as a departure. */
export function stationMovement(f: MovementFlight, station: string): StationMovement {
  if (f.origin === station || f.destination !== station) {
    return {
      kind: 'dep',
      otherEnd: f.destination,
      scheduled: f.scheduledDeparture,
      estimated: f.estimatedDeparture,
      actual: f.actualDeparture,
      gate: f.gate,
      sortKey: instant(f.scheduledDeparture),
    };
  }
  return {
    kind: 'arr',
    otherEnd: f.origin,
    scheduled: f.scheduledArrival,
    estimated: f.estimatedArrival,
    actual: f.actualArrivalDoorOpen,
    gate: null,
    sortKey: instant(f.scheduledArrival),
  };
}

const instant = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
};

/**
 * Board order: by the scheduled instant of the station's movement, then flight id (stable). A
 * copy; the input is not changed.
 */
export function sortByStationTime<T extends MovementFlight>(flights: readonly T[], station: string): T[] {
  return flights
    .map((f) => ({ f, k: stationMovement(f, station).sortKey }))
    .sort((a, b) => a.k - b.k || (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0))
    .map((x) => x.f);
}

/** The station's IANA zone from the airport reference data; `UTC` when the airport is unknown. */
export function stationZone(station: string): string {
  return airportByIata(station)?.tz ?? 'UTC';
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock parts of an instant in a zone: day `YYYY-MM-DD`, hour 0–23, `HH:MM`, offset `GMT-7`. */
export function localTime(iso: string | number, timeZone: string): { day: string; hour: number; hhmm: string; offset: string } {
  const p = Object.fromEntries(
    partsIn(timeZone)
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  const offset = p.timeZoneName === 'GMT' ? 'GMT+0' : (p.timeZoneName ?? 'GMT+0');
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), hhmm: `${p.hour}:${p.minute}`, offset };
}

/**
 * Minutes between the scheduled and the best-known time (actual, else estimated); 0 when on time
 * or early, null when nothing newer than the schedule is known.
 */
export function movementDelay(m: Pick<StationMovement, 'scheduled' | 'estimated' | 'actual'>): number | null {
  const later = m.actual ?? m.estimated;
  if (!later) return null;
  const d = Math.round((Date.parse(later) - Date.parse(m.scheduled)) / 60_000);
  return Number.isFinite(d) ? Math.max(0, d) : null;
}

/**
 * Wall-clock ↔ UTC conversions for IANA time zones with Intl only (no tz library): the demo
 * schedule is written in local times at the origin, as airlines publish it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `tz` at instant `ms`. */
export function wallClock(ms: number, tz: string): WallClock {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function tzOffsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant (ms) of local date `YYYY-MM-DD` + `minutesOfDay` in `tz`. In a DST gap the
 * time is moved forward by the gap, like airlines do; in an overlap the first occurrence wins.
 */
export function zonedToUtcMs(date: string, minutesOfDay: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 0, minutesOfDay);
  const guess = naive - tzOffsetMs(naive, tz);
  const second = naive - tzOffsetMs(guess, tz);
  if (second === guess) return guess;
  const roundTrips = (ms: number) => ms + tzOffsetMs(ms, tz) === naive;
  if (roundTrips(guess) && roundTrips(second)) return Math.min(guess, second);
  if (roundTrips(guess)) return guess;
  if (roundTrips(second)) return second;
  return Math.max(guess, second); // in the gap: the later reading is the wall time moved forward
}

/** Local calendar date (`YYYY-MM-DD`) in `tz` at instant `ms`. */
export function localDate(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO instant without milliseconds (`2026-11-24T08:00:00Z`), the form FlightPulse uses. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

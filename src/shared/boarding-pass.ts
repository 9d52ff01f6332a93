import { decode } from 'bcbp';
import { z } from 'zod';

/**
 * IATA Bar Coded Boarding Pass (Resolution 792) as the desk reads it. Decoding and matching live
 * here and in main (CacheQueries.scan) so that the rule is enforced in one place; the renderer
 * only recognises that a keystroke burst or a paste *looks like* a pass (`looksLikeBoardingPass`)
 * and hands the raw text to main.
 */

/** What the desk needs of a scanned pass (the first leg; the gate serves one flight). */
export const BoardingPassSchema = z.object({
  /** Booking reference (PNR) of the operating carrier, upper case. */
  pnr: z.string().regex(/^[A-Z0-9]{5,7}$/),
  /** Surname as printed on the pass: upper case, ASCII, possibly truncated to fit 20 characters. */
  lastName: z.string().min(1),
  /** Given name(s) as printed, possibly with a title (MR, MRS) or truncated; may be empty. */
  firstName: z.string(),
  /** True when the name field is full (20 characters): the printed name may be cut short. */
  nameTruncated: z.boolean(),
  carrier: z.string().regex(/^[A-Z0-9]{2,3}$/),
  /** Flight number without leading zeros, with its optional suffix letter (`834`, `12A`). */
  flightNumber: z.string().regex(/^\d{1,4}[A-Z]?$/),
  /** Day of the year of the flight's departure (local date at the origin), 1–366: a pass carries no year. */
  dayOfYear: z.number().int().min(1).max(366),
  from: z.string().regex(/^[A-Z]{3}$/),
  to: z.string().regex(/^[A-Z]{3}$/),
  /** Seat without leading zeros (`12A`), or null (infant, not yet assigned). */
  seat: z.string().nullable(),
  /** 13-digit e-ticket number (airline numeric code + serial), when the pass carries one. */
  ticketNumber: z.string().regex(/^\d{13}$/).nullable(),
});
export type BoardingPass = z.infer<typeof BoardingPassSchema>;

/** Why a pass is unreadable: `shape` (not BCBP at all), `name`, or a `field` that does not read. */
export const UnreadableCodeSchema = z.enum(['shape', 'name', 'field']);
export type UnreadableCode = z.infer<typeof UnreadableCodeSchema>;

export type BoardingPassParse =
  | { ok: true; pass: BoardingPass }
  | { ok: false; code: UnreadableCode; field: string | null; reason: string };

/** The mandatory part of a one-leg pass is 60 characters: format `M`, leg count 1–4. */
const SHAPE = /^M[1-4][\x20-\x7e]{58,}$/;

/** True when the text has the shape of a BCBP string (cheap; the renderer's trigger). Not a validation. */
export function looksLikeBoardingPass(text: string): boolean {
  return SHAPE.test(text.replace(/[\r\n]+$/, ''));
}

/** Upper-case ASCII letters only (diacritics dropped): how names are compared with a pass. */
export function normaliseName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

const stripZeros = (s: string): string => s.replace(/^0+(?=\d)/, '');

/** Day of the year (1–366) of a date given as `YYYY-MM-DD`. */
export function dayOfYear(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000) + 1;
}

/**
 * Decodes a scanned or pasted pass with the `bcbp` package and checks every field the desk
 * relies on (the package itself accepts anything and returns whatever falls in each column).
 * Never throws: an unreadable pass is `{ ok: false, reason }` in plain words.
 */
export function parseBoardingPass(raw: string): BoardingPassParse {
  const text = raw.replace(/[\r\n]+$/, '');
  if (!looksLikeBoardingPass(text)) {
    return {
      ok: false,
      code: 'shape',
      field: null,
      reason: 'This is not a boarding pass barcode (it must start with M1 and be at least 60 characters).',
    };
  }
  let decoded: ReturnType<typeof decode>;
  try {
    // 2000 is a leap year, so day 366 decodes and the day of the year comes back as printed.
    decoded = decode(text, 2000);
  } catch {
    return { ok: false, code: 'shape', field: null, reason: 'The boarding pass barcode could not be decoded.' };
  }
  const leg = decoded.data?.legs?.[0];
  const name = decoded.data?.passengerName ?? '';
  const date = leg?.flightDate;
  const [last = '', first = ''] = name.split('/');
  const seat = (leg?.seatNumber ?? '').trim();
  const serial = `${leg?.airlineNumericCode ?? ''}${leg?.serialNumber ?? ''}`.trim();
  const candidate = {
    pnr: (leg?.operatingCarrierPNR ?? '').trim().toUpperCase(),
    lastName: normaliseName(last),
    firstName: normaliseName(first),
    nameTruncated: name.length >= 20,
    carrier: (leg?.operatingCarrierDesignator ?? '').trim().toUpperCase(),
    flightNumber: stripZeros((leg?.flightNumber ?? '').trim().toUpperCase()),
    dayOfYear:
      date instanceof Date && !Number.isNaN(date.getTime()) ? dayOfYear(date.toISOString().slice(0, 10)) : Number.NaN,
    from: (leg?.departureAirport ?? '').trim().toUpperCase(),
    to: (leg?.arrivalAirport ?? '').trim().toUpperCase(),
    seat: /^\d{1,3}[A-Z]$/.test(seat) ? stripZeros(seat) : null,
    ticketNumber: /^\d{13}$/.test(serial) ? serial : null,
  };
  // SURNAME/GIVEN; a surname that fills all 20 characters is printed cut short, without the slash.
  if ((!name.includes('/') && !candidate.nameTruncated) || candidate.lastName === '') {
    return { ok: false, code: 'name', field: null, reason: 'The boarding pass has no readable passenger name.' };
  }
  const parsed = BoardingPassSchema.safeParse(candidate);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'field');
    const label: Record<string, string> = {
      pnr: 'booking reference',
      carrier: 'airline',
      flightNumber: 'flight number',
      dayOfYear: 'flight date',
      from: 'departure airport',
      to: 'arrival airport',
    };
    return { ok: false, code: 'field', field, reason: `The boarding pass has no readable ${label[field] ?? field}.` };
  }
  return { ok: true, pass: parsed.data };
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in an IANA zone (UTC if the zone is unknown). */
export function localDate(instant: string, timeZone: string): string {
  const at = new Date(instant);
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch {
    return at.toISOString().slice(0, 10);
  }
}

/**
 * Whether the name on a pass is this passenger's. Surnames must be equal, or the printed one a
 * prefix when the pass's name field is full (cut short). Given names compare either way round as
 * prefixes (a pass may cut them short, or add a title such as `MRS`); an empty one on the pass matches.
 */
export function nameMatches(pass: BoardingPass, p: { firstName: string; lastName: string }): boolean {
  const last = normaliseName(p.lastName);
  const first = normaliseName(p.firstName);
  const lastOk = last === pass.lastName || (pass.nameTruncated && pass.lastName.length >= 2 && last.startsWith(pass.lastName));
  if (!lastOk) return false;
  if (pass.firstName === '' || first === '') return true;
  return pass.firstName.startsWith(first) || first.startsWith(pass.firstName);
}

/** Whether the pass is for this flight: operating carrier, number (zeros ignored), and the day of the local departure date. */
export function flightMatches(
  pass: BoardingPass,
  f: { carrier: string; number: string; scheduledDeparture: string },
  originTimeZone: string,
): boolean {
  return (
    f.carrier.toUpperCase() === pass.carrier &&
    stripZeros(f.number.toUpperCase()) === pass.flightNumber &&
    dayOfYear(localDate(f.scheduledDeparture, originTimeZone)) === pass.dayOfYear
  );
}

/** Why a readable pass matched no booking the user may open. */
export type PassMiss = 'no_booking' | 'no_name' | 'no_flight' | 'other_station';

/**
 * Picks the booking a pass is for among the bookings of its PNR: the name must match, then the
 * flight, then the booking must be at one of the user's stations. Returns the index, or why none.
 */
export function matchBoardingPass<C>(
  pass: BoardingPass,
  candidates: readonly C[],
  view: (c: C) => {
    passenger: { firstName: string; lastName: string };
    flight: { carrier: string; number: string; scheduledDeparture: string } | null;
    originTimeZone: string;
    visible: boolean;
  },
): { index: number } | { miss: PassMiss } {
  if (candidates.length === 0) return { miss: 'no_booking' };
  const named = candidates.map((c, i) => ({ v: view(c), i })).filter((x) => nameMatches(pass, x.v.passenger));
  if (named.length === 0) return { miss: 'no_name' };
  const onFlight = named.filter((x) => x.v.flight !== null && flightMatches(pass, x.v.flight, x.v.originTimeZone));
  if (onFlight.length === 0) return { miss: 'no_flight' };
  const visible = onFlight.find((x) => x.v.visible);
  return visible ? { index: visible.i } : { miss: 'other_station' };
}

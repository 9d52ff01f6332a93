import { formatMoney, type Money } from '../../shared/money.js';
import { airportByIata } from '../../shared/reference/airports.js';

/** Amount from integer minor units, e.g. `15.00 USD`; `—` when the entitlement has no amount (a service). */
export const money = (m: Money | null): string => (m ? formatMoney(m) : '—');

const localFormats = new Map<string, Intl.DateTimeFormat>();
function localParts(d: Date, timeZone: string): { day: string; hhmm: string } {
  let f = localFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hhmm: `${p.hour}:${p.minute}` };
}

/**
 * A time as the station reads it: local time at `airport` (its IANA zone from the reference data),
 * with the month-day when it is not today there, e.g. `03:00` or `11-25 07:15`. Without a known
 * airport it falls back to UTC with a `Z` (ops convention), so a time is never shown in the wrong zone.
 */
export function time(iso: string | null, airport?: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const tz = airport ? airportByIata(airport)?.tz : undefined;
  if (tz) {
    try {
      const at = localParts(d, tz);
      const today = localParts(new Date(), tz).day;
      return at.day === today ? at.hhmm : `${at.day.slice(5)} ${at.hhmm}`;
    } catch {
      // Unknown zone name in this runtime: fall through to UTC.
    }
  }
  const hhmm = d.toISOString().slice(11, 16);
  const today = new Date().toISOString().slice(0, 10);
  const day = d.toISOString().slice(0, 10);
  return day === today ? `${hhmm}Z` : `${day.slice(5)} ${hhmm}Z`;
}

/** The UTC form of a time, for tooltips next to a local time. */
export const utc = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');

export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

const TYPE_LABEL: Record<string, string> = {
  meal: 'Meal voucher',
  hotel: 'Hotel',
  transport: 'Ground transport',
  communication: 'Phone / communication',
  cash: 'Cash compensation',
  refund: 'Refund',
  travel_credit: 'Travel credit',
  rebooking: 'Rebooking',
};
export const entitlementLabel = (type: string): string => TYPE_LABEL[type] ?? type.replaceAll('_', ' ');

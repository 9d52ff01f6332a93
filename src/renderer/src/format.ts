import { minorExponent, type Money } from '../../shared/money.js';
import { airportByIata } from '../../shared/reference/airports.js';
import { currentLanguage, i18n } from './i18n/index.js';
import { localTime } from '../../shared/board/station-movement.js';
import { CommandTypeSchema } from '../../shared/sync/protocol.js';

// Every formatter follows the active desk language (i18n/index.ts): digits, separators and words.
// Times stay 24-hour in every language (ops convention) and in the station's zone.

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(digits: number): Intl.NumberFormat {
  const key = `${currentLanguage()}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, f);
  }
  return f;
}

/** A count or quantity in the desk language: `12,400` (en), `12.400` (es). */
export const num = (n: number): string => numberFormat(0).format(n);

/**
 * Amount from integer minor units, e.g. `15.00 USD` (en) or `15,00 USD` (es); `—` when the entitlement
 * has no amount (a service). The ISO code, not a symbol: `$` is ambiguous across stations.
 */
export const money = (m: Money | null): string => {
  if (!m) return '—';
  const e = minorExponent(m.currency);
  return `${numberFormat(e).format(m.amountMinor / 10 ** e)} ${m.currency}`;
};

/** Local day and `HH:MM` of an instant in a zone (one formatter cache, in src/shared/board). */
function localParts(d: Date, timeZone: string): { day: string; hhmm: string } {
  return localTime(d.getTime(), timeZone);
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
      return at.day === today ? at.hhmm : `${monthDay(at.day)} ${at.hhmm}`;
    } catch {
      // Unknown zone name in this runtime: fall through to UTC.
    }
  }
  const hhmm = d.toISOString().slice(11, 16);
  const today = new Date().toISOString().slice(0, 10);
  const day = d.toISOString().slice(0, 10);
  return day === today ? `${hhmm}Z` : `${monthDay(day)} ${hhmm}Z`;
}

/** `MM-DD` in English (as ops write it), `DD/MM` in Spanish, from a `YYYY-MM-DD` day. */
function monthDay(day: string): string {
  const [, mm, dd] = day.split('-');
  return currentLanguage() === 'es' ? `${dd}/${mm}` : `${mm}-${dd}`;
}

/** The UTC form of a time, for tooltips next to a local time. */
export const utc = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');

/** How long ago, in the desk language: `just now`, `12s ago`, `3 min ago`, `2 h ago` (en). */
export function ago(iso: string | null): string {
  const t = i18n.getFixedT(null, 'common');
  if (!iso) return t('ago.never');
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 5) return t('ago.now');
  if (s < 60) return t('ago.seconds', { n: s });
  if (s < 3600) return t('ago.minutes', { n: Math.round(s / 60) });
  return t('ago.hours', { n: Math.round(s / 3600) });
}

const ENTITLEMENT_TYPES = new Set(['meal', 'hotel', 'transport', 'communication', 'cash', 'refund', 'travel_credit', 'rebooking']);
/** A care or compensation type in plain words, e.g. `Meal voucher`; an unknown type with spaces for `_`. */
export const entitlementLabel = (type: string): string =>
  ENTITLEMENT_TYPES.has(type) ? i18n.t(`entitlement.${type}`, { ns: 'common' }) : type.replaceAll('_', ' ');

/** Sync bar text while a station loads from the server's snapshot: `Loading PHX: 12,400 of 100,000`. */
export function bootstrapLabel(station: string, applied: number, total: number): string {
  return total > 0
    ? i18n.t('loading.progress', { ns: 'common', station, applied: num(applied), total: num(total) })
    : i18n.t('loading.start', { ns: 'common', station });
}

/** What a queued or rejected command did, in the words an agent uses (the raw type stays in a tooltip). */
const COMMAND_TYPES = new Set<string>(CommandTypeSchema.options);
export const commandLabel = (type: string): string => (COMMAND_TYPES.has(type) ? i18n.t(`command.${type}`, { ns: 'common' }) : type);

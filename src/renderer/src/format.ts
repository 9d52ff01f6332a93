import { formatMoney, type Money } from '../../shared/money.js';

/** Amount from integer minor units, e.g. `15.00 USD`; `—` when the entitlement has no amount (a service). */
export const money = (m: Money | null): string => (m ? formatMoney(m) : '—');

/** `HH:MM` UTC plus date when not today; the desk shows UTC (ops convention) until station time zones land. */
export function time(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const hhmm = d.toISOString().slice(11, 16);
  const today = new Date().toISOString().slice(0, 10);
  const day = d.toISOString().slice(0, 10);
  return day === today ? `${hhmm}Z` : `${day.slice(5)} ${hhmm}Z`;
}

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

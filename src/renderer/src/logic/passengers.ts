import type { EntitlementView, PassengerRow } from '../../../shared/rpc/contract.js';

/** Whether a passenger row matches the filter box: every word must appear in name, PNR or seat. */
export function matchesFilter(r: PassengerRow, q: string): boolean {
  if (!q) return true;
  const hay =
    `${r.passenger.lastName} ${r.passenger.firstName} ${r.passenger.firstName} ${r.passenger.lastName} ${r.booking.pnr} ${r.booking.seat ?? ''}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** Whether the Issue button may be pressed: offered, nothing pending, not already issued. */
export const canIssue = (e: Pick<EntitlementView, 'status' | 'syncState'>): boolean =>
  e.status === 'OFFERED' && e.syncState !== 'pending';

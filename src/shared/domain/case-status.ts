import type { Case, CaseStatus, Entitlement } from './entities.js';

/** Entitlement types that are a choice (refund or rebooking), settled by recordChoice, never issued with a voucher. */
export const CHOICE_TYPES: ReadonlySet<string> = new Set(['refund_or_reroute', 'rebooking_or_refund']);

/**
 * A case's status follows from its entitlements and assignee (one rule for the server, the
 * workflow and the desk's optimistic view): CLOSED stays closed; any entitlement waiting for a
 * supervisor → AWAITING_APPROVAL; nothing left to issue or decide → RESOLVED; otherwise
 * IN_PROGRESS when someone holds the case, OPEN when nobody does.
 */
export function deriveCaseStatus(
  c: Pick<Case, 'status' | 'assignee'> & { passengerChoice?: Case['passengerChoice'] },
  entitlements: readonly (Pick<Entitlement, 'status'> & { type?: string })[],
): CaseStatus {
  if (c.status === 'CLOSED') return 'CLOSED';
  if (entitlements.some((e) => e.status === 'PENDING_APPROVAL')) return 'AWAITING_APPROVAL';
  // A rebooking-or-refund entitlement is settled by the passenger's recorded choice, not by a voucher.
  const open = (e: Pick<Entitlement, 'status'> & { type?: string }): boolean =>
    e.status === 'OFFERED' && !(c.passengerChoice && e.type !== undefined && CHOICE_TYPES.has(e.type));
  if (entitlements.length > 0 && !entitlements.some(open)) return 'RESOLVED';
  return c.assignee ? 'IN_PROGRESS' : 'OPEN';
}

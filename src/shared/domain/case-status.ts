import type { Case, CaseStatus, Entitlement } from './entities.js';

/**
 * A case's status follows from its entitlements and assignee (one rule for the server, the
 * workflow and the desk's optimistic view): CLOSED stays closed; any entitlement waiting for a
 * supervisor → AWAITING_APPROVAL; nothing left to issue or decide → RESOLVED; otherwise
 * IN_PROGRESS when someone holds the case, OPEN when nobody does.
 */
export function deriveCaseStatus(c: Pick<Case, 'status' | 'assignee'>, entitlements: readonly Pick<Entitlement, 'status'>[]): CaseStatus {
  if (c.status === 'CLOSED') return 'CLOSED';
  if (entitlements.some((e) => e.status === 'PENDING_APPROVAL')) return 'AWAITING_APPROVAL';
  if (entitlements.length > 0 && !entitlements.some((e) => e.status === 'OFFERED')) return 'RESOLVED';
  return c.assignee ? 'IN_PROGRESS' : 'OPEN';
}

import type { EntitlementView } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

/** Whether the Issue button may be pressed: offered, nothing pending, not already issued. */
const NO_ENTITLEMENTS: EntitlementView[] = [];

export const canIssue = (e: EntitlementView): boolean => e.status === 'OFFERED' && e.syncState !== 'pending';

export const caseSelectors = {
  view: (s: DeskState) => s.caseData,
  status: (s: DeskState) => ({ id: s.caseId, loading: s.caseLoading, error: s.caseError, issueError: s.issueError }),
  issuing: (s: DeskState) => s.issuing,
  entitlements: (s: DeskState) => s.caseData?.entitlements ?? NO_ENTITLEMENTS,
};

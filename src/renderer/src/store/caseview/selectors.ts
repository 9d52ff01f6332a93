import type { EntitlementView } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

export { canIssue } from '../../logic/passengers.js';

const NO_ENTITLEMENTS: EntitlementView[] = [];

export const caseSelectors = {
  view: (s: DeskState) => s.caseData,
  status: (s: DeskState) => ({ id: s.caseId, loading: s.caseLoading, error: s.caseError, issueError: s.issueError }),
  issuing: (s: DeskState) => s.issuing,
  entitlements: (s: DeskState) => s.caseData?.entitlements ?? NO_ENTITLEMENTS,
};

import type { EntitlementView } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

export { canIssue } from '../../logic/passengers.js';

const NO_ENTITLEMENTS: EntitlementView[] = [];

export const caseSelectors = {
  view: (s: DeskState) => s.caseData,
  status: (s: DeskState) => ({ id: s.caseId, loading: s.caseLoading, error: s.caseError, issueError: s.issueError }),
  issuing: (s: DeskState) => s.issuing,
  entitlements: (s: DeskState) => s.caseData?.entitlements ?? NO_ENTITLEMENTS,
  command: (s: DeskState) => ({ busy: s.caseBusy, error: s.caseCommandError }),
  entitlementById: (id: string) => (s: DeskState) => s.caseData?.entitlements.find((e) => e.id === id) ?? null,
  issuanceById: (id: string) => (s: DeskState) => s.caseData?.issuances.find((i) => i.id === id) ?? null,
};

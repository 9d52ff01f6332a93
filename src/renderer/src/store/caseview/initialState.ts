import type { CaseView } from '../../../../shared/rpc/contract.js';

export interface CaseState {
  caseId: string | null;
  caseData: CaseView | null;
  caseLoading: boolean;
  caseError: string | null;
  /** Entitlement ids with an issue call in flight (button shows progress, no double submit). */
  issuing: string[];
  issueError: string | null;
  /** A claim / release call in flight. */
  caseBusy: boolean;
  caseCommandError: string | null;
}

export const caseInitialState: CaseState = {
  caseId: null,
  caseData: null,
  caseLoading: false,
  caseError: null,
  issuing: [],
  issueError: null,
  caseBusy: false,
  caseCommandError: null,
};

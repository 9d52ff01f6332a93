import type { z } from 'zod';
import type { ApprovalView, TeamLoadResponseSchema } from '../../../../shared/rpc/contract.js';

export type TeamLoad = z.output<typeof TeamLoadResponseSchema>;

export interface ApprovalsState {
  approvals: ApprovalView[] | null;
  approvalsLoading: boolean;
  approvalsError: string | null;
  /** Selected row of the approvals queue (j/k). */
  approvalIndex: number;
  teamLoad: TeamLoad | null;
  teamLoadError: string | null;
}

export const approvalsInitialState: ApprovalsState = {
  approvals: null,
  approvalsLoading: false,
  approvalsError: null,
  approvalIndex: 0,
  teamLoad: null,
  teamLoadError: null,
};

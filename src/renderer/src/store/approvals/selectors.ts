import type { ApprovalView } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

const NONE: ApprovalView[] = [];

export const approvalsSelectors = {
  items: (s: DeskState) => s.approvals ?? NONE,
  status: (s: DeskState) => ({ loading: s.approvalsLoading, error: s.approvalsError, loaded: s.approvals !== null }),
  index: (s: DeskState) => s.approvalIndex,
  teamLoad: (s: DeskState) => s.teamLoad,
  teamLoadError: (s: DeskState) => s.teamLoadError,
  /** Open requests waiting for a decision (the nav tab's count). */
  openCount: (s: DeskState) =>
    (s.approvals ?? NONE).filter((a) => a.status === 'PENDING' || a.status === 'ESCALATED').length,
  byId: (id: string) => (s: DeskState) => s.approvals?.find((a) => a.id === id) ?? null,
};

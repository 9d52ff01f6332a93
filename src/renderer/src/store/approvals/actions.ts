import { isSupervisor } from '../../logic/money.js';
import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';

export interface ApprovalsActions {
  /** approval:list for the current station (supervisor/admin only). */
  loadApprovals(): Promise<void>;
  loadTeamLoad(): Promise<void>;
  /** `a` / `d`: opens the approve / deny dialog for the selected approval, when it may be decided. */
  decideSelected(decision: 'approve' | 'deny'): void;
}

export const approvalsActions: Slice<ApprovalsActions> = (set, get) => ({
  async loadApprovals() {
    const { station, session } = get();
    if (!isSupervisor(session)) return;
    set({ approvalsLoading: get().approvals === null });
    try {
      // Without a station (an admin holding `*` only) the list covers every station the user holds.
      const { items } = await call('approval:list', station ? { station } : {});
      if (get().station !== station) return;
      set({
        approvals: items,
        approvalsLoading: false,
        approvalsError: null,
        approvalIndex: Math.max(0, Math.min(get().approvalIndex, items.length - 1)),
      });
    } catch (e) {
      set({ approvalsLoading: false, approvalsError: errorText(e) });
    }
  },
  async loadTeamLoad() {
    const { station, session } = get();
    if (!station || !isSupervisor(session)) return;
    try {
      const teamLoad = await call('team:load', { station });
      if (get().station === station) set({ teamLoad, teamLoadError: null });
    } catch (e) {
      set({ teamLoadError: errorText(e) });
    }
  },
  decideSelected(decision) {
    const s = get();
    const a = s.approvals?.[s.approvalIndex];
    if (a && a.canDecide && a.pendingDecision === null) s.openDialog({ kind: 'decide', approvalId: a.id, decision });
  },
});

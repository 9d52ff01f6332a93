import type { ConfirmationInput } from '../../../../shared/rpc/contract.js';
import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import { caseInitialState } from './initialState.js';

export interface CaseActions {
  openCase(caseId: string): Promise<void>;
  reloadCase(): Promise<void>;
  /** Closes the case panel (not the case: that is the `close` dialog). */
  closeCase(): void;
  /** Issues without a dialog: only what needs no confirmation (the dialog passes its confirmation). */
  issue(entitlementId: string, confirmation?: ConfirmationInput | null): Promise<void>;
  /** Claim or release the open case (not money: no dialog). */
  caseCommand(kind: 'claim' | 'release'): Promise<void>;
}

export const caseActions: Slice<CaseActions> = (set, get) => ({
  async openCase(caseId) {
    set({ ...caseInitialState, caseId, caseLoading: true, zone: 'case', entitlementIndex: 0 });
    await get().reloadCase();
  },
  async reloadCase() {
    const caseId = get().caseId;
    if (!caseId) return;
    try {
      const caseData = await call('case:get', { caseId });
      if (get().caseId === caseId) set({ caseData, caseLoading: false, caseError: null });
    } catch (e) {
      set({ caseLoading: false, caseError: errorText(e) });
    }
  },
  closeCase() {
    const { view, flightId } = get();
    set({
      ...caseInitialState,
      zone: view === 'queues' ? 'queue' : view === 'approvals' ? 'approvals' : flightId ? 'passengers' : 'board',
    });
  },
  async issue(entitlementId, confirmation = null) {
    if (get().issuing.includes(entitlementId)) return;
    set({ issuing: [...get().issuing, entitlementId], issueError: null });
    try {
      await call('entitlement:issue', { entitlementId, confirmation });
    } catch (e) {
      set({ issueError: errorText(e) });
    } finally {
      set({ issuing: get().issuing.filter((x) => x !== entitlementId) });
      await Promise.all([get().reloadCase(), get().reloadFlight(), get().loadSync()]);
    }
  },
  async caseCommand(kind) {
    const caseId = get().caseId;
    if (!caseId || get().caseBusy) return;
    set({ caseBusy: true, caseCommandError: null });
    try {
      await call(kind === 'claim' ? 'case:claim' : 'case:release', { caseId });
    } catch (e) {
      set({ caseCommandError: errorText(e) });
    } finally {
      set({ caseBusy: false });
      await get().refreshAll();
    }
  },
});

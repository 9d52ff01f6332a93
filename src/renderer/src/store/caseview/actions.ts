import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import { caseInitialState } from './initialState.js';

export interface CaseActions {
  openCase(caseId: string): Promise<void>;
  reloadCase(): Promise<void>;
  closeCase(): void;
  issue(entitlementId: string): Promise<void>;
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
    set({ ...caseInitialState, zone: get().flightId ? 'passengers' : 'board' });
  },
  async issue(entitlementId) {
    if (get().issuing.includes(entitlementId)) return;
    set({ issuing: [...get().issuing, entitlementId], issueError: null });
    try {
      await call('entitlement:issue', { entitlementId });
    } catch (e) {
      set({ issueError: errorText(e) });
    } finally {
      set({ issuing: get().issuing.filter((x) => x !== entitlementId) });
      await Promise.all([get().reloadCase(), get().reloadFlight(), get().loadSync()]);
    }
  },
});

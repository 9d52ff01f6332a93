import { call } from '../../rpc/client.js';
import { flightSelectors } from '../flight/selectors.js';
import { errorText, type Slice } from '../types.js';
import type { Zone } from './initialState.js';

export interface UiActions {
  setZone(zone: Zone): void;
  /** Moves the selection in the active list by `delta` rows (clamped). */
  move(delta: number): void;
  select(zone: Zone, index: number): void;
  /** Enter: opens the selected flight / passenger case. */
  openSelected(): Promise<void>;
  /** Escape: goes one level back (case → passengers → board). */
  back(): void;
  /** `i`: issues the selected entitlement of the open case. */
  issueSelected(): Promise<void>;
  toggleHelp(force?: boolean): void;
  search(query: string): Promise<void>;
  closeSearch(): void;
}

const clamp = (v: number, max: number): number => Math.max(0, Math.min(v, Math.max(0, max - 1)));

export const uiActions: Slice<UiActions> = (set, get) => ({
  setZone(zone) {
    set({ zone });
  },
  move(delta) {
    const s = get();
    if (s.zone === 'board') set({ boardIndex: clamp(s.boardIndex + delta, s.board?.flights.length ?? 0) });
    else if (s.zone === 'passengers') set({ passengerIndex: clamp(s.passengerIndex + delta, flightSelectors.visibleRows(s).length) });
    else set({ entitlementIndex: clamp(s.entitlementIndex + delta, s.caseData?.entitlements.length ?? 0) });
  },
  select(zone, index) {
    if (zone === 'board') set({ zone, boardIndex: index });
    else if (zone === 'passengers') set({ zone, passengerIndex: index });
    else set({ zone, entitlementIndex: index });
  },
  async openSelected() {
    const s = get();
    if (s.zone === 'board') {
      const f = s.board?.flights[s.boardIndex];
      if (f) await s.openFlight(f.id);
    } else if (s.zone === 'passengers') {
      const row = flightSelectors.visibleRows(s)[s.passengerIndex];
      if (row?.case) await s.openCase(row.case.id);
    }
  },
  back() {
    const s = get();
    if (s.showHelp) set({ showHelp: false });
    else if (s.searchOpen) s.closeSearch();
    else if (s.caseId) s.closeCase();
    else if (s.flightId) s.closeFlight();
  },
  async issueSelected() {
    const s = get();
    const e = s.caseData?.entitlements[s.entitlementIndex];
    if (e && e.status === 'OFFERED' && e.syncState !== 'pending') await s.issue(e.id);
  },
  toggleHelp(force) {
    set({ showHelp: force ?? !get().showHelp });
  },
  async search(query) {
    set({ searchQuery: query, searchOpen: query.trim().length > 0 });
    if (!query.trim()) {
      set({ searchHits: [], searchError: null });
      return;
    }
    try {
      const { hits } = await call('passenger:search', { query, limit: 20 });
      if (get().searchQuery === query) set({ searchHits: hits, searchError: null });
    } catch (e) {
      set({ searchError: errorText(e) });
    }
  },
  closeSearch() {
    set({ searchOpen: false, searchQuery: '', searchHits: [] });
  },
});

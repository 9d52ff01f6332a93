import { looksLikeBoardingPass } from '../../../../shared/boarding-pass.js';
import type { SearchHit } from '../../../../shared/rpc/contract.js';
import { call } from '../../rpc/client.js';
import { flightSelectors } from '../flight/selectors.js';
import { errorText, type Slice } from '../types.js';
import { SEARCH_PAGE, searchInitialState } from './initialState.js';

export interface SearchActions {
  /** Runs the search for `query` (first page). A boarding pass typed or pasted here is not searched: Enter scans it. */
  search(query: string): Promise<void>;
  /** Loads the next page of the current search. */
  searchMore(): Promise<void>;
  /** Up/Down in the results; Down past the last loaded hit loads the next page. */
  moveSearch(delta: number): Promise<void>;
  /** Opens hit `index` (or the highlighted one). */
  pickSearch(index?: number): Promise<void>;
  closeSearch(): void;
  /** Opens a passenger: the case if there is one, else the flight with the passenger selected. */
  openPassenger(hit: SearchHit): Promise<void>;
  /** Sends a scanned or pasted boarding pass to main (decoded and matched there) and opens the passenger. */
  scanPass(text: string): Promise<void>;
  dismissScan(): void;
}

let scanSeq = 0;

export const searchActions: Slice<SearchActions> = (set, get) => ({
  async search(query) {
    const q = query.trim();
    set({ searchQuery: query, searchOpen: q.length > 0, searchIndex: -1 });
    // Over 64 characters is no name, PNR, seat or ticket (a pass read into the box by a stalled reader, say).
    if (!q || looksLikeBoardingPass(q) || q.length > 64) {
      set({ searchHits: [], searchTotal: 0, searchError: null, searchLoading: false });
      return;
    }
    set({ searchLoading: true });
    try {
      const r = await call('passenger:search', { query: q, limit: SEARCH_PAGE, offset: 0 });
      if (get().searchQuery !== query) return;
      set({
        searchHits: r.hits,
        searchTotal: r.total,
        searchError: null,
        searchLoading: false,
        searchIndex: r.hits.length > 0 ? 0 : -1,
      });
    } catch (e) {
      if (get().searchQuery === query) set({ searchError: errorText(e), searchLoading: false });
    }
  },
  async searchMore() {
    const { searchQuery: query, searchHits: hits, searchTotal: total, searchLoading } = get();
    if (searchLoading || hits.length >= total || !query.trim()) return;
    set({ searchLoading: true });
    try {
      const r = await call('passenger:search', { query: query.trim(), limit: SEARCH_PAGE, offset: hits.length });
      if (get().searchQuery !== query) return;
      set({ searchHits: [...get().searchHits, ...r.hits], searchTotal: r.total, searchLoading: false, searchError: null });
    } catch (e) {
      set({ searchError: errorText(e), searchLoading: false });
    }
  },
  async moveSearch(delta) {
    const s = get();
    if (!s.searchOpen || s.searchHits.length === 0) return;
    const next = s.searchIndex + delta;
    if (next >= s.searchHits.length && s.searchHits.length < s.searchTotal) {
      await s.searchMore();
    }
    const n = get().searchHits.length;
    set({ searchIndex: Math.max(0, Math.min(next, n - 1)) });
  },
  async pickSearch(index) {
    const s = get();
    const hit = s.searchHits[index ?? s.searchIndex];
    if (!hit) return;
    s.closeSearch();
    await s.openPassenger(hit);
  },
  closeSearch() {
    set({ ...searchInitialState, scanNotice: get().scanNotice });
  },
  async openPassenger(hit) {
    const s = get();
    if (!hit.flight) return;
    if (s.view !== 'board') s.setView('board');
    await s.openFlight(hit.flight.id);
    const i = flightSelectors.visibleRows(get()).findIndex((r) => r.booking.id === hit.booking.id);
    if (i >= 0) get().select('passengers', i);
    if (hit.caseId) await get().openCase(hit.caseId);
  },
  async scanPass(text) {
    const seq = ++scanSeq;
    get().closeSearch();
    set({ scanNotice: { seq, status: 'busy' } });
    try {
      const r = await call('passenger:scan', { barcode: text.trim() });
      if (get().scanNotice?.seq !== seq) return;
      set({ scanNotice: { seq, ...r } });
      if (r.status === 'matched') await get().openPassenger(r.hit);
    } catch (e) {
      if (get().scanNotice?.seq === seq) set({ scanNotice: { seq, status: 'error', message: errorText(e) } });
    }
  },
  dismissScan() {
    set({ scanNotice: null });
  },
});

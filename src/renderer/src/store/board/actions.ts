import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';

export interface BoardActions {
  loadBoard(): Promise<void>;
  /** Re-queries everything on screen (after a `data:changed` event or sign-in). */
  refreshAll(): Promise<void>;
  /** The board's filter box; the selection goes back to the first matching row. */
  setBoardFilter(filter: string): void;
}

export const boardActions: Slice<BoardActions> = (set, get) => ({
  async loadBoard() {
    const station = get().station;
    if (!station) return;
    set({ boardLoading: get().board === null });
    try {
      const board = await call('board:flights', { station });
      if (get().station === station) set({ board, boardLoading: false, boardError: null });
    } catch (e) {
      set({ boardLoading: false, boardError: errorText(e) });
    }
  },
  setBoardFilter(boardFilter) {
    set({ boardFilter, boardIndex: 0 });
  },
  async refreshAll() {
    const s = get();
    await Promise.all([
      s.loadBoard(),
      s.flightId ? s.reloadFlight() : Promise.resolve(),
      s.caseId ? s.reloadCase() : Promise.resolve(),
      s.view === 'queues' ? s.loadQueue() : Promise.resolve(),
      // Supervisors: the approvals tab shows its count from any view.
      s.loadApprovals(),
      s.view === 'approvals' ? s.loadTeamLoad() : Promise.resolve(),
      s.loadSync(),
    ]);
  },
});

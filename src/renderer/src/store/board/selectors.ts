import type { BoardFlight } from '../../../../shared/rpc/contract.js';
import { filterFlights } from '../../logic/board-filter.js';
import type { DeskState } from '../types.js';

const NO_FLIGHTS: BoardFlight[] = [];
let memo: { flights: BoardFlight[]; filter: string; out: BoardFlight[] } = { flights: NO_FLIGHTS, filter: '', out: NO_FLIGHTS };

export const boardSelectors = {
  flights: (s: DeskState) => s.board?.flights ?? NO_FLIGHTS,
  counts: (s: DeskState) => s.board?.counts ?? null,
  filter: (s: DeskState) => s.boardFilter,
  /** The rows the board shows: filtered by the filter box (memoized, referentially stable). */
  visibleFlights: (s: DeskState): BoardFlight[] => {
    const flights = s.board?.flights ?? NO_FLIGHTS;
    if (memo.flights !== flights || memo.filter !== s.boardFilter)
      memo = { flights, filter: s.boardFilter, out: filterFlights(flights, s.boardFilter) };
    return memo.out;
  },
  status: (s: DeskState) => ({ loading: s.boardLoading, error: s.boardError, loaded: s.board !== null }),
};

import type { PassengerRow } from '../../../../shared/rpc/contract.js';
import { matchesFilter } from '../../logic/passengers.js';
import type { DeskState } from '../types.js';


let memo: { rows: PassengerRow[] | null; filter: string; out: PassengerRow[] } = { rows: null, filter: '', out: [] };

export const flightSelectors = {
  flight: (s: DeskState) => s.flightData?.flight ?? null,
  counts: (s: DeskState) => s.flightData?.counts ?? null,
  status: (s: DeskState) => ({ id: s.flightId, loading: s.flightLoading, error: s.flightError }),
  filter: (s: DeskState) => s.filter,
  /** Filtered rows (memoized on the row array and the filter, so selectors stay referentially stable). */
  visibleRows: (s: DeskState): PassengerRow[] => {
    const rows = s.flightData?.rows ?? null;
    if (memo.rows !== rows || memo.filter !== s.filter) memo = { rows, filter: s.filter, out: (rows ?? []).filter((r) => matchesFilter(r, s.filter.trim())) };
    return memo.out;
  },
};

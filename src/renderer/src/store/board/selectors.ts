import type { BoardFlight } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

const NO_FLIGHTS: BoardFlight[] = [];

export const boardSelectors = {
  flights: (s: DeskState) => s.board?.flights ?? NO_FLIGHTS,
  counts: (s: DeskState) => s.board?.counts ?? null,
  status: (s: DeskState) => ({ loading: s.boardLoading, error: s.boardError, loaded: s.board !== null }),
};

import type { DeskState } from '../types.js';

export const boardSelectors = {
  flights: (s: DeskState) => s.board?.flights ?? [],
  counts: (s: DeskState) => s.board?.counts ?? null,
  status: (s: DeskState) => ({ loading: s.boardLoading, error: s.boardError, loaded: s.board !== null }),
};

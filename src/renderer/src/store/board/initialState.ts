import type { BoardResponse } from '../../../../shared/rpc/contract.js';

export interface BoardState {
  board: BoardResponse | null;
  boardLoading: boolean;
  boardError: string | null;
  /** The board's filter box (flight number, route, status, gate). */
  boardFilter: string;
}

export const boardInitialState: BoardState = { board: null, boardLoading: false, boardError: null, boardFilter: '' };

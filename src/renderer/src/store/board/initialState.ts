import type { BoardResponse } from '../../../../shared/rpc/contract.js';

export interface BoardState {
  board: BoardResponse | null;
  boardLoading: boolean;
  boardError: string | null;
}

export const boardInitialState: BoardState = { board: null, boardLoading: false, boardError: null };

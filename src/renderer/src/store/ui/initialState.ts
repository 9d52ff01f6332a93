import type { SearchHit } from '../../../../shared/rpc/contract.js';

/** Which list the keyboard moves in. */
export type Zone = 'board' | 'passengers' | 'case';

export interface UiState {
  zone: Zone;
  boardIndex: number;
  passengerIndex: number;
  entitlementIndex: number;
  showHelp: boolean;
  searchQuery: string;
  searchHits: SearchHit[];
  searchOpen: boolean;
  searchError: string | null;
}

export const uiInitialState: UiState = {
  zone: 'board',
  boardIndex: 0,
  passengerIndex: 0,
  entitlementIndex: 0,
  showHelp: false,
  searchQuery: '',
  searchHits: [],
  searchOpen: false,
  searchError: null,
};

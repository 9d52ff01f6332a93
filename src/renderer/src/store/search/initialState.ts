import type { ScanResponse, SearchHit } from '../../../../shared/rpc/contract.js';

/** Hits per page of the passenger search (the "More" button / Down past the last loads the next). */
export const SEARCH_PAGE = 20;

/** The last boarding-pass scan, for the live region: in progress, main's answer, or a transport error. */
export type ScanNotice = { seq: number } & ({ status: 'busy' } | ScanResponse | { status: 'error'; message: string });

export interface SearchState {
  searchQuery: string;
  /** The pages loaded so far, in order. */
  searchHits: SearchHit[];
  /** How many passengers match in all (main counts them; never capped). */
  searchTotal: number;
  searchOpen: boolean;
  searchLoading: boolean;
  searchError: string | null;
  /** The highlighted option (Up/Down); -1 = none. */
  searchIndex: number;
  scanNotice: ScanNotice | null;
}

export const searchInitialState: SearchState = {
  searchQuery: '',
  searchHits: [],
  searchTotal: 0,
  searchOpen: false,
  searchLoading: false,
  searchError: null,
  searchIndex: -1,
  scanNotice: null,
};

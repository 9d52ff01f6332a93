import type { DeskState } from '../types.js';

export const searchSelectors = {
  search: (s: DeskState) => ({
    query: s.searchQuery,
    hits: s.searchHits,
    total: s.searchTotal,
    open: s.searchOpen,
    loading: s.searchLoading,
    error: s.searchError,
    index: s.searchIndex,
  }),
  scanNotice: (s: DeskState) => s.scanNotice,
};

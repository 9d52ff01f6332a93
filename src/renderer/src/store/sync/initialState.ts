import type { AttentionItem, SyncStatus } from '../../../../shared/rpc/contract.js';

export interface SyncState {
  syncStatus: SyncStatus | null;
  attention: AttentionItem[];
  showAttention: boolean;
  syncingNow: boolean;
}

export const syncInitialState: SyncState = { syncStatus: null, attention: [], showAttention: false, syncingNow: false };

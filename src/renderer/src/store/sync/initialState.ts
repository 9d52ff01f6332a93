import type { AttentionItem, SyncStatus } from '../../../../shared/rpc/contract.js';

export interface SyncState {
  syncStatus: SyncStatus | null;
  attention: AttentionItem[];
  showAttention: boolean;
  syncingNow: boolean;
  /** The needs-attention item being retried or dismissed. */
  attentionBusy: string | null;
  /** Why the last retry/dismiss was refused (e.g. the command no longer applies). */
  attentionError: { commandId: string; message: string } | null;
}

export const syncInitialState: SyncState = {
  syncStatus: null,
  attention: [],
  showAttention: false,
  syncingNow: false,
  attentionBusy: null,
  attentionError: null,
};

import type { AttentionItem, SyncStatus, WaitingCommand } from '../../../../shared/rpc/contract.js';

export interface SyncState {
  syncStatus: SyncStatus | null;
  attention: AttentionItem[];
  showAttention: boolean;
  syncingNow: boolean;
  /** The needs-attention item being retried or dismissed. */
  attentionBusy: string | null;
  /** Why the last retry/dismiss was refused (e.g. the command no longer applies). */
  attentionError: { commandId: string; message: string } | null;
  /** Supervisors: other users' commands queued on this desk at their stations (agents: always empty). */
  waiting: WaitingCommand[];
  showWaiting: boolean;
  /** Why the last release was refused. */
  waitingError: string | null;
}

export const syncInitialState: SyncState = {
  syncStatus: null,
  attention: [],
  showAttention: false,
  syncingNow: false,
  attentionBusy: null,
  attentionError: null,
  waiting: [],
  showWaiting: false,
  waitingError: null,
};

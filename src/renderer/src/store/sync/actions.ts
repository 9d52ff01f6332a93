import type { SyncStatus } from '../../../../shared/rpc/contract.js';
import { call } from '../../rpc/client.js';
import type { Slice } from '../types.js';

export interface SyncActions {
  loadSync(): Promise<void>;
  setSyncStatus(s: SyncStatus): void;
  syncNow(): Promise<void>;
  toggleAttention(): void;
  toggleWaiting(): void;
  /** Supervisor: push these commands of other users under my token (their author is kept). */
  releaseWaiting(commandIds: string[]): Promise<void>;
  /** Re-creates a rejected command with fresh versions (main checks it still applies). */
  retryAttention(commandId: string): Promise<void>;
  /** Dismisses a rejected command with a note (recorded, and noted on its case). */
  dismissAttention(commandId: string, note: string): Promise<void>;
}

export const syncActions: Slice<SyncActions> = (set, get) => ({
  async loadSync() {
    try {
      const syncStatus = await call('sync:status', {});
      // The list is the signed-in user's: nothing to ask for before sign-in (main refuses it).
      const attention = syncStatus.signedIn ? (await call('attention:list', {})).items : [];
      // Other users' queued commands: supervisors and admins only (main refuses agents).
      const role = get().session?.role;
      const waiting =
        syncStatus.signedIn && (role === 'supervisor' || role === 'admin')
          ? (await call('outbox:waiting', {})).items
          : [];
      set({ syncStatus, attention, waiting });
    } catch {
      // The status bar shows the last known state; the WebSocket reconnects by itself.
    }
  },
  setSyncStatus(syncStatus) {
    const before = get().syncStatus?.needsAttention;
    set({ syncStatus });
    if (before !== syncStatus.needsAttention) void get().loadSync();
  },
  async syncNow() {
    set({ syncingNow: true });
    try {
      set({ syncStatus: await call('sync:now', {}) });
    } catch {
      /* shown via status */
    } finally {
      set({ syncingNow: false });
    }
  },
  async retryAttention(commandId) {
    set({ attentionBusy: commandId, attentionError: null });
    try {
      await call('attention:retry', { commandId });
      await get().loadSync();
    } catch (err) {
      set({ attentionError: { commandId, message: (err as Error).message } });
    } finally {
      set({ attentionBusy: null });
    }
  },
  async dismissAttention(commandId, note) {
    set({ attentionBusy: commandId, attentionError: null });
    try {
      await call('attention:dismiss', { commandId, note });
      await get().loadSync();
    } catch (err) {
      set({ attentionError: { commandId, message: (err as Error).message } });
    } finally {
      set({ attentionBusy: null });
    }
  },
  toggleWaiting() {
    set({ showWaiting: !get().showWaiting, waitingError: null });
    if (get().showWaiting) void get().loadSync();
  },
  async releaseWaiting(commandIds) {
    set({ waitingError: null });
    try {
      await call('outbox:release', { commandIds });
      await get().loadSync();
    } catch (err) {
      set({ waitingError: (err as Error).message });
    }
  },
  toggleAttention() {
    set({ showAttention: !get().showAttention });
    if (!get().showAttention) return;
    void get().loadSync();
  },
});

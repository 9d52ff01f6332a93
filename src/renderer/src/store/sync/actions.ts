import type { SyncStatus } from '../../../../shared/rpc/contract.js';
import { call } from '../../rpc/client.js';
import type { Slice } from '../types.js';

export interface SyncActions {
  loadSync(): Promise<void>;
  setSyncStatus(s: SyncStatus): void;
  syncNow(): Promise<void>;
  toggleAttention(): void;
}

export const syncActions: Slice<SyncActions> = (set, get) => ({
  async loadSync() {
    try {
      const [syncStatus, attention] = await Promise.all([call('sync:status', {}), call('attention:list', {})]);
      set({ syncStatus, attention: attention.items });
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
  toggleAttention() {
    set({ showAttention: !get().showAttention });
    if (!get().showAttention) return;
    void get().loadSync();
  },
});

import type { DeskState } from '../types.js';

export const syncSelectors = {
  status: (s: DeskState) => s.syncStatus,
  attention: (s: DeskState) => s.attention,
  showAttention: (s: DeskState) => s.showAttention,
  syncingNow: (s: DeskState) => s.syncingNow,
  attentionBusy: (s: DeskState) => s.attentionBusy,
  attentionError: (s: DeskState) => s.attentionError,
  waiting: (s: DeskState) => s.waiting,
  showWaiting: (s: DeskState) => s.showWaiting,
  waitingError: (s: DeskState) => s.waitingError,
};

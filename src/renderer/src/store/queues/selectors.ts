import type { QueueItem } from '../../../../shared/rpc/contract.js';
import type { DeskState } from '../types.js';

const NONE: QueueItem[] = [];

export const queuesSelectors = {
  name: (s: DeskState) => s.queueName,
  /** Rows of the selected queue (only when the loaded response is that queue's). */
  items: (s: DeskState) => (s.queue && s.queue.queue === s.queueName ? s.queue.items : NONE),
  counts: (s: DeskState) => s.queue?.counts ?? null,
  total: (s: DeskState) => (s.queue && s.queue.queue === s.queueName ? s.queue.total : 0),
  status: (s: DeskState) => ({
    loading: s.queueLoading,
    error: s.queueError,
    loaded: s.queue !== null && s.queue.queue === s.queueName,
  }),
  index: (s: DeskState) => s.queueIndex,
};

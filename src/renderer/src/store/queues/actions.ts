import type { QueueName } from '../../../../shared/rpc/contract.js';
import { QUEUE_ORDER } from '../../logic/queues.js';
import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import { queuesInitialState } from './initialState.js';

export interface QueuesActions {
  loadQueue(): Promise<void>;
  setQueue(name: QueueName): void;
  /** `[` / `]`: previous / next queue tab. */
  cycleQueue(delta: number): void;
  /** Asks for more rows of the current queue (up to the contract's 500). */
  showMoreQueue(): void;
}

export const queuesActions: Slice<QueuesActions> = (set, get) => ({
  async loadQueue() {
    const { station, queueName, queueLimit } = get();
    if (!station) return;
    set({ queueLoading: get().queue?.queue !== queueName });
    try {
      const queue = await call('queue:list', { queue: queueName, station, limit: queueLimit });
      if (get().station !== station || get().queueName !== queueName) return;
      set({
        queue,
        queueLoading: false,
        queueError: null,
        queueIndex: Math.max(0, Math.min(get().queueIndex, queue.items.length - 1)),
      });
    } catch (e) {
      set({ queueLoading: false, queueError: errorText(e) });
    }
  },
  setQueue(queueName) {
    set({ queueName, queueIndex: 0, queueError: null, queueLimit: queuesInitialState.queueLimit, zone: 'queue' });
    void get().loadQueue();
  },
  showMoreQueue() {
    set({ queueLimit: Math.min(500, get().queueLimit + 100) });
    void get().loadQueue();
  },
  cycleQueue(delta) {
    const i = QUEUE_ORDER.indexOf(get().queueName);
    get().setQueue(QUEUE_ORDER[(i + delta + QUEUE_ORDER.length) % QUEUE_ORDER.length]!);
  },
});

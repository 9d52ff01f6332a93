import type { z } from 'zod';
import type { QueueName, QueueResponseSchema } from '../../../../shared/rpc/contract.js';

export type QueueResponse = z.output<typeof QueueResponseSchema>;

export interface QueuesState {
  queueName: QueueName;
  queue: QueueResponse | null;
  queueLoading: boolean;
  queueError: string | null;
  /** Selected row (j/k). */
  queueIndex: number;
  /** How many rows are asked for (the contract allows up to 500; "Show more" raises it). */
  queueLimit: number;
}

export const queuesInitialState: QueuesState = {
  queueName: 'mine',
  queue: null,
  queueLoading: false,
  queueError: null,
  queueIndex: 0,
  queueLimit: 100,
};

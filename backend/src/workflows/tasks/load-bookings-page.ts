import { z } from 'zod';
import { pageBookings } from '../../data/repositories.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const LoadPageInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  after: z.string().nullable().default(null),
  pageSize: z.number().int().min(1).max(1000).default(1000),
  batchSize: z.number().int().min(1).max(100).default(100),
});

export interface BookingsPage {
  batches: { flightId: string; disruptionId: string; bookingIds: string[] }[];
  next: string | null;
  hasMore: boolean;
  count: number;
}

/**
 * Pages a flight's bookings (the disruption workflow's outer loop) and splits the page into
 * batches for the Map state. The cursor is the last booking id, not a DynamoDB key blob.
 */
export async function loadBookingsPage(deps: WorkflowDeps, raw: unknown): Promise<BookingsPage> {
  const input = LoadPageInputSchema.parse(raw);
  const { bookings, next } = await pageBookings(deps.ctx, input.flightId, input.pageSize, input.after);
  const ids = bookings.map((b) => b.id);
  const batches: BookingsPage['batches'] = [];
  for (let i = 0; i < ids.length; i += input.batchSize) {
    batches.push({ flightId: input.flightId, disruptionId: input.disruptionId, bookingIds: ids.slice(i, i + input.batchSize) });
  }
  return { batches, next, hasMore: next !== null, count: ids.length };
}

export const handler = lambdaHandler(loadBookingsPage);

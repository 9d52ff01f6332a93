import { z } from 'zod';
import { CaseSchema } from '../../../../src/shared/domain/index.js';
import { keys, stripKeys } from '../../data/keys.js';
import { batchGet } from '../../data/repositories.js';
import { noticeFlightChanges, type FlightNoticeResult } from '../../notify/changes.js';
import { countCasesCreated } from '../../observability/metrics.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

/** Time the task spends sending before it only enqueues (its Lambda and ASL timeout is 30 s). */
export const DELIVER_BUDGET_MS = 20_000;

export const QueueNotificationsInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  eventId: z.string().min(1).optional(),
  batchResults: z.array(z.object({ casesCreated: z.array(z.string()) }).passthrough()).default([]),
  /** The page's booking batches (`$.page.batches`): every affected passenger of the page, not only new cases. */
  bookingBatches: z.array(z.object({ bookingIds: z.array(z.string()) }).passthrough()).nullish(),
});

/**
 * The disruption workflow's notice step, once per page of bookings: every passenger of the page with
 * an active booking is told about each material change of the flight's current state (a cancellation,
 * a diversion, a delay past a new threshold, a new gate or terminal), once per passenger and change,
 * by email and/or SMS as they opted in, in their language (notify/changes.ts → the outbox). So a
 * delay that becomes a cancellation reaches passengers whose case was opened by the delay. A failed
 * send does not fail the workflow (cases are committed): the outbox retries it.
 *
 * Without `bookingBatches` (an input from before this step took them) the passengers whose case the
 * page opened are told.
 */
export async function queueNotifications(deps: WorkflowDeps, raw: unknown): Promise<{ sent: number; skipped: number; queued: number; failed: number; changes: string[] }> {
  const input = QueueNotificationsInputSchema.parse(raw);
  const created = input.batchResults.flatMap((b) => b.casesCreated);
  countCasesCreated(created.length);
  let bookingIds: string[];
  if (input.bookingBatches) bookingIds = input.bookingBatches.flatMap((b) => b.bookingIds);
  else {
    const cases = (await batchGet(deps.ctx, created.map((id) => keys.case(id)))).map((r) => CaseSchema.parse(stripKeys(r)));
    bookingIds = cases.map((c) => c.bookingId);
  }
  if (bookingIds.length === 0) return { sent: 0, skipped: 0, queued: 0, failed: 0, changes: [] };
  const r: FlightNoticeResult = await noticeFlightChanges(
    { ctx: deps.ctx, notifier: deps.notifier, log: deps.log },
    // Sends for up to 20 s of the task's 30 s; the rest is stored due now and sent by the outbox drainer.
    { flightId: input.flightId, bookingIds, deliverUntil: Date.now() + DELIVER_BUDGET_MS, ...(input.eventId ? { eventId: input.eventId } : {}) },
  );
  deps.log?.info('passenger notices queued', { flightId: input.flightId, disruptionId: input.disruptionId, ...r });
  return { sent: r.notified, skipped: r.skipped, queued: r.queued, failed: r.failed, changes: r.changes };
}

export const handler = lambdaHandler(queueNotifications);

import { z } from 'zod';
import { MoneySchema } from '../money.js';

/**
 * Bulk care (issue #12): one gate agent issues the same in-kind care (meal, hotel, transport …)
 * to many passengers of a flight. The desk's main process runs it, passenger by passenger,
 * through the very same command service as a single issue (limits, roles, offline caps,
 * confirmations); these are the shapes of its channels and progress event (see contract.ts).
 */

/** What one passenger+entitlement came to: `pending` = in the plan, to be issued. */
export const BulkCareOutcomeSchema = z.enum(['pending', 'issued', 'refused', 'skipped']);
export type BulkCareOutcome = z.infer<typeof BulkCareOutcomeSchema>;

/**
 * Why an item was skipped or refused, as a stable code (the plain reason is in `reason`):
 * `NOT_ELIGIBLE` (no case, no entitlement of the type, not issuable), `ALREADY_ISSUED`
 * (issued, or an issue already waits to sync), `NEEDS_APPROVAL` (above the user's limit, or a
 * request is open); refusals carry the command service's code (`CASE_CLOSED`, `OFFLINE_CAP_EXCEEDED` …).
 */
export const BulkCareItemSchema = z.object({
  passengerId: z.string(),
  passengerName: z.string(),
  caseId: z.string().nullable(),
  entitlementId: z.string().nullable(),
  outcome: BulkCareOutcomeSchema,
  code: z.string().nullable(),
  reason: z.string().nullable(),
  /** The voucher serial once known (offline issues: at once; online: when the server's issuance syncs). */
  serial: z.string().nullable(),
  /** The value counted by the money rules (in-kind care at its policy value), if any. */
  value: MoneySchema.nullable(),
  needsConfirmation: z.boolean(),
});
export type BulkCareItem = z.infer<typeof BulkCareItemSchema>;

const TypeField = z
  .string()
  .trim()
  .regex(/^[a-z_]{1,40}$/, 'a care type such as meal, hotel or transport');

export const BulkCarePlanRequestSchema = z.object({
  flightId: z.string().min(1),
  type: TypeField,
  /** The passengers picked: ticked rows, the current filter, or all eligible (one flight's worth). */
  passengerIds: z.array(z.string().min(1)).min(1).max(2000),
});

/** One batch confirmation (in-kind care only: cash is paid one passenger at a time). */
export const BulkConfirmationSchema = z.object({ paymentMethod: z.literal('in_kind_voucher') });

export const BulkCareIssueRequestSchema = BulkCarePlanRequestSchema.extend({
  confirmation: BulkConfirmationSchema.nullable().default(null),
});

export const BulkCareTotalSchema = z.object({
  currency: z.string(),
  amountMinor: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
});

/** What a run would do now (for the batch confirmation: count and total). */
export const BulkCarePlanSchema = z.object({
  flightId: z.string(),
  type: z.string(),
  items: z.array(BulkCareItemSchema),
  /** Items to issue (outcome `pending`). */
  toIssue: z.number().int().nonnegative(),
  /** Their value per currency. */
  totals: z.array(BulkCareTotalSchema),
  /** At least one item to issue needs the confirmation dialog (above the threshold): one for the batch. */
  needsConfirmation: z.boolean(),
  /** The desk is offline: issues are queued offline (offline caps, serials from the desk's block). */
  offline: z.boolean(),
});
export type BulkCarePlan = z.infer<typeof BulkCarePlanSchema>;

export const BulkCareRunSchema = z.object({
  runId: z.string(),
  flightId: z.string(),
  type: z.string(),
  /** Items worked on (every item, skipped ones included). */
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  finished: z.boolean(),
  items: z.array(BulkCareItemSchema),
  counts: z.object({
    issued: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
  }),
});
export type BulkCareRun = z.infer<typeof BulkCareRunSchema>;

export const BulkCareRunRequestSchema = z.object({ runId: z.string().min(1) });
export const BulkCareRetryRequestSchema = BulkCareRunRequestSchema.extend({
  confirmation: BulkConfirmationSchema.nullable().default(null),
});

/** Progress of a run: one event per item worked on (in order), the last with `finished`. */
export const BulkCareProgressSchema = z.object({
  runId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  item: BulkCareItemSchema.nullable(),
  finished: z.boolean(),
});
export type BulkCareProgress = z.infer<typeof BulkCareProgressSchema>;

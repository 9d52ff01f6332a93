import { z } from 'zod';

/**
 * RPC shapes of care details and the passenger's choice (issue #12), kept out of contract.ts so
 * that the contract only names them. The main process turns `shareWith` into a room group
 * (id from the PNR) and checks everything again (care.ts checkCare); the server checks once more.
 */

/** What the hotel / transport dialog sends with an issue; absent = one unit (backward compatible). */
export const IssueCareInputSchema = z.strictObject({
  /** Hotel: nights of the stay. */
  nights: z.number().int().min(1).max(14).optional(),
  /** Hotel: passenger ids of co-travellers (same booking) sharing the room. */
  shareWith: z.array(z.string().min(1).max(256)).max(8).optional(),
  /** Transport: transfers covered. */
  transfers: z.number().int().min(1).max(4).optional(),
});
export type IssueCareInput = z.infer<typeof IssueCareInputSchema>;

export const CaseChoiceRequestSchema = z.object({
  caseId: z.string().min(1).max(256),
  choice: z.enum(['refund', 'rebook']),
  /** Needed when a supervisor changes a choice already recorded. */
  reason: z.string().trim().min(1).max(500).nullable().default(null),
});
export type CaseChoiceRequest = z.infer<typeof CaseChoiceRequestSchema>;

export const CoTravellersRequestSchema = z.object({ caseId: z.string().min(1).max(256) });
export const CoTravellersResponseSchema = z.object({
  pnr: z.string().nullable(),
  travellers: z.array(z.object({ passengerId: z.string(), name: z.string(), caseId: z.string().nullable() })),
});
export type CoTravellersResponse = z.infer<typeof CoTravellersResponseSchema>;

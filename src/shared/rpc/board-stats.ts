import { z } from 'zod';
import { StationSchema } from '../domain/entities.js';

/**
 * The station board's charts (issue #12, `board:stats`): aggregates the main process computes
 * over the desk's SQLite cache (indexed SQL, no case rows cross into the renderer).
 */

export const BoardStatsRequestSchema = z.object({
  station: StationSchema,
  /** The station's local day `YYYY-MM-DD` for the delays-by-hour chart; default: today there. */
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
    .optional(),
});

export const BoardStatsSchema = z.object({
  station: StationSchema,
  /** The station's IANA time zone (airport reference data); hours below are in it. */
  timeZone: z.string(),
  day: z.string(),
  /** 24 rows, hour 0–23 of the station's local day, by the scheduled time of the station's movement. */
  delaysByHour: z.array(
    z.object({
      hour: z.number().int().min(0).max(23),
      flights: z.number().int().nonnegative(),
      delayed: z.number().int().nonnegative(),
      cancelled: z.number().int().nonnegative(),
      /** Sum of delay minutes of the delayed flights of the hour (average = this / delayed). */
      delayMinutes: z.number().int().nonnegative(),
    }),
  ),
  /** Cases of the station by (effective) status, with this desk's pending changes. */
  casesByStatus: z.array(z.object({ status: z.string(), cases: z.number().int().nonnegative() })),
  /** Valid (not voided) issuances with a money value, by currency, at this station. */
  issuedByCurrency: z.array(
    z.object({
      currency: z.string(),
      amountMinor: z.number().int(),
      issuances: z.number().int().nonnegative(),
    }),
  ),
});
export type BoardStats = z.infer<typeof BoardStatsSchema>;

import { z } from 'zod';
import {
  ApprovalSchema,
  AuditEntrySchema,
  BookingSchema,
  CaseSchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  IssuanceSchema,
  PassengerSchema,
} from '../../shared/domain/entities.js';
import type { EntityKind } from '../../shared/sync/protocol.js';

/**
 * How each entity kind of the change log maps to a cache table: the schema its snapshot must
 * satisfy (parsed on the way in and on the way out) and the columns the desk queries by.
 */
const AnyObject = z.record(z.string(), z.unknown());

export const ENTITY_TABLES = {
  flight: {
    table: 'flight',
    schema: FlightSchema,
    columns: (f: z.output<typeof FlightSchema>) => ({
      origin: f.origin,
      destination: f.destination,
      scheduled_departure: f.scheduledDeparture,
      status: f.status,
    }),
  },
  disruption: {
    table: 'disruption',
    schema: DisruptionSchema,
    columns: (d: z.output<typeof DisruptionSchema>) => ({ flight_id: d.flightId }),
  },
  passenger: {
    table: 'passenger',
    schema: PassengerSchema,
    columns: (p: z.output<typeof PassengerSchema>) => ({ last_name: p.lastName, first_name: p.firstName }),
  },
  booking: {
    table: 'booking',
    schema: BookingSchema,
    columns: (b: z.output<typeof BookingSchema>) => ({
      flight_id: b.flightId,
      passenger_id: b.passengerId,
      pnr: b.pnr,
      // 0120: what passenger search and the boarding-pass scan look up.
      seat: b.seat === null ? null : b.seat.replace(/^0+(?=\d)/, '').toUpperCase(),
      ticket_number: b.ticketNumber ?? null,
    }),
  },
  case: {
    table: 'case_file',
    schema: CaseSchema,
    columns: (c: z.output<typeof CaseSchema>) => ({
      flight_id: c.flightId,
      passenger_id: c.passengerId,
      booking_id: c.bookingId,
      status: c.status,
      assignee: c.assignee,
      opened_at: c.openedAt,
      // 0060: what the queue table (case_queue, kept by triggers) reads.
      stations: JSON.stringify(c.stations),
      status_since: c.statusSince,
      needs_review: c.needsReview.length > 0 ? 1 : 0,
    }),
  },
  entitlement: {
    table: 'entitlement',
    schema: EntitlementSchema,
    columns: (e: z.output<typeof EntitlementSchema>) => ({ case_id: e.caseId, status: e.status }),
  },
  issuance: {
    table: 'issuance',
    schema: IssuanceSchema,
    columns: (i: z.output<typeof IssuanceSchema>) => ({
      entitlement_id: i.entitlementId,
      case_id: i.caseId,
      issued_by: i.issuedBy,
      issued_at: i.issuedAt,
      status: i.status,
      // 0130: the board's issued-by-currency chart reads these from an index.
      currency: i.amount?.currency ?? null,
      amount_minor: i.amount?.amountMinor ?? null,
    }),
  },
  command_result: { table: 'command_result', schema: AnyObject, columns: () => ({}) },
  policy: { table: 'policy', schema: AnyObject, columns: () => ({}) },
  approval: {
    table: 'approval',
    schema: ApprovalSchema,
    columns: (a: z.output<typeof ApprovalSchema>) => ({
      case_id: a.caseId,
      entitlement_id: a.entitlementId,
      status: a.status,
      requested_by: a.requestedBy,
      requested_at: a.requestedAt,
    }),
  },
  audit: {
    table: 'audit',
    schema: AuditEntrySchema,
    columns: (a: z.output<typeof AuditEntrySchema>) => ({ case_id: a.caseId, seq: a.seq }),
  },
} satisfies Record<
  EntityKind,
  { table: string; schema: z.ZodType; columns: (e: never) => Record<string, string | number | null> }
>;

export const CACHE_TABLES = Object.values(ENTITY_TABLES).map((t) => t.table);

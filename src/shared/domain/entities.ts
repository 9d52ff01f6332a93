import { z } from 'zod';
import { MoneySchema } from '../money.js';

/** ISO-8601 instant with an explicit offset or Z (Jetway-internal timestamps are always UTC with Z). */
export const InstantSchema = z.iso.datetime({ offset: true });
export const IataSchema = z.string().regex(/^[A-Z]{3}$/, 'IATA airport code');
export const StationSchema = IataSchema;

export const FlightStatusSchema = z.enum(['SCHEDULED', 'DELAYED', 'CANCELLED', 'DEPARTED', 'ARRIVED', 'DIVERTED']);

/** A flight instance. `version` increases by one on every committed change (optimistic concurrency). */
export const FlightSchema = z.object({
  id: z.string(), // flightInstanceId
  carrier: z.string().regex(/^[A-Z0-9]{2}$/),
  number: z.string().regex(/^\d{1,4}[A-Z]?$/),
  origin: IataSchema,
  destination: IataSchema,
  scheduledDeparture: InstantSchema,
  scheduledArrival: InstantSchema,
  estimatedDeparture: InstantSchema.nullable().default(null),
  estimatedArrival: InstantSchema.nullable().default(null),
  actualDeparture: InstantSchema.nullable().default(null),
  /** Door-open time at the destination (EU261 Germanwings, APPR "arrival"). */
  actualArrivalDoorOpen: InstantSchema.nullable().default(null),
  status: FlightStatusSchema,
  gate: z.string().nullable().default(null),
  terminal: z.string().nullable().default(null),
  aircraft: z.string().nullable().default(null),
  delayMinutes: z.number().int().nonnegative().default(0),
  version: z.number().int().nonnegative(),
});
export type Flight = z.infer<typeof FlightSchema>;

export const ContactPreferencesSchema = z.object({
  email: z.boolean(),
  sms: z.boolean(),
  push: z.boolean().default(false),
});

export const PassengerSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  loyaltyNumber: z.string().nullable().default(null),
  /** Loyalty tier as the airline names it (FlightPulse: `A-LIST PREFERRED`, `A-LIST`, `MEMBER`, …). */
  tier: z.string().nullable().default(null),
  language: z.string().default('en'),
  contact: ContactPreferencesSchema,
  specialRequests: z.array(z.string()).default([]),
  version: z.number().int().nonnegative(),
});
export type Passenger = z.infer<typeof PassengerSchema>;

export const BookingSchema = z.object({
  id: z.string(),
  pnr: z.string(),
  passengerId: z.string(),
  flightId: z.string(), // flightInstanceId
  seat: z.string().nullable(),
  /** 13-digit e-ticket number (airline numeric code + serial), when the airline's feed carries it (optional: older snapshots have none). */
  ticketNumber: z.string().regex(/^\d{13}$/).nullish(),
  fareClass: z.string().nullable(),
  cabin: z.enum(['economy', 'premium_economy', 'business', 'first']).default('economy'),
  fare: MoneySchema.nullable().default(null),
  status: z.enum(['CONFIRMED', 'CHECKED_IN', 'BOARDED', 'NEEDS_REBOOKING', 'REBOOKED', 'CANCELLED']),
  bagsChecked: z.number().int().nonnegative().default(0),
  version: z.number().int().nonnegative(),
});
export type Booking = z.infer<typeof BookingSchema>;

/** How an issued value reaches the passenger (chosen in the confirmation dialog). */
export const PaymentMethodSchema = z.enum(['bank_transfer', 'cheque', 'cash', 'travel_voucher', 'in_kind_voucher']);
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

export const PassengerAgreementSchema = z.object({
  /** What the passenger agreed to, in plain words (e.g. "travel voucher instead of cash"). */
  text: z.string().min(1).max(500),
  recordedBy: z.string().min(1).max(128),
  recordedAt: InstantSchema,
});
export type PassengerAgreement = z.infer<typeof PassengerAgreementSchema>;

/** What the confirmation dialog records before money leaves (server-checked, stored with the issuance). */
export const IssueConfirmationSchema = z.object({
  confirmedAt: InstantSchema,
  paymentMethod: PaymentMethodSchema,
  passengerAgreement: PassengerAgreementSchema.nullable().default(null),
});
export type IssueConfirmation = z.infer<typeof IssueConfirmationSchema>;

export const DisruptionKindSchema = z.enum(['DELAY', 'CANCELLATION', 'GATE_CHANGE', 'DIVERSION']);
export const DelayCategorySchema = z.enum(['minor', 'major', 'severe']);

/** Category per FlightPulse: minor < 30 min, major 30–120, severe > 120. */
export function delayCategory(minutes: number): z.infer<typeof DelayCategorySchema> {
  if (minutes < 30) return 'minor';
  if (minutes <= 120) return 'major';
  return 'severe';
}

export const DisruptionSchema = z.object({
  id: z.string(),
  flightId: z.string(),
  kind: DisruptionKindSchema,
  delayMinutes: z.number().int().nonnegative().default(0),
  delayCategory: DelayCategorySchema.nullable().default(null),
  /** Cause code as received (FlightPulse `WEATHER`/`MECHANICAL`/`ATC`/`CREW` or an IATA delay code). */
  causeCode: z.string().nullable().default(null),
  causeDetail: z.string().nullable().default(null),
  urgent: z.boolean().default(false),
  /**
   * The most recent event ids folded into this disruption (at most 20, by event time): a bounded
   * tail, so the item and its change-log entries never grow with the number of events.
   */
  eventIds: z.array(z.string()),
  /** How many events were folded into it (each once); absent on disruptions written before the count. */
  eventCount: z.number().int().nonnegative().optional(),
  detectedAt: InstantSchema,
  version: z.number().int().nonnegative(),
});
export type Disruption = z.infer<typeof DisruptionSchema>;

export const EntitlementStatusSchema = z.enum(['OFFERED', 'PENDING_APPROVAL', 'ISSUED', 'DENIED', 'VOID']);

/** One thing a passenger is owed under one regime, as decided by the policy engine. */
export const EntitlementSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  regime: z.string(),
  /** e.g. `cash`, `meal`, `hotel`, `transport`, `communication`, `refund`, `travel_credit`. */
  type: z.string(),
  carePeriod: z.string(),
  amount: MoneySchema.nullable(),
  automatic: z.boolean(),
  status: EntitlementStatusSchema,
  /** Clause ids (traceable to RULES.md), the plain-language reason and the inputs used (policy engine Decision). */
  clauses: z.array(
    z.object({
      id: z.string(),
      reason: z.string(),
      inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    }),
  ),
  issuanceId: z.string().nullable().default(null),
  version: z.number().int().nonnegative(),
});
export type Entitlement = z.infer<typeof EntitlementSchema>;

/**
 * Case lifecycle: OPEN (nobody on it) → IN_PROGRESS (claimed/assigned) → AWAITING_APPROVAL (an
 * entitlement waits for a supervisor) → RESOLVED (nothing left to issue or decide) → CLOSED.
 */
export const CaseStatusSchema = z.enum(['OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RESOLVED', 'CLOSED']);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

/** What the passenger chose where the rules give a choice (refund or rebooking), who recorded it and when. */
export const PassengerChoiceSchema = z.object({
  choice: z.enum(['refund', 'rebook']),
  recordedBy: z.string(),
  recordedAt: InstantSchema,
  commandId: z.string(),
  /** A supervisor's change of an earlier choice: the earlier one and the reason. */
  previous: z.enum(['refund', 'rebook']).nullable().default(null),
  reason: z.string().nullable().default(null),
});
export type PassengerChoice = z.infer<typeof PassengerChoiceSchema>;

export const CaseSchema = z.object({
  id: z.string(),
  flightId: z.string(),
  disruptionId: z.string(),
  passengerId: z.string(),
  bookingId: z.string(),
  status: CaseStatusSchema,
  policyVersion: z.string().nullable(),
  /** The policy store version (`v<n>`, docs/admin.md) that decided the case; absent when decided by a fixed policy set. */
  policySetVersion: z.number().int().positive().optional(),
  primaryRegime: z.string().nullable(),
  needsReview: z.array(z.string()).default([]),
  /** Stations whose change logs carry this case (the flight's origin and destination). */
  stations: z.array(StationSchema),
  /** The agent working the case (claimCase / assignCase), null when unassigned. */
  assignee: z.string().nullable().default(null),
  /** When the case was opened (workflow commit time): queue age and SLA. */
  openedAt: InstantSchema.nullable().default(null),
  /** When the status last changed (SLA clock of the current status). */
  statusSince: InstantSchema.nullable().default(null),
  /** The passenger's recorded choice (recordChoice): refund or rebooking; null until recorded. */
  passengerChoice: PassengerChoiceSchema.nullable().optional(),
  /** Hand-off to re-accommodation (set by a `rebook` choice): the booking waits for a new flight. */
  reaccommodation: z
    .object({ status: z.enum(['REQUESTED']), requestedAt: InstantSchema, requestedBy: z.string() })
    .nullable()
    .optional(),
  version: z.number().int().nonnegative(),
});
export type Case = z.infer<typeof CaseSchema>;

export const IssuanceSchema = z.object({
  id: z.string(),
  key: z.string(), // issuanceKey(...)
  entitlementId: z.string(),
  caseId: z.string(),
  passengerId: z.string(),
  type: z.string(),
  amount: MoneySchema.nullable(),
  voucherSerial: z.string(),
  commandId: z.string(),
  issuedBy: z.string(),
  deskId: z.string(),
  issuedAt: InstantSchema,
  status: z.enum(['VALID', 'VOID']),
  /** How the value reaches the passenger (confirmation dialog); null for automatic care. */
  paymentMethod: PaymentMethodSchema.nullable().default(null),
  /** The passenger's recorded agreement, required where EU261/UK261 cash is paid as a travel voucher (Art 7(3)). */
  passengerAgreement: PassengerAgreementSchema.nullable().default(null),
  /** Issued from a desk that was offline (or treated as offline by the server). */
  offline: z.boolean().default(false),
  /** The approval that authorised it, when it was above the issuer's limit. */
  approvalId: z.string().nullable().default(null),
  redeemedAt: InstantSchema.nullable().default(null),
  voidedAt: InstantSchema.nullable().default(null),
  voidedBy: z.string().nullable().default(null),
  voidReason: z.string().nullable().default(null),
  /** In-kind care details: hotel nights and shared room, transport transfers (null: one unit, e.g. a meal). */
  care: z
    .object({
      nights: z.number().int().positive().nullable().default(null),
      transfers: z.number().int().positive().nullable().default(null),
      roomGroup: z.object({ id: z.string(), passengerIds: z.array(z.string()) }).nullable().default(null),
    })
    .nullable()
    .optional(),
  version: z.number().int().nonnegative(),
});
export type Issuance = z.infer<typeof IssuanceSchema>;

export const ApprovalStatusSchema = z.enum(['PENDING', 'ESCALATED', 'APPROVED', 'DENIED', 'EXPIRED']);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;
/** Open = still waiting for a decision. */
export const OPEN_APPROVAL_STATUSES: readonly ApprovalStatus[] = ['PENDING', 'ESCALATED'];

/**
 * A request for a supervisor's approval of an entitlement above the requester's limit.
 * Id `APR-<request command ULID>`. Written with the entitlement's move to PENDING_APPROVAL.
 */
export const ApprovalSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  entitlementId: z.string(),
  stations: z.array(StationSchema),
  regime: z.string(),
  type: z.string(),
  /** The amount to issue; for in-kind care its value under the policy's care values. */
  amount: MoneySchema.nullable(),
  requestedBy: z.string(),
  requestedAt: InstantSchema,
  reason: z.string(),
  /** Payment method and agreement chosen at request time; the issuance made on approval uses them. */
  confirmation: IssueConfirmationSchema.nullable().default(null),
  status: ApprovalStatusSchema,
  /** `supervisor` normally; `admin` when the amount is above the supervisors' own limit. */
  level: z.enum(['supervisor', 'admin']).default('supervisor'),
  escalateAt: InstantSchema,
  expireAt: InstantSchema,
  escalatedAt: InstantSchema.nullable().default(null),
  decidedBy: z.string().nullable().default(null),
  decidedAt: InstantSchema.nullable().default(null),
  decisionReason: z.string().nullable().default(null),
  issuanceId: z.string().nullable().default(null),
  version: z.number().int().nonnegative(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const AuditActionSchema = z.enum([
  'case_opened',
  'issued',
  'approval_requested',
  'approval_approved',
  'approval_denied',
  'approval_escalated',
  'approval_expired',
  'issuance_voided',
  'confirmation',
  'override',
  'case_claimed',
  'case_assigned',
  'case_released',
  'case_closed',
  'note',
  'rejected',
  'choice_recorded',
  'notified',
  'notification_failed',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/**
 * One entry of a case's append-only audit trail. `hash` = SHA-256 hex of
 * `prevHash + '\n' + canonicalJson(entry without hash)`; the first entry's prevHash is 64 zeros.
 * Id `<caseId>#<seq, 6 digits>`.
 */
export const AuditEntrySchema = z.object({
  id: z.string(),
  caseId: z.string(),
  seq: z.number().int().positive(),
  at: InstantSchema,
  actor: z.string(),
  action: AuditActionSchema,
  commandId: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  version: z.number().int().nonnegative(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

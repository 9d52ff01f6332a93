import { z } from 'zod';
import { MoneySchema } from '../money.js';

/**
 * Zod schemas of the three policy-engine formats: the policy document (admin-edited JSON, versioned),
 * the claim case (input) and the decision (output). docs/schemas/*.json are generated from these
 * (`npm run policy:schemas`).
 */

const Instant = z.iso.datetime({ offset: true });
const IsoDate = z.iso.date();
const Iata = z.string().regex(/^[A-Z]{3}$/, 'IATA airport code, 3 capital letters');
const CarrierCode = z.string().regex(/^[A-Z0-9]{2}$/, 'IATA airline designator, 2 characters');
const Minor = z.number().int().nonnegative();
const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR (XDR for SDR)');

// ───────────────────────────── claim case ─────────────────────────────

export const DisruptionKinds = [
  'DELAY',
  'CANCELLATION',
  'DENIED_BOARDING',
  'DOWNGRADE',
  'DIVERSION',
  'BAGGAGE_DELAYED',
  'BAGGAGE_LOST',
  'BAGGAGE_DAMAGED',
] as const;
export const DisruptionKindEnum = z.enum(DisruptionKinds);
export type DisruptionKind = z.infer<typeof DisruptionKindEnum>;

export const CauseCategories = [
  'within_control',
  'within_control_safety',
  'extraordinary',
  'partially_extraordinary',
  'unknown',
] as const;
export const CauseCategoryEnum = z.enum(CauseCategories);
export type CauseCategory = z.infer<typeof CauseCategoryEnum>;

export const SegmentSchema = z.object({
  /** Operating carrier (IATA designator). */
  carrier: CarrierCode,
  marketingCarrier: CarrierCode.optional(),
  flightNumber: z.string().regex(/^\d{1,4}[A-Z]?$/, 'flight number digits, optional suffix letter'),
  origin: Iata,
  destination: Iata,
  scheduledDeparture: Instant,
  scheduledArrival: Instant,
  /** Expected (estimated) departure as announced by the carrier; drives the right to care. */
  expectedDeparture: Instant.nullable().optional(),
  actualDeparture: Instant.nullable().optional(),
  /** Door-open time at the destination: the arrival time in law (Germanwings C-452/13; APPR s.1). */
  actualArrivalDoorOpen: Instant.nullable().optional(),
  /** On-block (ACARS IN). Used only when the door-open time is missing, and then flagged for review. */
  actualArrivalOnBlock: Instant.nullable().optional(),
  /** Seats of the aircraft (US 14 CFR 250 applies to 30+ seats). */
  seats: z.number().int().positive().optional(),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const ClaimCaseSchema = z.object({
  caseId: z.string().optional(),
  passengerId: z.string().optional(),
  /** Loyalty tier as the airline names it (e.g. `A-LIST PREFERRED`). */
  tier: z.string().nullable().optional(),
  /** One-way fare of the disrupted journey (basic fare + carrier fuel charge), for %-of-fare rules and refunds. */
  fare: MoneySchema.nullable().optional(),
  cabinBooked: z.enum(['economy', 'premium_economy', 'business', 'first']).optional(),
  cabinFlown: z.enum(['economy', 'premium_economy', 'business', 'first']).optional(),
  /** The journey under one booking, in order; distance is origin of the first → destination of the last. */
  segments: z.array(SegmentSchema).min(1).max(8),
  /** Index into segments of the flight that was disrupted. */
  disruptedSegment: z.number().int().nonnegative().default(0),
  kind: DisruptionKindEnum,
  cause: z
    .object({
      /** FlightPulse reason (`WEATHER`, `MECHANICAL`, `ATC`, `CREW`), a taxonomy code or an IATA delay code. */
      code: z.string().nullable(),
      /** Supervisor override of the taxonomy's category (audited by the caller). */
      override: z.enum(['within_control', 'within_control_safety', 'extraordinary']).optional(),
      /** Minutes of the delay attributable to extraordinary circumstances (Pešková C-315/15). */
      extraordinaryMinutes: z.number().int().nonnegative().optional(),
    })
    .default({ code: null }),
  /** When this passenger was informed of the cancellation/change. */
  notifiedAt: Instant.nullable().optional(),
  /** Expected departure delay in minutes, when the segment times do not carry it. */
  departureDelayMinutes: z.number().int().nonnegative().optional(),
  /** Arrival delay at the final destination in minutes, when the segment times do not carry it. */
  arrivalDelayMinutes: z.number().int().optional(),
  /** The alternative flight offered (re-routing): departure from the origin, door-open arrival at the final destination. */
  reroute: z.object({ departure: Instant, arrival: Instant }).nullable().optional(),
  /** The passenger's choice under Art 8 / APPR s.19(2) / US refund rule. */
  choice: z.enum(['reroute', 'refund']).nullable().optional(),
  /** Denied boarding: the passenger volunteered. */
  volunteer: z.boolean().optional(),
  /** Passenger stays overnight because of the disruption; computed from local dates when absent. */
  overnight: z.boolean().optional(),
  /** Exchange rates as decimal strings, key `FROM/TO` (e.g. `EUR/TRY` at the ticket sale date). */
  fxRates: z.record(z.string().regex(/^[A-Z]{3}\/[A-Z]{3}$/), z.string().regex(/^\d+(\.\d{1,8})?$/)).optional(),
  /** Compensation already paid for this event outside this evaluation (APPR bar, Art 12 deduction). */
  compensatedElsewhere: z.array(z.object({ regime: z.string(), amount: MoneySchema })).optional(),
});
export type ClaimCase = z.infer<typeof ClaimCaseSchema>;

// ───────────────────────────── decision ─────────────────────────────

export const ClauseInputValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const ClauseSchema = z.object({
  /** Stable id traceable to RULES.md, e.g. `EU261.7.1.b`, `EU261.STURGEON`, `APPR.19.1.a`. */
  id: z.string(),
  /** Plain-language reason fit for a passenger. */
  reason: z.string(),
  /** The inputs used (km, minutes, thresholds, band). */
  inputs: z.record(z.string(), ClauseInputValue),
});
export type Clause = z.infer<typeof ClauseSchema>;

export const DecisionEntitlementSchema = z.object({
  regime: z.string(),
  /** `cash`, `downgrade_refund`, `meal`, `communication`, `hotel`, `transport`, `refund`, `refund_or_reroute`, `travel_credit`, `baggage_limit`, … */
  type: z.string(),
  /** Care period key, e.g. `D1` (first day's meals), `N1` (first night), `EVENT` (once per event). */
  carePeriod: z.string(),
  amount: MoneySchema.nullable(),
  automatic: z.boolean(),
  /** false when the entitlement is superseded by the primary regime (Art 12, APPR "already compensated"). */
  payable: z.boolean(),
  clauses: z.array(ClauseSchema),
});
export type DecisionEntitlement = z.infer<typeof DecisionEntitlementSchema>;

export const RegimeOutcomeSchema = z.object({
  regime: z.string(),
  title: z.string(),
  /** true/false, or null when a missing datum prevents deciding scope (see needsReview). */
  applies: z.boolean().nullable(),
  reason: z.string(),
  /** Policy document id@version the regime came from. */
  policy: z.string(),
  band: z.string().nullable(),
  primary: z.boolean(),
  cash: MoneySchema.nullable(),
  clauses: z.array(ClauseSchema),
});
export type RegimeOutcome = z.infer<typeof RegimeOutcomeSchema>;

export const DecisionSchema = z.object({
  caseId: z.string().nullable(),
  /** `id@version` of every policy document in force at the disrupted flight's scheduled departure, joined by `+`. */
  policyVersion: z.string(),
  policies: z.array(z.object({ id: z.string(), version: z.string(), hash: z.string() })),
  /** Scheduled departure of the disrupted flight (the instant that selected the policy versions). */
  policyDate: z.string(),
  needsReview: z.array(z.string()),
  primaryRegime: z.string().nullable(),
  primaryReason: z.string(),
  facts: z.object({
    origin: z.string(),
    destination: z.string(),
    distanceKm: z.number().nullable(),
    arrivalDelayMinutes: z.number().nullable(),
    departureDelayMinutes: z.number().nullable(),
    noticeMinutes: z.number().nullable(),
    causeCode: z.string().nullable(),
    causeCategory: CauseCategoryEnum,
    liableCarrier: z.string(),
  }),
  regimes: z.array(RegimeOutcomeSchema),
  entitlements: z.array(DecisionEntitlementSchema),
  /** Sum of payable entitlement amounts per currency (minor units). */
  totals: z.array(MoneySchema),
});
export type Decision = z.infer<typeof DecisionSchema>;

// ───────────────────────────── policy document ─────────────────────────────

export const Metrics = [
  'distanceKm',
  'arrivalDelayMin',
  'compensableDelayMin',
  'departureDelayMin',
  'noticeMin',
  'rerouteArrivalDelayMin',
  'rerouteDepartureAdvanceMin',
  'rerouteDepartureDelayMin',
  'blockMin',
] as const;
export const MetricEnum = z.enum(Metrics);
export type Metric = z.infer<typeof MetricEnum>;

export const ConditionSchema = z.object({
  metric: MetricEnum,
  op: z.enum(['>=', '>', '<', '<=']),
  value: z.number(),
  /** When the metric is unknown: `fail` (row does not match), `match`, or `review` (does not match and the datum is reported). */
  ifMissing: z.enum(['fail', 'match', 'review']).default('review'),
});
export type Condition = z.infer<typeof ConditionSchema>;

const DatedValue = z.object({ from: IsoDate, value: Minor });

export const AmountSpecSchema = z
  .object({
    /** A fixed amount in minor units of the regime currency (or `currency`). */
    fixed: Minor.optional(),
    /** Effective-dated fixed amounts; the last entry with `from` ≤ the policy date applies. */
    fixedByDate: z.array(DatedValue).min(1).optional(),
    /** Basis points of the passenger's fare (20000 = 200 %). */
    percentOfFare: z.number().int().positive().optional(),
    cap: Minor.optional(),
    capByDate: z.array(DatedValue).min(1).optional(),
    /** Pay the lower of the fixed amount and the fare (India CAR cancellation). */
    lowerOfFare: z.boolean().optional(),
    currency: Currency.optional(),
  })
  .refine((a) => [a.fixed, a.fixedByDate, a.percentOfFare].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of fixed, fixedByDate, percentOfFare',
  });
export type AmountSpec = z.infer<typeof AmountSpecSchema>;

const ClauseRef = z.object({ id: z.string().min(1), reason: z.string().min(1) });

const RowBase = {
  /** Clause id, stable and traceable to RULES.md. */
  id: z.string().min(1),
  /** Plain-language reason; placeholders `{distanceKm}` `{band}` `{arrivalDelay}` `{departureDelay}` `{notice}` `{rerouteArrivalDelay}` `{cause}` `{tier}` `{carrier}`. */
  reason: z.string().min(1),
  kinds: z.array(DisruptionKindEnum).min(1).optional(),
  bands: z.array(z.string()).min(1).optional(),
  causes: z.array(CauseCategoryEnum).min(1).optional(),
  notCauses: z.array(CauseCategoryEnum).min(1).optional(),
  tiers: z.array(z.string()).min(1).optional(),
  notTiers: z.array(z.string()).min(1).optional(),
  carrierSizes: z
    .array(z.enum(['large', 'small']))
    .min(1)
    .optional(),
  choice: z
    .array(z.enum(['reroute', 'refund', 'none']))
    .min(1)
    .optional(),
  volunteer: z.boolean().optional(),
  overnight: z.boolean().optional(),
  when: z.array(ConditionSchema).optional(),
  /** Further clauses cited whenever this row applies (e.g. the court case that established it). */
  refs: z.array(ClauseRef).optional(),
};

export const CompRowSchema = z.object({ ...RowBase, amount: AmountSpecSchema.nullable() });
export type CompRow = z.infer<typeof CompRowSchema>;
export const AdjustmentSchema = z.object({ ...RowBase, percent: z.number().int().min(0).max(10000) });
export type Adjustment = z.infer<typeof AdjustmentSchema>;
export const AssistanceRowSchema = z.object({
  ...RowBase,
  type: z.string().min(1),
  amount: AmountSpecSchema.nullable().default(null),
  automatic: z.boolean().default(false),
  /** `EVENT` (once), or `PER_DAY` / `PER_NIGHT` (one entitlement per started day/night of waiting, up to maxPeriods). */
  period: z.enum(['EVENT', 'PER_DAY', 'PER_NIGHT']).default('EVENT'),
  maxPeriods: z.number().int().positive().max(30).default(1),
  /** Clauses added when the cause has one of these categories (e.g. McDonagh: care under extraordinary circumstances). */
  causeNotes: z.array(ClauseRef.extend({ causes: z.array(CauseCategoryEnum).min(1) })).optional(),
});
export type AssistanceRow = z.infer<typeof AssistanceRowSchema>;

export const BandSchema = z.object({
  id: z.string().min(1),
  /** Clause establishing the band, e.g. `EU261.7.1.a`. */
  clause: z.string().min(1),
  label: z.string().min(1),
  maxKm: z.number().positive().optional(),
  minKmExclusive: z.number().nonnegative().optional(),
  /** Origin in one group and final destination in the other (either direction). */
  between: z.tuple([z.string(), z.string()]).optional(),
  /** Origin or destination in this group. */
  touches: z.string().optional(),
  notTouches: z.string().optional(),
});
export type Band = z.infer<typeof BandSchema>;

export const ScopeRuleSchema = z.object({
  id: z.string().min(1),
  reason: z.string().min(1),
  /** Lower rank wins primary-regime selection (departure-based scope before arrival-based). */
  rank: z.number().int().nonnegative().default(10),
  departureIn: z.array(z.string()).min(1).optional(),
  arrivalIn: z.array(z.string()).min(1).optional(),
  /** Origin or final destination in one of these groups. */
  touches: z.array(z.string()).min(1).optional(),
  /** Operating carrier's licence country in one of these country groups. */
  carrierLicenceIn: z.array(z.string()).min(1).optional(),
  /** Operating carrier designator is one of these. */
  carriers: z.array(CarrierCode).min(1).optional(),
  /** Origin and final destination in different countries (international carriage). */
  international: z.boolean().optional(),
  kinds: z.array(DisruptionKindEnum).min(1).optional(),
});
export type ScopeRule = z.infer<typeof ScopeRuleSchema>;

export const CompTableSchema = z.object({
  id: z.string().min(1),
  /** Entitlement type produced, e.g. `cash` or `downgrade_refund`. */
  type: z.string().min(1),
  bandSet: z.string().default('default'),
  /** Ordered; the first matching row decides (a row with amount null is an exclusion). */
  rows: z.array(CompRowSchema).min(1),
  /** Ordered; the first matching adjustment scales the amount (e.g. EU261 Art 7(2) 50 %). */
  adjustments: z.array(AdjustmentSchema).default([]),
  automatic: z.boolean().default(false),
  /** This table's amount is cash compensation for primary-regime selection and anti-double-dip. */
  compensation: z.boolean().default(true),
  /** The amount is a liability limit (e.g. Montreal Convention), not a sum owed: never payable, not in totals. */
  limit: z.boolean().default(false),
});
export type CompTable = z.infer<typeof CompTableSchema>;

export const RegimeSpecSchema = z.object({
  regime: z.string().regex(/^[A-Za-z0-9_-]+$/),
  title: z.string().min(1),
  currency: Currency,
  scope: z.array(ScopeRuleSchema).min(1),
  bands: z.record(z.string(), z.array(BandSchema).min(1)).default({}),
  compensation: z.array(CompTableSchema).default([]),
  assistance: z.array(AssistanceRowSchema).default([]),
  /** Pay in another currency converted at a rate the case supplies (SHY-Yolcu: EUR amounts paid in TRY). */
  payIn: z
    .object({
      currency: Currency,
      rateKey: z.string().regex(/^[A-Z]{3}\/[A-Z]{3}$/),
      id: z.string(),
      reason: z.string(),
    })
    .optional(),
  /** Clause cited when partial attribution (Pešková) reduced the compensable delay. */
  partialAttribution: ClauseRef.optional(),
  /** When another regime is primary: `bar` (no compensation) or `deduct` (Art 12: minus what the primary pays, converted at the case's fxRates when the currencies differ). */
  antiDoubleDip: ClauseRef.extend({ mode: z.enum(['bar', 'deduct']) }).optional(),
});
export type RegimeSpec = z.infer<typeof RegimeSpecSchema>;

const PerCurrency = z.record(Currency, Minor);
export const RoleLimitsSchema = z.object({
  /** Largest amount the role may issue without approval, per currency (minor units). */
  approvalLimit: PerCurrency,
  /** Largest care amount the role may issue while offline, per currency. Cash never leaves offline. */
  offlineCap: PerCurrency,
  /** Largest total one user may issue per UTC day, per currency (cash and in-kind care by value). Missing = no daily cap. */
  dailyLimit: PerCurrency.optional(),
});
export type RoleLimits = z.infer<typeof RoleLimitsSchema>;

/**
 * Money controls (docs/money-controls.md): the value of in-kind care for limits, when a
 * confirmation is needed, when a command counts as offline, approval timing and case SLAs.
 */
export const MoneyControlsSchema = z.object({
  /** Value of one unit of in-kind care (a meal period, a hotel night, a transfer) per currency, for limits and totals. */
  careValues: z.record(z.string(), PerCurrency),
  /** Amounts above this (per currency) need the confirmation dialog; cash always does. */
  confirmAbove: PerCurrency,
  /** A command received this long after its creation is treated as offline by the server. */
  offlineAfterMinutes: z.number().int().positive(),
  /** Regimes whose cash may be replaced by a travel voucher only with the passenger's recorded agreement. */
  voucherNeedsAgreement: z.array(z.string()),
  approvals: z.object({
    /** No decision by then: notify the station's supervisors and the duty admin. */
    escalateAfterMinutes: z.number().positive(),
    /** No decision by then: the request expires with a reason the agent sees. */
    expireAfterMinutes: z.number().positive(),
    /** Who is told on escalation besides the station's supervisors. */
    dutyAdminEmail: z.string().email(),
  }),
  /** Target minutes a case may stay in each status (queues show age against it). */
  caseSlaMinutes: z.record(z.string(), z.number().int().positive()),
});
export type MoneyControls = z.infer<typeof MoneyControlsSchema>;

/**
 * Our own classification of a carrier. Name and licence country come from the maintained carrier
 * dataset (src/shared/reference/carriers.data.ts); an entry here overrides them only where the dataset
 * lacks the carrier (e.g. the demo network's fictional airlines) or is wrong for us. `size` (APPR large /
 * small) is ours alone: a carrier without it is unclassified, and only the amounts that depend on it are
 * marked for review.
 */
export const CarrierRefSchema = z.object({
  name: z.string().optional(),
  /** Licence (AOC) country, ISO 3166-1 alpha-2. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** APPR: large = ≥ 2 million passengers in each of the two preceding years. */
  size: z.enum(['large', 'small']).optional(),
});

/**
 * A precedence rule: `regime` yields to the regimes in `to` when one of them pays compensation for the
 * same event (e.g. APPR: no compensation when the passenger is compensated under another regime,
 * RULES.md 1.3). The regime it yields to is primary whatever the scope ranks; the yielding regime's own
 * anti-double-dip rule then applies to its cash.
 */
export const YieldRuleSchema = z.object({
  id: z.string().min(1),
  regime: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
  reason: z.string().min(1),
});
export type YieldRule = z.infer<typeof YieldRuleSchema>;

/** Regime precedence: a tie-break order of regimes, or the order plus yield rules. */
export const PrecedenceSchema = z.union([
  z.array(z.string()),
  z.object({ order: z.array(z.string()), yields: z.array(YieldRuleSchema).default([]) }),
]);

export const CauseRefSchema = z.object({
  category: z.enum(['within_control', 'within_control_safety', 'extraordinary']),
  label: z.string(),
  evidence: z.string().optional(),
});

export const PolicyDocumentSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id'),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.optional(),
  description: z.string().optional(),
  /** Marks a document that is published for simulation only and has no legal force yet. */
  notInForce: z.boolean().optional(),
  countryGroups: z.record(z.string(), z.array(z.string().regex(/^[A-Z]{2}$/))).optional(),
  carriers: z.record(CarrierCode, CarrierRefSchema).optional(),
  causes: z.record(z.string(), CauseRefSchema).optional(),
  roles: z.record(z.enum(['agent', 'supervisor', 'admin']), RoleLimitsSchema).optional(),
  moneyControls: MoneyControlsSchema.optional(),
  /** Tie-break order of regimes for primary selection, and the rules by which one regime yields to another. */
  precedence: PrecedenceSchema.optional(),
  regimes: z.array(RegimeSpecSchema).optional(),
});
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

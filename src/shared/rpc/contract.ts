import { z } from 'zod';
import { BoardingPassSchema, UnreadableCodeSchema } from '../boarding-pass.js';
import { MoneySchema } from '../money.js';
import {
  CaseChoiceRequestSchema,
  CoTravellersRequestSchema,
  CoTravellersResponseSchema,
  IssueCareInputSchema,
} from './care-choice.js';
import { DecisionSchema } from '../policy/schema.js';
import {
  VoucherDocumentRequestSchema,
  VoucherDocumentSchema,
  VoucherPrintRequestSchema,
  VoucherPrintResponseSchema,
} from '../voucher/document.js';
import {
  ApprovalSchema,
  AuditEntrySchema,
  BookingSchema,
  CaseSchema,
  CaseStatusSchema,
  IssuanceSchema,
  PaymentMethodSchema,
  DelayCategorySchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  PassengerSchema,
  StationSchema,
} from '../domain/entities.js';
import {
  AdminUserSchema,
  CreateDraftRequestSchema,
  DiffResponseSchema,
  EditDraftRequestSchema,
  InstantSchema,
  ListPoliciesResponseSchema,
  ListUsersResponseSchema,
  PolicyVersionDetailSchema,
  PublishResponseSchema,
  RollbackRequestSchema,
  SimulationCasesResponseSchema,
  SimulationJobSchema,
  UpdateUserRequestSchema,
  ValidateResponseSchema,
  ValidationIssueSchema,
  VersionNumberSchema,
} from '../policy/admin-contract.js';
import {
  BulkCareIssueRequestSchema,
  BulkCarePlanRequestSchema,
  BulkCarePlanSchema,
  BulkCareProgressSchema,
  BulkCareRetryRequestSchema,
  BulkCareRunRequestSchema,
  BulkCareRunSchema,
} from './bulk-care.js';
import { BoardStatsRequestSchema, BoardStatsSchema } from './board-stats.js';

/**
 * The desk RPC contract: the ONE list of calls the renderer may make to the main process.
 *
 * Channels are named `domain:verb`; each has a zod request and response schema. The main
 * process validates every request with the request schema before any service sees it, and
 * answers with an {@link RpcResult} envelope (never a thrown error across the boundary).
 * The same contract is served over Electron IPC (src/main/ipc.ts) and over WebSocket
 * (src/main/web/server.ts, web mode and tests).
 */

/** Error codes a call may answer with. `BAD_REQUEST` = the request failed its schema. */
export const RpcErrorCodeSchema = z.enum([
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'UNAUTHENTICATED',
  'AUTH_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'OFFLINE',
  'INTERNAL',
]);
export type RpcErrorCode = z.infer<typeof RpcErrorCodeSchema>;

/** The error half of the envelope. `message` is for people; never a stack trace. */
export const RpcErrorSchema = z.object({
  code: RpcErrorCodeSchema,
  message: z.string(),
  /** Admin calls: the JSON path of the field the backend refused (`content[2].regimes[0].currency`, `reason`). */
  path: z.string().optional(),
  /** Admin calls: the validation issues of a refused publication. */
  issues: z.array(ValidationIssueSchema).optional(),
});
export type RpcError = z.infer<typeof RpcErrorSchema>;

/** Every response travels in this envelope. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/** Builds the zod schema of an envelope around a value schema (used by transports to parse replies). */
export const rpcResultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: RpcErrorSchema })]);

const Empty = z.object({}).strict();

/** Role derived from the ID token's `cognito:groups` (highest wins). */
export const RoleSchema = z.enum(['agent', 'supervisor', 'admin', 'unknown']);

/** The signed-in user as the desk knows it. Tokens never cross into the renderer. */
export const SessionSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  groups: z.array(z.string()),
  /** IATA codes from `custom:stations`; `*` (admin) is kept as is. */
  stations: z.array(z.string()),
  /** ID token expiry (server time as stated by the token), ISO instant; offline: the end of the offline window. */
  expiresAt: z.string(),
  /** Unlocked offline against the desk's stored password hash: nothing syncs until an online sign-in. */
  offline: z.boolean().default(false),
  /** Idle-locked: the password is needed again (`session:unlock`), or another user signs it out. */
  locked: z.boolean().default(false),
});
export type Session = z.infer<typeof SessionSchema>;

/** Cognito asked for more before it gives tokens: a new password, or the 6-digit TOTP code. */
export const SignInChallengeSchema = z.object({
  challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA']),
  username: z.string(),
});
export type SignInChallenge = z.infer<typeof SignInChallengeSchema>;
export const SignInResponseSchema = z.union([SessionSchema, SignInChallengeSchema]);

export const ChallengeAnswerSchema = z.discriminatedUnion('challenge', [
  z.object({ challenge: z.literal('NEW_PASSWORD_REQUIRED'), newPassword: z.string().min(8).max(256) }),
  z.object({ challenge: z.literal('SOFTWARE_TOKEN_MFA'), code: z.string().regex(/^\d{6}$/, 'a 6-digit code') }),
]);
export const UnlockRequestSchema = z.object({ password: z.string().min(1, 'password is required').max(256) });

export const SignInRequestSchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(128),
  password: z.string().min(1, 'password is required').max(256),
});

/** Flight as shown on the station board: the cached flight plus its disruption and counts. */
export const BoardFlightSchema = FlightSchema.extend({
  delayCategory: DelayCategorySchema.nullable(),
  disruption: DisruptionSchema.nullable(),
  /** Cancelled, delayed, diverted, or carrying a disruption record. */
  disrupted: z.boolean(),
  passengerCount: z.number().int().nonnegative(),
  caseCount: z.number().int().nonnegative(),
  /** Cases still open with something owed (an entitlement offered or awaiting approval), with this desk's pending changes. */
  casesOwed: z.number().int().nonnegative().default(0),
});
export type BoardFlight = z.infer<typeof BoardFlightSchema>;

export const BoardRequestSchema = z.object({ station: StationSchema });
export const BoardResponseSchema = z.object({
  station: StationSchema,
  /** The station's IANA time zone (airport reference data): every board time is shown in it. */
  timeZone: z.string().default('UTC'),
  /** By the scheduled instant of the station's movement (departure here, or arrival here): src/shared/board. */
  flights: z.array(BoardFlightSchema),
  counts: z.object({
    total: z.number().int().nonnegative(),
    disrupted: z.number().int().nonnegative(),
    cancelled: z.number().int().nonnegative(),
    delayed: z.number().int().nonnegative(),
  }),
});
export type BoardResponse = z.infer<typeof BoardResponseSchema>;

/**
 * Where an entitlement stands from this desk's point of view:
 * `none` = offered, nothing sent; `pending` = an issue command waits in the outbox or was
 * acknowledged but its effect has not come back yet; `synced` = the server says issued;
 * `rejected` = the server rejected this desk's command (see the needs-attention list).
 */
export const EntitlementSyncStateSchema = z.enum(['none', 'pending', 'synced', 'rejected']);
export type EntitlementSyncState = z.infer<typeof EntitlementSyncStateSchema>;

export const EntitlementViewSchema = EntitlementSchema.extend({
  syncState: EntitlementSyncStateSchema,
  /** Status after applying this desk's pending commands on top of the server state. */
  effectiveStatus: EntitlementSchema.shape.status,
  voucherSerial: z.string().nullable(),
  rejection: z.object({ code: z.string(), message: z.string() }).nullable(),
  /**
   * Money controls as the desk's main process sees them for the signed-in user (the server
   * checks again): the value counted (in-kind care by its policy value), whether the
   * confirmation dialog is needed, and what direct issue would be refused with, if anything
   * (`LIMIT_EXCEEDED` → offer "request approval"; `OFFLINE_CASH` …). Absent for old rows.
   */
  controls: z
    .object({
      value: MoneySchema.nullable(),
      isCash: z.boolean(),
      needsConfirmation: z.boolean(),
      /** Regimes whose cash paid as a travel voucher needs the passenger's recorded agreement. */
      voucherNeedsAgreement: z.boolean(),
      /** null = this user may issue it now; otherwise the rule that stops a direct issue. */
      blockedBy: z.object({ code: z.string(), message: z.string() }).nullable(),
      canRequestApproval: z.boolean(),
    })
    .nullable()
    .default(null),
  /** The newest approval request for this entitlement, if any. */
  approval: ApprovalSchema.nullable().default(null),
  /** The valid issuance, if issued (serial, payment method, offline flag). */
  issuance: IssuanceSchema.nullable().default(null),
});
export type EntitlementView = z.infer<typeof EntitlementViewSchema>;

export const PassengerRowSchema = z.object({
  passenger: PassengerSchema,
  booking: BookingSchema,
  case: CaseSchema.nullable(),
  entitlements: z.array(EntitlementViewSchema),
});
export type PassengerRow = z.infer<typeof PassengerRowSchema>;

export const FlightRequestSchema = z.object({ flightId: z.string().min(1) });
export const FlightPassengersResponseSchema = z.object({
  flight: BoardFlightSchema,
  /** Sorted by last name, first name. */
  rows: z.array(PassengerRowSchema),
  counts: z.object({
    passengers: z.number().int().nonnegative(),
    cases: z.number().int().nonnegative(),
    issued: z.number().int().nonnegative(),
  }),
});
export type FlightPassengersResponse = z.infer<typeof FlightPassengersResponseSchema>;

/** Name prefix ("last" or "first last"), PNR, seat (`12A`) or 13-digit ticket number; one page at `offset`. */
export const SearchRequestSchema = z.object({
  query: z.string().trim().min(1, 'type a name or PNR').max(64),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
export const SearchHitSchema = z.object({
  passenger: PassengerSchema,
  booking: BookingSchema,
  flight: FlightSchema.nullable(),
  caseId: z.string().nullable(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;
/** One page of hits, and how many match in all (the page never hides a cap). */
export const SearchResponseSchema = z.object({
  hits: z.array(SearchHitSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
});

/** A boarding pass as scanned (keyboard-wedge reader) or pasted: the raw BCBP text. */
export const ScanRequestSchema = z.object({ barcode: z.string().min(1).max(1000) });
/**
 * What main made of a pass (decoded and matched against the cache, so it works offline):
 * `matched` (the booking, its flight and case), `unknown` (readable, but no booking here:
 * `no_booking` by PNR, `no_name` in that PNR, `no_flight` on that flight/date, `other_station`)
 * or `unreadable` (why, in plain words).
 */
export const ScanResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('matched'), pass: BoardingPassSchema, hit: SearchHitSchema }),
  z.object({
    status: z.literal('unknown'),
    pass: BoardingPassSchema,
    code: z.enum(['no_booking', 'no_name', 'no_flight', 'other_station']),
  }),
  z.object({
    status: z.literal('unreadable'),
    code: UnreadableCodeSchema,
    field: z.string().nullable(),
    reason: z.string(),
  }),
]);
export type ScanResponse = z.infer<typeof ScanResponseSchema>;

export const CaseRequestSchema = z.object({ caseId: z.string().min(1) });
export const CaseViewSchema = z.object({
  case: CaseSchema,
  passenger: PassengerSchema.nullable(),
  booking: BookingSchema.nullable(),
  flight: FlightSchema.nullable(),
  disruption: DisruptionSchema.nullable(),
  entitlements: z.array(EntitlementViewSchema),
  /** Every issuance of the case, voided ones included (timeline, void action). */
  issuances: z.array(IssuanceSchema).default([]),
  approvals: z.array(ApprovalSchema).default([]),
  /** The case's audit trail in chain order, and whether the chain verifies on this desk. */
  audit: z.array(AuditEntrySchema).default([]),
  auditVerified: z.boolean().default(true),
  /**
   * The policy version of the desk's preview (issue #9): the newest synced version in force at the
   * flight's scheduled departure (`v3`), or `bundled` when no synced version covers it. Null without a preview.
   */
  policyLabel: z.string().nullable().default(null),
  /** When the policy store version that decided the case (`case.policySetVersion`) was published, if synced here. */
  policyPublishedAt: z.string().nullable().default(null),
  /** The desk's own decision for the case under that version (the same engine and claim as the backend's workflow). */
  preview: DecisionSchema.nullable().default(null),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

/** What the confirmation dialog sends; the main process stamps time and the recording user. */
export const ConfirmationInputSchema = z.object({
  paymentMethod: PaymentMethodSchema,
  /** The passenger's agreement in plain words, when paid as a travel voucher instead of cash. */
  passengerAgreement: z.string().trim().min(1).max(500).nullable().default(null),
});
export type ConfirmationInput = z.infer<typeof ConfirmationInputSchema>;

export const IssueRequestSchema = z.object({
  entitlementId: z.string().min(1),
  confirmation: ConfirmationInputSchema.nullable().default(null),
  /** Hotel nights and shared room, transport transfers (issue #12); absent = one unit. */
  care: IssueCareInputSchema.nullable().default(null),
});
export const IssueResponseSchema = z.object({ commandId: z.string(), syncState: EntitlementSyncStateSchema });

/** Every other command call answers with its queued command id. */
export const CommandAckSchema = z.object({ commandId: z.string(), syncState: EntitlementSyncStateSchema });
const ReasonField = z.string().trim().min(1, 'a reason is required').max(500);

export const ApprovalRequestSchema = z.object({ entitlementId: z.string().min(1), reason: ReasonField, confirmation: ConfirmationInputSchema.nullable().default(null) });
export const ApprovalDecideSchema = z.object({ approvalId: z.string().min(1), decision: z.enum(['approve', 'deny']), reason: ReasonField });
export const VoidRequestSchema = z.object({ issuanceId: z.string().min(1), reason: ReasonField });
export const CaseCommandSchema = z.object({ caseId: z.string().min(1) });
export const CaseAssignSchema = z.object({ caseId: z.string().min(1), assignee: z.string().trim().min(1).max(128) });
export const CaseCloseSchema = z.object({ caseId: z.string().min(1), reason: ReasonField });
export const CaseNoteSchema = z.object({ caseId: z.string().min(1), text: z.string().trim().min(1).max(2000) });

/** An approval as the supervisor's queue shows it (never the supervisor's own requests). */
export const ApprovalViewSchema = ApprovalSchema.extend({
  passengerName: z.string(),
  flightLabel: z.string(),
  /** The entitlement's clauses: why it is owed. */
  clauses: EntitlementSchema.shape.clauses,
  ageMinutes: z.number().int().nonnegative(),
  /** This desk queued a decision not yet confirmed by the server. */
  pendingDecision: z.enum(['approve', 'deny']).nullable(),
  /** The signed-in user may decide it (not their own request, role and limit allow). */
  canDecide: z.boolean(),
  cannotDecideReason: z.string().nullable(),
});
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;
export const ApprovalListRequestSchema = z.object({ station: StationSchema.optional() });
export const ApprovalListResponseSchema = z.object({ items: z.array(ApprovalViewSchema) });

export const QueueNameSchema = z.enum(['mine', 'unassigned', 'awaiting_approval', 'needs_review', 'rejected']);
export type QueueName = z.infer<typeof QueueNameSchema>;
export const QueueItemSchema = z.object({
  caseId: z.string(),
  passengerName: z.string(),
  flightId: z.string(),
  flightLabel: z.string(),
  status: CaseStatusSchema,
  assignee: z.string().nullable(),
  /** Minutes since the case entered its current status (opened, for OPEN). */
  ageMinutes: z.number().int().nonnegative(),
  /** The policy's SLA for the status, null = none. */
  slaMinutes: z.number().int().positive().nullable(),
  overdue: z.boolean(),
  /** For `needs_review`: the data the policy engine could not decide; for `rejected`: the server's reason. */
  detail: z.string().nullable(),
  /** For `rejected`: the command and its code. */
  commandId: z.string().nullable(),
  code: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;
export const QueueRequestSchema = z.object({
  queue: QueueNameSchema,
  station: StationSchema,
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().nonnegative().default(0),
});
export const QueueResponseSchema = z.object({
  queue: QueueNameSchema,
  items: z.array(QueueItemSchema),
  total: z.number().int().nonnegative(),
  /** Count per queue, for the tabs. */
  counts: z.record(QueueNameSchema, z.number().int().nonnegative()),
});

export const TeamLoadResponseSchema = z.object({
  station: StationSchema,
  agents: z.array(z.object({ user: z.string(), openCases: z.number().int().nonnegative(), awaitingApproval: z.number().int().nonnegative() })),
  unassigned: z.number().int().nonnegative(),
  /** Issued today (UTC day) at this station, per currency, from the cached valid issuances. */
  issuedToday: z.array(z.object({ currency: z.string(), amountMinor: z.number().int().nonnegative(), count: z.number().int().nonnegative() })),
});

export const StationSyncSchema = z.object({
  station: z.string(),
  epoch: z.string().nullable(),
  cursor: z.number().int().nonnegative(),
  head: z.number().int().nonnegative(),
  lastPullAt: z.string().nullable(),
});

/** Everything the sync status bar shows. */
export const SyncStatusSchema = z.object({
  signedIn: z.boolean(),
  online: z.boolean(),
  /** Commands in the outbox not yet confirmed by a pull (pending + acknowledged). */
  pendingCommands: z.number().int().nonnegative(),
  stations: z.array(StationSyncSchema),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  needsAttention: z.number().int().nonnegative(),
  /** Stations loading from the server's snapshot (first sync, or back after the log's retention). */
  bootstrap: z
    .array(
      z.object({
        station: z.string(),
        applied: z.number().int().nonnegative(),
        /** Approximate; 0 until the first page arrived. */
        total: z.number().int().nonnegative(),
      }),
    )
    .default([]),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** A command the server rejected; kept until someone looks at it (never blocks the queue). */
export const AttentionItemSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  entitlementId: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  createdAt: z.string(),
  /** The case the command was about (open it from the list), when known. */
  caseId: z.string().nullable().default(null),
});
export type AttentionItem = z.infer<typeof AttentionItemSchema>;

/** Resolving a needs-attention item: retry (a new command, fresh versions) or dismiss with a note. */
export const AttentionRetrySchema = z.object({ commandId: z.string().min(1) });
export const AttentionRetryResponseSchema = CommandAckSchema.extend({ noteCommandId: z.string().nullable() });
export const AttentionDismissSchema = z.object({ commandId: z.string().min(1), note: z.string().trim().min(1, 'a note is required').max(500) });
/** Queued commands of other users on this desk (they wait for their author or a supervisor's release). */
export const WaitingCommandSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  station: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type WaitingCommand = z.infer<typeof WaitingCommandSchema>;
export const OutboxReleaseSchema = z.object({ commandIds: z.array(z.string().min(1)).min(1).max(500) });
/** This desk's identity (issue #10): its id, whether the server enrolled it, voucher serials left for offline issues. */
export const DeskInfoSchema = z.object({ deskId: z.string(), enrolled: z.boolean(), serialsLeft: z.number().int().nonnegative() });
export type DeskInfo = z.infer<typeof DeskInfoSchema>;

// ───────── admin console (issue #9): admins only, online only; forwarded to the backend's /v1/admin API ─────────

const VersionRequest = z.object({ version: VersionNumberSchema });
export const PolicyDiffRequestSchema = z.object({ from: VersionNumberSchema, to: VersionNumberSchema });
export const PolicySaveDraftRequestSchema = EditDraftRequestSchema.extend({ version: VersionNumberSchema });
/** `content` = unsaved content to check (the editor's live check); absent = the stored version. */
export const PolicyValidateRequestSchema = z.object({ version: VersionNumberSchema, content: z.array(z.unknown()).min(1).max(50).optional() });
export const PolicySimulateRequestSchema = z.object({ version: VersionNumberSchema, days: z.number().int().min(1).max(366).default(30) });
export const SimulationRequestSchema = z.object({ jobId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a job id') });
export const SimulationCasesRequestSchema = SimulationRequestSchema.extend({
  changed: z.boolean().optional(),
  cursor: z.string().regex(/^\d{1,9}$/).nullable().default(null),
});
/** Publish a draft: `reason` is required when `effectiveFrom` is in the past (checked by main and the backend). */
export const PolicyPublishRequestSchema = z.object({
  version: VersionNumberSchema,
  effectiveFrom: InstantSchema,
  reason: z.string().trim().min(1).max(2000).optional(),
});
export const UserUpdateRequestSchema = UpdateUserRequestSchema.extend({ username: z.string().min(1).max(128) });
/**
 * The stations a user may show. Agents and supervisors: their own. Admins (`*`): the one picked in
 * the top bar (`station:select`) plus any the desk is configured to sync (JETWAY_ADMIN_STATIONS);
 * `choices` adds stations known from the user pool and this desk's cache.
 */
export const StationChoiceSchema = z.object({
  /** The user may pick any station (admin). */
  any: z.boolean(),
  /** Stations synced now. */
  synced: z.array(z.string()),
  /** The admin's pick (null: none yet → "No station selected"). */
  selected: z.string().nullable(),
  choices: z.array(z.string()),
});
export type StationChoice = z.infer<typeof StationChoiceSchema>;
export const StationSelectRequestSchema = z.object({ station: StationSchema.nullable() });

/** The channel table. Adding a call = one entry here + one handler in src/main/rpc/handlers.ts. */
export const contract = {
  'session:signIn': { request: SignInRequestSchema, response: SignInResponseSchema },
  'session:respond': { request: ChallengeAnswerSchema, response: SignInResponseSchema },
  'session:unlock': { request: UnlockRequestSchema, response: SessionSchema },
  'session:activity': { request: Empty, response: z.object({ locked: z.boolean() }) },
  'session:probe': { request: Empty, response: z.object({ reachable: z.boolean() }) },
  'session:get': { request: Empty, response: SessionSchema.nullable() },
  'session:signOut': { request: Empty, response: z.object({ signedOut: z.boolean() }) },
  'board:flights': { request: BoardRequestSchema, response: BoardResponseSchema },
  'flight:get': { request: FlightRequestSchema, response: BoardFlightSchema },
  'board:stats': { request: BoardStatsRequestSchema, response: BoardStatsSchema },
  'flight:passengers': { request: FlightRequestSchema, response: FlightPassengersResponseSchema },
  'passenger:search': { request: SearchRequestSchema, response: SearchResponseSchema },
  'passenger:scan': { request: ScanRequestSchema, response: ScanResponseSchema },
  'case:get': { request: CaseRequestSchema, response: CaseViewSchema },
  'entitlement:issue': { request: IssueRequestSchema, response: IssueResponseSchema },
  'approval:request': { request: ApprovalRequestSchema, response: CommandAckSchema },
  'approval:decide': { request: ApprovalDecideSchema, response: CommandAckSchema },
  'approval:list': { request: ApprovalListRequestSchema, response: ApprovalListResponseSchema },
  'issuance:void': { request: VoidRequestSchema, response: CommandAckSchema },
  'case:claim': { request: CaseCommandSchema, response: CommandAckSchema },
  'case:release': { request: CaseCommandSchema, response: CommandAckSchema },
  'case:assign': { request: CaseAssignSchema, response: CommandAckSchema },
  'case:close': { request: CaseCloseSchema, response: CommandAckSchema },
  'case:note': { request: CaseNoteSchema, response: CommandAckSchema },
  'case:choice': { request: CaseChoiceRequestSchema, response: CommandAckSchema },
  'case:cotravellers': { request: CoTravellersRequestSchema, response: CoTravellersResponseSchema },
  'queue:list': { request: QueueRequestSchema, response: QueueResponseSchema },
  'team:load': { request: BoardRequestSchema, response: TeamLoadResponseSchema },
  'sync:status': { request: Empty, response: SyncStatusSchema },
  'sync:now': { request: Empty, response: SyncStatusSchema },
  'attention:list': { request: Empty, response: z.object({ items: z.array(AttentionItemSchema) }) },
  'attention:retry': { request: AttentionRetrySchema, response: AttentionRetryResponseSchema },
  'attention:dismiss': { request: AttentionDismissSchema, response: z.object({ noteCommandId: z.string().nullable() }) },
  'outbox:waiting': { request: Empty, response: z.object({ items: z.array(WaitingCommandSchema) }) },
  'outbox:release': { request: OutboxReleaseSchema, response: z.object({ released: z.array(z.string()) }) },
  'desk:info': { request: Empty, response: DeskInfoSchema },
  'station:list': { request: Empty, response: StationChoiceSchema },
  'station:select': { request: StationSelectRequestSchema, response: StationChoiceSchema },
  'policy:list': { request: Empty, response: ListPoliciesResponseSchema },
  'policy:get': { request: VersionRequest, response: PolicyVersionDetailSchema },
  'policy:diff': { request: PolicyDiffRequestSchema, response: DiffResponseSchema },
  'policy:createDraft': { request: CreateDraftRequestSchema, response: PolicyVersionDetailSchema },
  'policy:saveDraft': { request: PolicySaveDraftRequestSchema, response: PolicyVersionDetailSchema },
  'policy:validate': { request: PolicyValidateRequestSchema, response: ValidateResponseSchema },
  'policy:simulate': { request: PolicySimulateRequestSchema, response: SimulationJobSchema },
  'policy:simulation': { request: SimulationRequestSchema, response: SimulationJobSchema },
  'policy:simulationCases': { request: SimulationCasesRequestSchema, response: SimulationCasesResponseSchema },
  'policy:publish': { request: PolicyPublishRequestSchema, response: PublishResponseSchema },
  'policy:rollback': { request: RollbackRequestSchema, response: PublishResponseSchema },
  'user:list': { request: Empty, response: ListUsersResponseSchema },
  'user:update': { request: UserUpdateRequestSchema, response: AdminUserSchema },
  // Printed vouchers (issue #12): the document from the cache (each call records one print), and Electron's print path.
  'voucher:document': { request: VoucherDocumentRequestSchema, response: VoucherDocumentSchema },
  'voucher:print': { request: VoucherPrintRequestSchema, response: VoucherPrintResponseSchema },
  // Bulk care (issue #12): plan, start (progress by 'care:bulkProgress' events), a run's state, retry the refused.
  'care:bulkPlan': { request: BulkCarePlanRequestSchema, response: BulkCarePlanSchema },
  'care:bulkIssue': { request: BulkCareIssueRequestSchema, response: BulkCareRunSchema },
  'care:bulkRun': { request: BulkCareRunRequestSchema, response: BulkCareRunSchema },
  'care:bulkRetry': { request: BulkCareRetryRequestSchema, response: BulkCareRunSchema },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** A `domain:verb` channel name. */
export type Channel = keyof typeof contract;
export const CHANNELS = Object.keys(contract) as Channel[];
export const isChannel = (x: unknown): x is Channel => typeof x === 'string' && Object.hasOwn(contract, x);

/** What a caller passes (defaults may be omitted). */
export type RpcRequest<C extends Channel> = z.input<(typeof contract)[C]['request']>;
/** What a handler receives after validation. */
export type RpcParsedRequest<C extends Channel> = z.output<(typeof contract)[C]['request']>;
/** What a call answers inside the envelope. */
export type RpcResponse<C extends Channel> = z.output<(typeof contract)[C]['response']>;

/** Server → renderer events. `data:changed` says which entity kinds changed (re-query what you show). */
export const events = {
  'data:changed': z.object({ kinds: z.array(z.string()), stations: z.array(z.string()) }),
  'sync:status': SyncStatusSchema,
  /** The session changed in main (idle lock, sign-out): null = signed out. */
  'session:changed': SessionSchema.nullable(),
  /** A bulk care run worked one more item (or finished). */
  'care:bulkProgress': BulkCareProgressSchema,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/**
 * The client side of the contract. The preload bridge (`window.jetway`) and the WebSocket
 * client both satisfy it, so the renderer does not know which transport it runs on.
 */
export interface DeskClient {
  invoke<C extends Channel>(channel: C, request: RpcRequest<C>): Promise<RpcResult<RpcResponse<C>>>;
  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** WebSocket frames (web mode). A call carries an id echoed by its reply. */
export const WsCallFrameSchema = z.object({ type: z.literal('call'), id: z.number().int(), channel: z.string(), request: z.unknown() });
export const WsReplyFrameSchema = z.object({ type: z.literal('reply'), id: z.number().int(), result: z.unknown() });
export const WsEventFrameSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export const WsServerFrameSchema = z.discriminatedUnion('type', [WsReplyFrameSchema, WsEventFrameSchema]);

export { IPC_EVENT, IPC_INVOKE } from './ipc-channels.js';

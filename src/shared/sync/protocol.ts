import { z } from 'zod';
import { IssueConfirmationSchema, StationSchema } from '../domain/entities.js';

/**
 * The desk ↔ backend sync protocol (docs/decisions.md, SYNC.md).
 *
 * Desk → backend: commands. Each carries a client-generated ULID (idempotency key for ever,
 * enforced by a durable command record written in the same DynamoDB transaction as the
 * effects) and the versions of the entities it was decided against.
 *
 * Backend → desk: a per-station change log with a gap-free, server-assigned sequence.
 * The device clock is never a cursor.
 */

export const UlidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'ULID (26 Crockford base32 characters)');

/** Entities that travel through the change log. */
export const EntityKindSchema = z.enum([
  'flight',
  'disruption',
  'passenger',
  'booking',
  'case',
  'entitlement',
  'issuance',
  'command_result',
  'policy',
  'approval',
  'audit',
]);
export type EntityKind = z.infer<typeof EntityKindSchema>;

/** `kind:id`, the key used in expectedVersions and in the desk cache. */
export const entityRef = (kind: EntityKind, id: string): string => `${kind}:${id}`;

export const CommandTypeSchema = z.enum([
  'issueEntitlement',
  'requestApproval',
  'decideApproval',
  'voidIssuance',
  'claimCase',
  'assignCase',
  'releaseCase',
  'closeCase',
  'addCaseNote',
  'recordChoice',
]);
export type CommandType = z.infer<typeof CommandTypeSchema>;

// Ids are bounded: they become DynamoDB keys (partition keys are at most 2,048 bytes; longer is a
// ValidationException, i.e. a 500, not a rejection). Real ids are under 100 characters.
const EntityId = z.string().min(1).max(256);
/** A person's reason or note: required, trimmed, bounded. */
const Reason = z.string().trim().min(1, 'a reason is required').max(500);

/** Passengers of one booking (PNR) sharing a hotel room: the group's id and the OTHER members' passenger ids. */
export const RoomGroupSchema = z.object({
  id: z.string().regex(/^RG-[A-Za-z0-9._-]{1,120}$/, 'room group id: RG- and up to 120 of A-Z, a-z, 0-9, ., _, -'),
  passengerIds: z.array(EntityId).max(8).refine((a) => new Set(a).size === a.length, 'a passenger is listed twice'),
});
export type RoomGroup = z.infer<typeof RoomGroupSchema>;

/** What an in-kind care issue covers beyond "one": nights of a hotel stay, transfers of a transport voucher. */
export const CareDetailsSchema = z.strictObject({
  /** Hotel only: nights of the stay (1 when absent). */
  nights: z.number().int().min(1).max(14).optional(),
  /** Hotel only: the room shared with co-travellers of the same booking (none = a room of their own). */
  roomGroup: RoomGroupSchema.nullable().optional(),
  /** Transport only: transfers covered (airport ↔ hotel legs; 1 when absent). */
  transfers: z.number().int().min(1).max(4).optional(),
});
export type CareDetails = z.infer<typeof CareDetailsSchema>;

export const IssueEntitlementPayloadSchema = z.object({
  entitlementId: EntityId,
  /** Serial from the desk's pre-allocated block when issued offline; the server assigns one otherwise. */
  voucherSerial: z.string().regex(/^[A-Z0-9][A-Z0-9-]{3,63}$/, 'voucher serial: 4-64 of A-Z, 0-9, -').nullable().default(null),
  /**
   * The confirmation dialog's record. Required (server-checked) for cash and for any amount above
   * the policy's `moneyControls.confirmAbove`; a travel voucher in place of EU261/UK261 cash also
   * needs the passenger's agreement.
   */
  confirmation: IssueConfirmationSchema.nullable().default(null),
  /**
   * Care details (hotel nights and room group, transport transfers); optional, so a plain issue
   * (and a command queued by an older desk) stays valid. Checked against the entitlement's type and
   * the policy by `checkCare` (src/shared/policy/care.ts) on the desk and on the server. Left out
   * of a plain issue's payload (the payload of an issue without care is unchanged).
   */
  care: CareDetailsSchema.nullish(),
});
export type IssueEntitlementPayload = z.infer<typeof IssueEntitlementPayloadSchema>;

/** Ask a supervisor to approve an entitlement above the requester's limit. */
export const RequestApprovalPayloadSchema = z.object({
  entitlementId: EntityId,
  reason: Reason,
  confirmation: IssueConfirmationSchema.nullable().default(null),
});
export type RequestApprovalPayload = z.infer<typeof RequestApprovalPayloadSchema>;

export const DecideApprovalPayloadSchema = z.object({
  approvalId: EntityId,
  decision: z.enum(['approve', 'deny']),
  reason: Reason,
});
export type DecideApprovalPayload = z.infer<typeof DecideApprovalPayloadSchema>;

/** Void an unredeemed issuance (supervisor); the entitlement can then be issued again. */
export const VoidIssuancePayloadSchema = z.object({ issuanceId: EntityId, reason: Reason });
export type VoidIssuancePayload = z.infer<typeof VoidIssuancePayloadSchema>;

export const ClaimCasePayloadSchema = z.object({ caseId: EntityId });
export const ReleaseCasePayloadSchema = z.object({ caseId: EntityId });
export const AssignCasePayloadSchema = z.object({ caseId: EntityId, assignee: z.string().trim().min(1).max(128) });
export const CloseCasePayloadSchema = z.object({ caseId: EntityId, reason: Reason });
export const AddCaseNotePayloadSchema = z.object({ caseId: EntityId, text: z.string().trim().min(1, 'a note cannot be empty').max(2000) });
/**
 * The passenger's choice where the rules give one (EU261 Art 8, US DOT refund rule, APPR s.19):
 * `refund` re-decides the case with the claim's choice = refund (refund entitlements appear);
 * `rebook` hands the booking to re-accommodation. Strict: an unknown field refuses the command.
 */
export const RecordChoicePayloadSchema = z.strictObject({
  caseId: EntityId,
  choice: z.enum(['refund', 'rebook']),
  /** Required when a supervisor changes a choice already recorded. */
  reason: Reason.nullable().default(null),
});
export type RecordChoicePayload = z.infer<typeof RecordChoicePayloadSchema>;

/** Payload schema per command type: the one place a payload is validated (desk and server). */
export const COMMAND_PAYLOAD_SCHEMAS = {
  issueEntitlement: IssueEntitlementPayloadSchema,
  requestApproval: RequestApprovalPayloadSchema,
  decideApproval: DecideApprovalPayloadSchema,
  voidIssuance: VoidIssuancePayloadSchema,
  claimCase: ClaimCasePayloadSchema,
  assignCase: AssignCasePayloadSchema,
  releaseCase: ReleaseCasePayloadSchema,
  closeCase: CloseCasePayloadSchema,
  addCaseNote: AddCaseNotePayloadSchema,
  recordChoice: RecordChoicePayloadSchema,
} as const satisfies Record<CommandType, z.ZodType>;
export type CommandPayload<T extends CommandType> = z.output<(typeof COMMAND_PAYLOAD_SCHEMAS)[T]>;

/**
 * Rejection codes a command result may carry (committed, synced back, shown in needs-attention).
 * Documented in docs/money-controls.md.
 */
export const REJECTION_CODES = [
  'INVALID_PAYLOAD',
  'NOT_FOUND',
  'FORBIDDEN_STATION',
  'FORBIDDEN_ROLE',
  'VERSION_CONFLICT',
  'ALREADY_ISSUED',
  'NOT_ISSUABLE',
  'LIMIT_EXCEEDED',
  'DAILY_LIMIT_EXCEEDED',
  'OFFLINE_CASH',
  'OFFLINE_CAP_EXCEEDED',
  'CONFIRMATION_REQUIRED',
  'AGREEMENT_REQUIRED',
  'DUPLICATE_SERIAL',
  'UNKNOWN_APPROVAL',
  'ALREADY_DECIDED',
  'APPROVAL_EXPIRED',
  'SELF_APPROVAL',
  'ABOVE_APPROVER_LIMIT',
  'ALREADY_PENDING',
  'NOT_VOIDABLE',
  'ALREADY_REDEEMED',
  'CASE_CLOSED',
  'NOT_ASSIGNEE',
  /** claimCase on a case another agent holds. */
  'CASE_TAKEN',
  'UNSUPPORTED_COMMAND',
  /** The command's desk is not enrolled (no `DESK#<deskId>`), or the envelope names no desk the server knows. */
  'DESK_NOT_ENROLLED',
  /** The command's desk was revoked: nothing it signs is accepted any more. */
  'DESK_REVOKED',
  /** Unsigned, or the signature does not verify with the desk's enrolled public key (or a release's does not). */
  'BAD_SIGNATURE',
  /** The signed author is not the caller, and the command was not released to the caller (a supervisor) by its desk. */
  'AUTHOR_MISMATCH',
  /** An issue carries a voucher serial that is not from a serial block allocated to the command's desk. */
  'SERIAL_NOT_ALLOCATED',
  /** Care details that do not fit the entitlement (nights on a meal, too many nights, a room shared with someone off the booking). */
  'INVALID_CARE',
  /** recordChoice: a different choice is already recorded (only a supervisor changes it, with a reason). */
  'CHOICE_ALREADY_RECORDED',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const CommandEnvelopeSchema = z.object({
  commandId: UlidSchema,
  type: CommandTypeSchema,
  /** Payload schema version, so that queued commands survive a desk upgrade. */
  schemaVersion: z.number().int().positive().default(1),
  deskId: z.string().min(1),
  station: StationSchema,
  /** Entity versions the user saw when deciding, keyed by {@link entityRef}. */
  expectedVersions: z.record(z.string(), z.number().int().nonnegative()),
  payload: z.unknown(),
  /**
   * Device time the command was created: never used to order commands or decide conflicts. The
   * server treats a command that arrives more than `moneyControls.offlineAfterMinutes` after it
   * as offline (money rules only: cash refused, offline caps), whatever `offline` says.
   */
  createdAt: z.iso.datetime({ offset: true }),
  /** The desk was offline when the command was created (its sync engine said so). */
  offline: z.boolean().default(false),
  /**
   * The user who created the command (signed with it). Optional in the schema only so that a
   * command queued before desks signed still parses on the desk; the server refuses unsigned ones.
   */
  author: z.string().min(1).max(128).optional(),
  /** Ed25519 signature (base64) by the desk's enrolled key over `commandSigningBytes` (src/shared/sync/desk-signing.ts). */
  signature: z.string().min(1).max(200).optional(),
  /**
   * A supervisor's release of another user's queued command, recorded and signed by the desk
   * (`releaseSigningBytes`): the server then accepts it from `by` although `author` is someone else.
   */
  release: z
    .object({
      by: z.string().min(1).max(128),
      at: z.iso.datetime({ offset: true }),
      signature: z.string().min(1).max(200),
    })
    .optional(),
});
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

export const CommandStatusSchema = z.enum(['applied', 'rejected']);

/**
 * The committed outcome of a command. A replay of the same commandId returns the stored
 * result with `replayed: true`. A rejection is committed too, so a queue never blocks.
 */
export const CommandResultSchema = z.object({
  commandId: UlidSchema,
  status: CommandStatusSchema,
  replayed: z.boolean().default(false),
  /** Machine-readable reason for a rejection, e.g. `ALREADY_ISSUED`, `VERSION_CONFLICT`, `LIMIT_EXCEEDED`. */
  code: z.string().nullable().default(null),
  message: z.string().nullable().default(null),
  /** Entities changed by the command, with their new versions. */
  effects: z.array(z.object({ ref: z.string(), version: z.number().int().nonnegative() })).default([]),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;

/**
 * One batch of commands. A commandId appears at most once: a second copy with other content would
 * otherwise get the first one's result as a "replay", and the desk could not tell which was applied.
 */
export const PushRequestSchema = z.object({
  commands: z
    .array(CommandEnvelopeSchema)
    .min(1)
    .max(50)
    .superRefine((cmds, ctx) => {
      const seen = new Set<string>();
      cmds.forEach((c, i) => {
        if (seen.has(c.commandId)) ctx.addIssue({ code: 'custom', path: [i, 'commandId'], message: 'duplicate commandId in one batch' });
        seen.add(c.commandId);
      });
    }),
});
export const PushResponseSchema = z.object({ results: z.array(CommandResultSchema) });

/** One entity change inside a log entry. `data` is the full entity snapshot (null on delete). */
export const ChangeSchema = z.object({
  kind: EntityKindSchema,
  id: z.string(),
  version: z.number().int().nonnegative(),
  op: z.enum(['put', 'delete']),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type Change = z.infer<typeof ChangeSchema>;

export const LogEntrySchema = z.object({
  seq: z.number().int().positive(),
  changes: z.array(ChangeSchema),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const PullRequestSchema = z.object({
  station: StationSchema,
  /** Last applied sequence (0 = from the beginning). */
  cursor: z.number().int().nonnegative(),
  /** The epoch the cursor belongs to; null on first sync. */
  epoch: z.string().nullable(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export const PullResponseSchema = z.object({
  station: StationSchema,
  epoch: z.string(),
  entries: z.array(LogEntrySchema),
  /** Sequence to send as the next cursor. */
  cursor: z.number().int().nonnegative(),
  hasMore: z.boolean(),
  /** Highest sequence committed for the station, for progress display. */
  head: z.number().int().nonnegative(),
  /**
   * True when the cursor is older than the log's retention or the epoch changed (server
   * restored): the desk must do a full resync of the station, keeping its outbox.
   */
  resync: z.boolean(),
  retention: z.object({ minSeq: z.number().int().nonnegative() }),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/**
 * GET /v1/sync/snapshot: one page of a station's compacted state (issue #10). A desk whose cursor
 * is past the log's retention, or a new desk on a trimmed log, bootstraps from it: it applies the
 * pages' changes (same shape and rules as log changes: newer version wins, a delete is a
 * tombstone) and then continues the log from the FIRST page's `asOf` (later pages may hold newer
 * states; the version rule makes replaying the log from there converge).
 */
export const SnapshotResponseSchema = z.object({
  station: StationSchema,
  epoch: z.string(),
  /** The log is folded into the snapshot up to this sequence: continue the log from here. */
  asOf: z.number().int().nonnegative(),
  changes: z.array(ChangeSchema),
  /**
   * Asked with `encoding=gzip`, a packed snapshot's page comes as its stored chunks instead of
   * `changes`: each a base64 gzip of NDJSON, one Change a line (≤ 300 KB compressed, ≤ 3 MB
   * decompressed, backend data/snapshot-pack.ts). The desk decodes them and checks every line
   * with ChangeSchema; the changes of a page are those of its chunks in order, then `changes`.
   */
  packed: z.array(z.string().max(450_000)).max(8).optional(),
  /** Opaque token of the next page; null on the last page. */
  nextPage: z.string().max(2048).nullable(),
  /** Approximate number of items in the whole snapshot, for progress display. */
  total: z.number().int().nonnegative(),
});
export type SnapshotResponse = z.infer<typeof SnapshotResponseSchema>;

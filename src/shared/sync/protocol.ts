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
]);
export type CommandType = z.infer<typeof CommandTypeSchema>;

// Ids are bounded: they become DynamoDB keys (partition keys are at most 2,048 bytes; longer is a
// ValidationException, i.e. a 500, not a rejection). Real ids are under 100 characters.
const EntityId = z.string().min(1).max(256);
/** A person's reason or note: required, trimmed, bounded. */
const Reason = z.string().trim().min(1, 'a reason is required').max(500);

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

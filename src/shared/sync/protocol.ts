import { z } from 'zod';
import { StationSchema } from '../domain/entities.js';

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
]);
export type EntityKind = z.infer<typeof EntityKindSchema>;

/** `kind:id`, the key used in expectedVersions and in the desk cache. */
export const entityRef = (kind: EntityKind, id: string): string => `${kind}:${id}`;

export const CommandTypeSchema = z.enum(['issueEntitlement', 'requestApproval', 'decideApproval', 'addCaseNote']);
export type CommandType = z.infer<typeof CommandTypeSchema>;

export const IssueEntitlementPayloadSchema = z.object({
  // Bounded: the id becomes a DynamoDB key (partition keys are at most 2,048 bytes; longer is a
  // ValidationException, i.e. a 500, not a rejection). Real ids are under 100 characters.
  entitlementId: z.string().min(1).max(256),
  /** Serial from the desk's pre-allocated block when issued offline; the server assigns one otherwise. */
  voucherSerial: z.string().min(1).max(64).nullable().default(null),
});

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
  /** Device time the command was created: informative only, never used to order or decide. */
  createdAt: z.iso.datetime({ offset: true }),
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

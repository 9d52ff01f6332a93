import { z } from 'zod';
import { CommandEnvelopeSchema, type CommandEnvelope, type CommandResult } from '../../shared/sync/protocol.js';
import { OPTIMISTIC_EFFECTS } from '../commands/effects.js';
import { durably, type Db } from './open.js';

const OutboxRowSchema = z.object({
  seq: z.number().int(),
  command_id: z.string(),
  state: z.enum(['pending', 'acked']),
  envelope: z.string(),
  effects: z.string().nullable(),
  attempts: z.number().int(),
});

const EffectsSchema = z.array(z.object({ ref: z.string(), version: z.number().int() }));

export interface AttentionRow {
  commandId: string;
  type: string;
  entityRef: string | null;
  /** The case the rejected command was about (the item's link), when the desk knew it. */
  caseId: string | null;
  /** The rejected command's author (null: queued before authors were recorded). */
  createdBy: string | null;
  code: string;
  message: string;
  createdAt: string;
  envelope: CommandEnvelope;
}

/** How a needs-attention item was resolved (recorded with who, when and a note). */
export type AttentionResolution = 'retried' | 'dismissed';

/** A queued command waiting for someone other than the signed-in user (its author, or a release). */
export interface WaitingRow {
  commandId: string;
  type: string;
  station: string;
  createdBy: string | null;
  deskId: string | null;
  createdAt: string;
}

/** The case an entity ref belongs to, from the cache (`kind:id`); null when unknown. */
const CASE_OF_REF: Record<string, string> = {
  case: 'SELECT id FROM case_file WHERE id = ?',
  entitlement: 'SELECT case_id FROM entitlement WHERE id = ?',
  approval: 'SELECT case_id FROM approval WHERE id = ?',
  issuance: 'SELECT case_id FROM issuance WHERE id = ?',
};

/**
 * The durable command queue. Every method that changes it commits with synchronous=FULL.
 * Lifecycle: enqueue (with the optimistic effect, one transaction) → pending → acked
 * (server applied; kept) → confirmed when a pull brought the effect back (row deleted,
 * mark cleared) — or rejected (moved to `attention`, mark cleared, same transaction).
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Queues a command together with its optimistic local effect, atomically. `createdBy` is the
   * signed-in user (local only: the server takes the user from the token), used by effects
   * such as claim and by the desk's daily total, and it owns the command: only a push under
   * that user's token sends it (or under a supervisor's, after {@link release}). `check` runs
   * inside the same transaction before the insert (a precondition on the cache that must still
   * hold when it commits, or a record that must commit with the command).
   */
  enqueue(
    envelope: CommandEnvelope | (() => CommandEnvelope),
    createdBy: string | null = null,
    check?: () => void,
  ): CommandEnvelope {
    // A builder runs inside the transaction (e.g. it takes a voucher serial of the desk's block
    // and signs the command): what it consumes is consumed only if the command is queued.
    const pre = typeof envelope === 'function' ? null : CommandEnvelopeSchema.parse(envelope);
    return durably(this.db, () => {
      check?.();
      const env = pre ?? CommandEnvelopeSchema.parse((envelope as () => CommandEnvelope)());
      const effect = OPTIMISTIC_EFFECTS[env.type];
      this.db
        .prepare(
          `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at, created_by, desk_id, push_as)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
        )
        .run(
          env.commandId,
          env.type,
          env.station,
          effect.entityRef(env),
          JSON.stringify(env),
          this.now().toISOString(),
          createdBy,
          env.deskId,
          createdBy,
        );
      effect.apply(this.db, env);
      return env;
    });
  }

  /** Whether a queued (pending or acked) command changes or expects `ref` (`kind:id`). */
  touches(ref: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM outbox o WHERE o.entity_ref = @ref OR EXISTS (SELECT 1 FROM json_each(o.envelope, '$.expectedVersions') v WHERE v.key = @ref) LIMIT 1`,
        )
        .get({ ref }) !== undefined
    );
  }

  /** Queued (pending or acked) commands of a type, oldest first, with the user who queued them. */
  queued(type: CommandEnvelope['type']): { envelope: CommandEnvelope; createdBy: string | null }[] {
    const rows = this.db.prepare('SELECT envelope, created_by FROM outbox WHERE type = ? ORDER BY seq').all(type) as {
      envelope: string;
      created_by: string | null;
    }[];
    return rows.map((r) => ({
      envelope: CommandEnvelopeSchema.parse(JSON.parse(r.envelope)),
      createdBy: r.created_by,
    }));
  }

  /**
   * The oldest pending commands, in creation order. With `asUser`, only the commands that user
   * may push (their own, or released to them); without, every pending command (a single-user
   * harness; the desk always passes the signed-in user).
   */
  nextBatch(limit = 50, asUser?: string): CommandEnvelope[] {
    const rows = (
      asUser === undefined
        ? this.db.prepare(`SELECT envelope FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`).pluck().all(limit)
        : this.db
            .prepare(`SELECT envelope FROM outbox WHERE push_as = ? AND state = 'pending' ORDER BY seq LIMIT ?`)
            .pluck()
            .all(asUser, limit)
    ) as string[];
    return rows.map((r) => CommandEnvelopeSchema.parse(JSON.parse(r)));
  }

  /** Pending commands that `user` may not push (other authors', not released to them), oldest first. */
  waiting(user: string): WaitingRow[] {
    const rows = this.db
      .prepare(
        `SELECT command_id, type, station, created_by, desk_id, created_at FROM outbox
         WHERE state = 'pending' AND push_as IS NOT ? ORDER BY seq`,
      )
      .all(user) as {
      command_id: string;
      type: string;
      station: string;
      created_by: string | null;
      desk_id: string | null;
      created_at: string;
    }[];
    return rows.map((r) => ({
      commandId: r.command_id,
      type: r.type,
      station: r.station,
      createdBy: r.created_by,
      deskId: r.desk_id,
      createdAt: r.created_at,
    }));
  }

  /**
   * A supervisor releases other users' pending commands: from now on they are pushed under
   * `by`'s token (the author stays in `created_by`; `released_by`/`released_at` record the act).
   * `check` runs per command inside the transaction (e.g. the supervisor holds its station).
   * Returns the commands released (pending ones not already pushable by `by`).
   */
  release(
    commandIds: readonly string[],
    by: string,
    check?: (row: WaitingRow) => void,
    /** Rewrites the queued envelope for the release (the desk signs the release into it). */
    amend?: (env: CommandEnvelope, by: string, at: string) => CommandEnvelope,
  ): WaitingRow[] {
    return durably(this.db, () => {
      const rows = this.waiting(by).filter((w) => commandIds.includes(w.commandId));
      const out: WaitingRow[] = [];
      for (const r of rows) {
        check?.(r);
        const at = this.now().toISOString();
        this.db
          .prepare(`UPDATE outbox SET push_as = ?, released_by = ?, released_at = ? WHERE command_id = ?`)
          .run(by, by, at, r.commandId);
        if (amend) {
          const raw = this.db.prepare('SELECT envelope FROM outbox WHERE command_id = ?').pluck().get(r.commandId) as string;
          const next = amend(CommandEnvelopeSchema.parse(JSON.parse(raw)), by, at);
          this.db.prepare('UPDATE outbox SET envelope = ? WHERE command_id = ?').run(JSON.stringify(next), r.commandId);
        }
        out.push(r);
      }
      return out;
    });
  }

  /**
   * Applies the server's results of one push in one durable transaction. `versionOf` reads the
   * cache: a pull may already have brought the effect before the push reply arrived, in which
   * case the command is confirmed at once instead of waiting for a pull that will never come.
   */
  recordResults(
    results: readonly CommandResult[],
    versionOf: (ref: string) => number | undefined = () => undefined,
  ): void {
    durably(this.db, () => {
      let cleared = false;
      for (const r of results) {
        const row = this.row(r.commandId);
        if (!row) continue; // already confirmed or rejected (a replayed reply)
        const env = CommandEnvelopeSchema.parse(JSON.parse(row.envelope));
        if (r.status === 'rejected') {
          this.reject(env, r.code ?? 'REJECTED', r.message ?? 'rejected by the server');
          cleared = true;
        } else if (r.effects.every((e) => (versionOf(e.ref) ?? -1) >= e.version)) {
          this.confirm(env);
          cleared = true;
        } else
          this.db
            .prepare(`UPDATE outbox SET state = 'acked', effects = ?, last_error = NULL WHERE command_id = ?`)
            .run(JSON.stringify(r.effects), r.commandId);
      }
      // A cleared mark may have hidden another queued command's mark on the same entity.
      if (cleared) this.reapplyAll();
    });
  }

  /**
   * A push failed permanently for these commands (a 4xx other than 401/408/429, or an answer
   * that fails its schema): each moves to its author's needs-attention with the reason, and the
   * queue moves on. One durable transaction.
   */
  recordPermanentFailure(commandIds: readonly string[], code: string, message: string): void {
    durably(this.db, () => {
      let cleared = false;
      for (const id of commandIds) {
        const row = this.row(id);
        if (!row || row.state !== 'pending') continue;
        this.reject(CommandEnvelopeSchema.parse(JSON.parse(row.envelope)), code, message);
        cleared = true;
      }
      if (cleared) this.reapplyAll();
    });
  }

  /** A push failed as a whole (network, 5xx): count the attempt, keep everything queued. */
  recordFailure(commandIds: readonly string[], error: string): void {
    durably(this.db, () => {
      const stmt = this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE command_id = ?');
      for (const id of commandIds) stmt.run(error, id);
    });
  }

  /**
   * After a pull: confirms acked commands whose effects are now in the cache, applies
   * command results that came through the change log, and re-applies the optimistic
   * effect of everything still queued on top of the new server state (rebase).
   * Call inside the pull's transaction.
   */
  reconcile(
    versionOf: (ref: string) => number | undefined,
    commandResult: (commandId: string) => CommandResult | undefined,
  ): void {
    const rows = this.db
      .prepare('SELECT seq, command_id, state, envelope, effects, attempts FROM outbox ORDER BY seq')
      .all();
    for (const raw of rows) {
      const row = OutboxRowSchema.parse(raw);
      const env = CommandEnvelopeSchema.parse(JSON.parse(row.envelope));
      const logged = commandResult(row.command_id);
      if (logged?.status === 'rejected') {
        this.reject(env, logged.code ?? 'REJECTED', logged.message ?? 'rejected by the server');
        continue;
      }
      if (row.state === 'acked') {
        const effects = EffectsSchema.parse(JSON.parse(row.effects ?? '[]'));
        if (effects.every((e) => (versionOf(e.ref) ?? -1) >= e.version)) {
          this.confirm(env);
          continue;
        }
      }
      OPTIMISTIC_EFFECTS[env.type].apply(this.db, env);
    }
  }

  /** Re-applies the optimistic effect of every queued command, in queue order (idempotent). */
  private reapplyAll(): void {
    const rows = this.db.prepare('SELECT envelope FROM outbox ORDER BY seq').pluck().all() as string[];
    for (const r of rows) {
      const env = CommandEnvelopeSchema.parse(JSON.parse(r));
      OPTIMISTIC_EFFECTS[env.type].apply(this.db, env);
    }
  }

  /** Server restored (epoch changed): commands it acknowledged may be lost, push them again. */
  requeueAcked(): void {
    durably(this.db, () => {
      this.db.prepare(`UPDATE outbox SET state = 'pending', effects = NULL WHERE state = 'acked'`).run();
    });
  }

  /** Commands not yet confirmed (pending + acked); with `user`, only those that user may push. */
  count(user?: string): number {
    return (
      user === undefined
        ? this.db.prepare('SELECT count(*) FROM outbox').pluck().get()
        : this.db.prepare('SELECT count(*) FROM outbox WHERE push_as = ?').pluck().get(user)
    ) as number;
  }

  pendingCount(): number {
    return this.db.prepare(`SELECT count(*) FROM outbox WHERE state = 'pending'`).pluck().get() as number;
  }

  /** The oldest push error still on a queued command (with `user`: on one that user pushes). */
  lastError(user?: string): string | null {
    const row = (
      user === undefined
        ? this.db
            .prepare(`SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY seq LIMIT 1`)
            .pluck()
            .get()
        : this.db
            .prepare(`SELECT last_error FROM outbox WHERE push_as = ? AND last_error IS NOT NULL ORDER BY seq LIMIT 1`)
            .pluck()
            .get(user)
    ) as string | undefined;
    return row ?? null;
  }

  /**
   * Unresolved needs-attention items, newest first. With `user`: only that user's (the authors of
   * the rejected commands), plus items without an author when `includeUnowned` (supervisors).
   */
  attention(user?: string, includeUnowned = false): AttentionRow[] {
    const cols = 'command_id, type, entity_ref, case_id, created_by, code, message, created_at, envelope';
    const rows = (
      user === undefined
        ? this.db.prepare(`SELECT ${cols} FROM attention WHERE resolved_at IS NULL ORDER BY created_at DESC`).all()
        : this.db
            .prepare(
              `SELECT ${cols} FROM attention WHERE created_by = @user AND resolved_at IS NULL
               UNION ALL SELECT ${cols} FROM attention WHERE @unowned AND created_by IS NULL AND resolved_at IS NULL
               ORDER BY created_at DESC`,
            )
            .all({ user, unowned: includeUnowned ? 1 : 0 })
    ) as AttentionDbRow[];
    return rows.map(toAttentionRow);
  }

  /** One needs-attention item (resolved or not), or undefined. */
  attentionItem(commandId: string): (AttentionRow & { resolvedAt: string | null }) | undefined {
    const r = this.db
      .prepare(
        'SELECT command_id, type, entity_ref, case_id, created_by, code, message, created_at, envelope, resolved_at FROM attention WHERE command_id = ?',
      )
      .get(commandId) as (AttentionDbRow & { resolved_at: string | null }) | undefined;
    return r === undefined ? undefined : { ...toAttentionRow(r), resolvedAt: r.resolved_at };
  }

  /**
   * Records how an item was resolved (who, when, how, the note; for a retry, the new command).
   * Throws if it is already resolved. Runs in the caller's transaction when there is one, else
   * in its own durable one.
   */
  resolveAttention(
    commandId: string,
    by: string,
    resolution: AttentionResolution,
    note: string | null,
    retryCommandId: string | null = null,
  ): void {
    const write = (): void => {
      const r = this.db
        .prepare(
          `UPDATE attention SET resolved_at = ?, resolved_by = ?, resolution = ?, note = ?, retry_command_id = ?
           WHERE command_id = ? AND resolved_at IS NULL`,
        )
        .run(this.now().toISOString(), by, resolution, note, retryCommandId, commandId);
      if (r.changes !== 1) throw new Error(`needs-attention item ${commandId} is already resolved or unknown`);
    };
    if (this.db.inTransaction) write();
    else durably(this.db, write);
  }

  attentionCount(user?: string, includeUnowned = false): number {
    return (
      user === undefined
        ? this.db.prepare('SELECT count(*) FROM attention WHERE resolved_at IS NULL').pluck().get()
        : this.db
            .prepare(
              'SELECT (SELECT count(*) FROM attention WHERE created_by = @user AND resolved_at IS NULL) + (SELECT count(*) FROM attention WHERE @unowned AND created_by IS NULL AND resolved_at IS NULL)',
            )
            .pluck()
            .get({ user, unowned: includeUnowned ? 1 : 0 })
    ) as number;
  }

  private row(commandId: string): z.infer<typeof OutboxRowSchema> | undefined {
    const raw = this.db
      .prepare('SELECT seq, command_id, state, envelope, effects, attempts FROM outbox WHERE command_id = ?')
      .get(commandId);
    return raw === undefined ? undefined : OutboxRowSchema.parse(raw);
  }

  private confirm(env: CommandEnvelope): void {
    OPTIMISTIC_EFFECTS[env.type].clear(this.db, env);
    this.db.prepare('DELETE FROM outbox WHERE command_id = ?').run(env.commandId);
  }

  /** Moves a command to its author's needs-attention list (with its case, for the link). */
  private reject(env: CommandEnvelope, code: string, message: string): void {
    const effect = OPTIMISTIC_EFFECTS[env.type];
    const author = this.db.prepare('SELECT created_by FROM outbox WHERE command_id = ?').pluck().get(env.commandId) as
      string | null | undefined;
    const ref = effect.entityRef(env);
    effect.clear(this.db, env);
    this.db.prepare('DELETE FROM outbox WHERE command_id = ?').run(env.commandId);
    this.db
      .prepare(
        `INSERT INTO attention (command_id, type, entity_ref, code, message, envelope, created_at, created_by, case_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(command_id) DO NOTHING`,
      )
      .run(
        env.commandId,
        env.type,
        ref,
        code,
        message,
        JSON.stringify(env),
        this.now().toISOString(),
        author ?? null,
        this.caseOf(env, ref),
      );
  }

  private caseOf(env: CommandEnvelope, ref: string | null): string | null {
    const payload = env.payload as { caseId?: unknown } | null;
    if (payload && typeof payload.caseId === 'string') return payload.caseId;
    if (ref === null) return null;
    const i = ref.indexOf(':');
    const sql = CASE_OF_REF[ref.slice(0, i)];
    if (!sql) return null;
    return (
      (this.db
        .prepare(sql)
        .pluck()
        .get(ref.slice(i + 1)) as string | undefined) ?? null
    );
  }
}

interface AttentionDbRow {
  command_id: string;
  type: string;
  entity_ref: string | null;
  case_id: string | null;
  created_by: string | null;
  code: string;
  message: string;
  created_at: string;
  envelope: string;
}

function toAttentionRow(r: AttentionDbRow): AttentionRow {
  return {
    commandId: r.command_id,
    type: r.type,
    entityRef: r.entity_ref,
    caseId: r.case_id,
    createdBy: r.created_by,
    code: r.code,
    message: r.message,
    createdAt: r.created_at,
    envelope: CommandEnvelopeSchema.parse(JSON.parse(r.envelope)),
  };
}

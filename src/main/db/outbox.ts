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
  code: string;
  message: string;
  createdAt: string;
}

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
   * such as claim and by the desk's daily total. `check` runs inside the same transaction
   * before the insert (a precondition on the cache that must still hold when it commits).
   */
  enqueue(envelope: CommandEnvelope, createdBy: string | null = null, check?: () => void): void {
    const env = CommandEnvelopeSchema.parse(envelope);
    const effect = OPTIMISTIC_EFFECTS[env.type];
    durably(this.db, () => {
      check?.();
      this.db
        .prepare(
          `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(
          env.commandId,
          env.type,
          env.station,
          effect.entityRef(env),
          JSON.stringify(env),
          this.now().toISOString(),
          createdBy,
        );
      effect.apply(this.db, env);
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

  /** The oldest pending commands, in creation order. */
  nextBatch(limit = 50): CommandEnvelope[] {
    const rows = this.db
      .prepare(`SELECT envelope FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`)
      .pluck()
      .all(limit) as string[];
    return rows.map((r) => CommandEnvelopeSchema.parse(JSON.parse(r)));
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

  /** Commands not yet confirmed (pending + acked). */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
  }

  pendingCount(): number {
    return this.db.prepare(`SELECT count(*) FROM outbox WHERE state = 'pending'`).pluck().get() as number;
  }

  lastError(): string | null {
    return (
      (this.db
        .prepare(`SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY seq LIMIT 1`)
        .pluck()
        .get() as string | undefined) ?? null
    );
  }

  attention(): AttentionRow[] {
    const rows = this.db
      .prepare(
        `SELECT command_id, type, entity_ref, code, message, created_at FROM attention WHERE resolved_at IS NULL ORDER BY created_at DESC`,
      )
      .all() as {
      command_id: string;
      type: string;
      entity_ref: string | null;
      code: string;
      message: string;
      created_at: string;
    }[];
    return rows.map((r) => ({
      commandId: r.command_id,
      type: r.type,
      entityRef: r.entity_ref,
      code: r.code,
      message: r.message,
      createdAt: r.created_at,
    }));
  }

  attentionCount(): number {
    return this.db.prepare('SELECT count(*) FROM attention WHERE resolved_at IS NULL').pluck().get() as number;
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

  private reject(env: CommandEnvelope, code: string, message: string): void {
    const effect = OPTIMISTIC_EFFECTS[env.type];
    effect.clear(this.db, env);
    this.db.prepare('DELETE FROM outbox WHERE command_id = ?').run(env.commandId);
    this.db
      .prepare(
        `INSERT INTO attention (command_id, type, entity_ref, code, message, envelope, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(command_id) DO NOTHING`,
      )
      .run(
        env.commandId,
        env.type,
        effect.entityRef(env),
        code,
        message,
        JSON.stringify(env),
        this.now().toISOString(),
      );
  }
}

import type { Change, EntityKind } from '../../shared/sync/protocol.js';
import { CACHE_TABLES, ENTITY_TABLES } from './entities.js';
import type { Db } from './open.js';

/**
 * Writes server snapshots into the cache. Callers wrap calls in their own transaction (the
 * sync engine commits entity writes and the cursor together).
 */
export class CacheWriter {
  private readonly versionStmts = new Map<string, ReturnType<Db['prepare']>>();
  private readonly upsertStmts = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {}

  /** Cached version of an entity, or undefined when the desk has never seen it. */
  versionOf(kind: EntityKind, id: string): number | undefined {
    const t = ENTITY_TABLES[kind].table;
    let stmt = this.versionStmts.get(t);
    if (!stmt) {
      stmt = this.db.prepare(`SELECT version FROM ${t} WHERE id = ?`).pluck();
      this.versionStmts.set(t, stmt);
    }
    return stmt.get(id) as number | undefined;
  }

  /**
   * Writes one change (caller already checked the version is newer). The snapshot is parsed
   * with the entity's schema first: a malformed snapshot throws and, inside the caller's
   * transaction, nothing of the page is applied.
   */
  write(change: Change): void {
    const def = ENTITY_TABLES[change.kind];
    if (change.op === 'delete' || change.data === null) {
      this.db.prepare(`DELETE FROM ${def.table} WHERE id = ?`).run(change.id);
      return;
    }
    const parsed = def.schema.safeParse(change.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `invalid ${change.kind} ${change.id} from server: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const cols = (def.columns as (e: unknown) => Record<string, string | number | null>)(parsed.data);
    const names = ['id', 'version', 'data', ...Object.keys(cols)];
    const values = [change.id, change.version, JSON.stringify(parsed.data), ...Object.values(cols)];
    let stmt = this.upsertStmts.get(def.table);
    if (!stmt) {
      const updates = names
        .slice(1)
        .map((n) => `${n} = excluded.${n}`)
        .join(', ');
      // Upsert keeps local-only columns (e.g. entitlement.pending_command_id: the optimistic
      // effect is re-applied on top of every server snapshot until its command is confirmed).
      stmt = this.db.prepare(
        `INSERT INTO ${def.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT(id) DO UPDATE SET ${updates}`,
      );
      this.upsertStmts.set(def.table, stmt);
    }
    stmt.run(values);
  }

  /** Drops every cached entity (full resync); outbox and attention are untouched. */
  clearAll(): void {
    for (const t of CACHE_TABLES) this.db.prepare(`DELETE FROM ${t}`).run();
  }
}

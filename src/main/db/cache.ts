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
    const parsed = parseSnapshot(change);
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

  private readonly newerStmts = new Map<string, ReturnType<Db['prepare']>>();
  private readonly deleteOlderStmts = new Map<string, ReturnType<Db['prepare']>>();

  /**
   * Writes one snapshot change only if it is newer than the cached row (the version check is in
   * the statement itself: one prepared upsert per row, no read first). A delete removes the row
   * only if the tombstone is newer. Returns whether a row changed. Local-only columns are kept.
   */
  writeIfNewer(change: Change): boolean {
    const def = ENTITY_TABLES[change.kind];
    if (change.op === 'delete' || change.data === null) {
      let del = this.deleteOlderStmts.get(def.table);
      if (!del) {
        del = this.db.prepare(`DELETE FROM ${def.table} WHERE id = ? AND version < ?`);
        this.deleteOlderStmts.set(def.table, del);
      }
      return del.run([change.id, change.version]).changes > 0;
    }
    const parsed = parseSnapshot(change);
    const cols = (def.columns as (e: unknown) => Record<string, string | number | null>)(parsed.data);
    const names = ['id', 'version', 'data', ...Object.keys(cols)];
    let stmt = this.newerStmts.get(def.table);
    if (!stmt) {
      const updates = names
        .slice(1)
        .map((n) => `${n} = excluded.${n}`)
        .join(', ');
      stmt = this.db.prepare(
        `INSERT INTO ${def.table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT(id) DO UPDATE SET ${updates} WHERE excluded.version > ${def.table}.version`,
      );
      this.newerStmts.set(def.table, stmt);
    }
    return stmt.run([change.id, change.version, JSON.stringify(parsed.data), ...Object.values(cols)]).changes > 0;
  }

  private bulkStmts: ReturnType<Db['prepare']>[] | null = null;

  /**
   * Applies one snapshot page with {@link writeIfNewer} (each row parsed with its schema), with
   * the queue triggers off (migration 0110): the queue rows of the page's changed cases are then
   * rebuilt, and the tally adjusted, set-based. Same end state as the triggers (tally rows may
   * differ only by rows at n = 0). Must run inside the caller's transaction; a throw leaves the
   * flag to the rollback. Returns the kinds that changed.
   */
  applySnapshotChanges(changes: readonly Change[]): Set<EntityKind> {
    if (!this.db.inTransaction) throw new Error('applySnapshotChanges runs inside a transaction');
    const changed = new Set<EntityKind>();
    const cases: string[] = [];
    const defer = changes.some((c) => c.kind === 'case');
    const s = defer ? this.bulk() : null;
    s?.[0]!.run([]);
    for (const c of changes)
      if (this.writeIfNewer(c)) {
        changed.add(c.kind);
        if (c.kind === 'case') cases.push(c.id);
      }
    if (s) {
      if (cases.length > 0) {
        const ids = JSON.stringify(cases);
        for (const stmt of s.slice(2)) stmt.run(ids);
      }
      s[1]!.run([]);
    }
    return changed;
  }

  private bulk(): ReturnType<Db['prepare']>[] {
    if (this.bulkStmts) return this.bulkStmts;
    const IDS = 'SELECT value FROM json_each(?)';
    const GROUPED = `SELECT station, status, COALESCE(assignee, '') AS a, needs_review AS r, count(*) AS k FROM case_queue
      WHERE case_id IN (${IDS}) GROUP BY station, status, COALESCE(assignee, ''), needs_review`;
    this.bulkStmts = [
      this.db.prepare('INSERT OR IGNORE INTO case_queue_defer (one) VALUES (1)'),
      this.db.prepare('DELETE FROM case_queue_defer'),
      // The old queue rows of these cases leave the tally, then the table.
      this.db.prepare(`UPDATE case_queue_tally SET n = n - d.k FROM (${GROUPED}) AS d
        WHERE case_queue_tally.station = d.station AND case_queue_tally.status = d.status
          AND case_queue_tally.assignee = d.a AND case_queue_tally.needs_review = d.r`),
      this.db.prepare(`DELETE FROM case_queue WHERE case_id IN (${IDS})`),
      // Their new rows (as the 0110 triggers build them), then into the tally.
      this.db.prepare(`INSERT INTO case_queue (station, case_id, status, assignee, since, needs_review)
        SELECT DISTINCT s.value, c.id, COALESCE(c.local_status, c.status),
          CASE WHEN c.local_assignee IS NULL THEN c.assignee ELSE NULLIF(c.local_assignee, '') END,
          COALESCE(c.status_since, c.opened_at), c.needs_review
        FROM case_file c, json_each(c.stations) s WHERE c.id IN (${IDS})`),
      this.db.prepare(`INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
        SELECT station, status, a, r, k FROM (${GROUPED}) WHERE true
        ON CONFLICT DO UPDATE SET n = n + excluded.n`),
    ];
    return this.bulkStmts;
  }

  /** Drops every cached entity (full resync); outbox and attention are untouched. */
  clearAll(): void {
    for (const t of CACHE_TABLES) this.db.prepare(`DELETE FROM ${t}`).run();
  }
}

/** The snapshot parsed with its entity's schema; a malformed one throws, naming the entity and the field. */
function parseSnapshot(change: Change): { data: unknown } {
  const parsed = ENTITY_TABLES[change.kind].schema.safeParse(change.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid ${change.kind} ${change.id} from server: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed;
}

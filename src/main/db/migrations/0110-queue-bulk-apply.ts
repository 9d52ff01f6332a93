import type { Migration } from './types.js';

// The queue rows of one case (frozen copy of 0100's).
const QUEUE_ROWS = (c: string) => `
  SELECT DISTINCT s.value, ${c}.id, COALESCE(${c}.local_status, ${c}.status),
    CASE WHEN ${c}.local_assignee IS NULL THEN ${c}.assignee ELSE NULLIF(${c}.local_assignee, '') END,
    COALESCE(${c}.status_since, ${c}.opened_at), ${c}.needs_review
  FROM json_each(${c}.stations) s`;

const OFF = 'NOT EXISTS (SELECT 1 FROM case_queue_defer)';

/**
 * Bulk apply of snapshot pages (bench desk.initial_sync_apply_vs_bare_insert, target ≤ 3×): a case
 * row written through the triggers cost ~5 passenger rows (case_file triggers → case_queue rows →
 * case_queue_tally triggers). While `case_queue_defer` holds its one row, every queue trigger is
 * off; the writer (CacheWriter.applySnapshotChanges) sets it only inside its own transaction,
 * writes a page of rows, then rebuilds the queue rows of the page's cases and adjusts the tally
 * with four set-based statements and clears the flag before the transaction commits, so no other
 * statement ever runs with the triggers off. The triggers are otherwise those of 0060/0100.
 */
export const migration: Migration = {
  version: 110,
  name: 'queue-bulk-apply',
  up(db) {
    db.exec(`
      CREATE TABLE case_queue_defer (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;

      DROP TRIGGER case_queue_insert;
      DROP TRIGGER case_queue_update;
      DROP TRIGGER case_queue_delete;
      CREATE TRIGGER case_queue_insert AFTER INSERT ON case_file WHEN ${OFF} BEGIN
        DELETE FROM case_queue WHERE case_id = NEW.id;
        INSERT INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
      CREATE TRIGGER case_queue_update AFTER UPDATE ON case_file WHEN ${OFF} BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
        INSERT INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
      CREATE TRIGGER case_queue_delete AFTER DELETE ON case_file WHEN ${OFF} BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
      END;

      DROP TRIGGER case_queue_tally_insert;
      DROP TRIGGER case_queue_tally_delete;
      DROP TRIGGER case_queue_tally_update;
      CREATE TRIGGER case_queue_tally_insert AFTER INSERT ON case_queue WHEN ${OFF} BEGIN
        INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
          VALUES (NEW.station, NEW.status, COALESCE(NEW.assignee, ''), NEW.needs_review, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER case_queue_tally_delete AFTER DELETE ON case_queue WHEN ${OFF} BEGIN
        UPDATE case_queue_tally SET n = n - 1
          WHERE station = OLD.station AND status = OLD.status AND assignee = COALESCE(OLD.assignee, '') AND needs_review = OLD.needs_review;
      END;
      CREATE TRIGGER case_queue_tally_update AFTER UPDATE ON case_queue WHEN ${OFF} BEGIN
        UPDATE case_queue_tally SET n = n - 1
          WHERE station = OLD.station AND status = OLD.status AND assignee = COALESCE(OLD.assignee, '') AND needs_review = OLD.needs_review;
        INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
          VALUES (NEW.station, NEW.status, COALESCE(NEW.assignee, ''), NEW.needs_review, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;
    `);
  },
};

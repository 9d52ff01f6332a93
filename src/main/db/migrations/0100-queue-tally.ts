import type { Migration } from './types.js';

// The queue rows of one case (frozen copy of 0060's, with duplicates of a station dropped).
const QUEUE_ROWS = (c: string) => `
  SELECT DISTINCT s.value, ${c}.id, COALESCE(${c}.local_status, ${c}.status),
    CASE WHEN ${c}.local_assignee IS NULL THEN ${c}.assignee ELSE NULLIF(${c}.local_assignee, '') END,
    COALESCE(${c}.status_since, ${c}.opened_at), ${c}.needs_review
  FROM json_each(${c}.stations) s`;

/**
 * Queues at 100,000 cases in one frame (bench: desk.queue_query_p95_ms, target ≤ 16 ms).
 *
 * - Every queue's page reads an index in its own ORDER BY (since, case_id) and stops after the
 *   page: `mine` (assignee, station, since), `awaiting approval` (station, status, since), and a
 *   covering review index. Before, `mine` and `awaiting approval` sorted every matching row, and
 *   the joins ran for each of them before the sort.
 * - The tab counts come from `case_queue_tally`, one row per (station, status, assignee,
 *   review flag), kept by triggers on `case_queue`; counting 30,000 index entries per tab cost
 *   5–30 ms each.
 * - The case triggers delete a case's queue rows before inserting them and never use REPLACE:
 *   a REPLACE deletion fires no DELETE trigger (recursive_triggers is off), and the tally would
 *   drift.
 */
export const migration: Migration = {
  version: 100,
  name: 'queue-tally',
  up(db) {
    db.exec(`
      CREATE INDEX case_queue_mine ON case_queue(assignee, station, since, case_id, status);
      CREATE INDEX case_queue_since ON case_queue(station, status, since, case_id);
      DROP INDEX case_queue_review;
      CREATE INDEX case_queue_review ON case_queue(station, since, case_id, status) WHERE needs_review = 1;

      CREATE TABLE case_queue_tally (
        station TEXT NOT NULL,
        status TEXT NOT NULL,
        assignee TEXT NOT NULL, -- '' = unassigned
        needs_review INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (station, status, assignee, needs_review)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
        SELECT station, status, COALESCE(assignee, ''), needs_review, count(*) FROM case_queue
        GROUP BY station, status, COALESCE(assignee, ''), needs_review;

      CREATE TRIGGER case_queue_tally_insert AFTER INSERT ON case_queue BEGIN
        INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
          VALUES (NEW.station, NEW.status, COALESCE(NEW.assignee, ''), NEW.needs_review, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER case_queue_tally_delete AFTER DELETE ON case_queue BEGIN
        UPDATE case_queue_tally SET n = n - 1
          WHERE station = OLD.station AND status = OLD.status AND assignee = COALESCE(OLD.assignee, '') AND needs_review = OLD.needs_review;
      END;
      CREATE TRIGGER case_queue_tally_update AFTER UPDATE ON case_queue BEGIN
        UPDATE case_queue_tally SET n = n - 1
          WHERE station = OLD.station AND status = OLD.status AND assignee = COALESCE(OLD.assignee, '') AND needs_review = OLD.needs_review;
        INSERT INTO case_queue_tally (station, status, assignee, needs_review, n)
          VALUES (NEW.station, NEW.status, COALESCE(NEW.assignee, ''), NEW.needs_review, 1)
          ON CONFLICT DO UPDATE SET n = n + 1;
      END;

      DROP TRIGGER case_queue_insert;
      DROP TRIGGER case_queue_update;
      CREATE TRIGGER case_queue_insert AFTER INSERT ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = NEW.id;
        INSERT INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
      CREATE TRIGGER case_queue_update AFTER UPDATE ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
        INSERT INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
    `);
  },
};

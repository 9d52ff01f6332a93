import type { Migration } from './types.js';

const QUEUE_ROWS = (c: string) => `
  SELECT s.value, ${c}.id, COALESCE(${c}.local_status, ${c}.status),
    CASE WHEN ${c}.local_assignee IS NULL THEN ${c}.assignee ELSE NULLIF(${c}.local_assignee, '') END,
    COALESCE(${c}.status_since, ${c}.opened_at), ${c}.needs_review
  FROM json_each(${c}.stations) s`;

/**
 * Faster queue upkeep (0050 parsed each case's whole JSON snapshot four times in its triggers):
 * the case columns the queue table needs (`stations` as a small JSON array, `status_since`,
 * `needs_review`) are written by the cache writer next to the snapshot, and the triggers read
 * only columns. The queue table (derived, rebuilt here) keys on (case, station) so that the
 * triggers' delete needs no extra index, and keeps one full index (station, status, assignee,
 * since: every queue, its count and the team load) plus a partial one for the rare review flag.
 */
export const migration: Migration = {
  version: 60,
  name: 'case-queue-columns',
  up(db) {
    db.exec(`
      DROP TRIGGER case_queue_insert;
      DROP TRIGGER case_queue_update;
      DROP TRIGGER case_queue_delete;
      DROP TABLE case_queue;

      ALTER TABLE case_file ADD COLUMN stations TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE case_file ADD COLUMN status_since TEXT;
      ALTER TABLE case_file ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
      UPDATE case_file SET stations = COALESCE(json_extract(data, '$.stations'), '[]'), status_since = json_extract(data, '$.statusSince'),
        needs_review = COALESCE(json_array_length(data, '$.needsReview'), 0) > 0, assignee = json_extract(data, '$.assignee');

      CREATE TABLE case_queue (
        case_id TEXT NOT NULL,
        station TEXT NOT NULL,
        status TEXT NOT NULL,
        assignee TEXT,
        since TEXT,
        needs_review INTEGER NOT NULL,
        PRIMARY KEY (case_id, station)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_queue_status ON case_queue(station, status, assignee, since);
      CREATE INDEX case_queue_review ON case_queue(station, since) WHERE needs_review = 1;

      CREATE TRIGGER case_queue_insert AFTER INSERT ON case_file BEGIN
        INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
      CREATE TRIGGER case_queue_update AFTER UPDATE ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
        INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS('NEW')};
      END;
      CREATE TRIGGER case_queue_delete AFTER DELETE ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
      END;

      INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review) ${QUEUE_ROWS(
        'c',
      ).replace('FROM json_each(c.stations) s', 'FROM case_file c, json_each(c.stations) s')};
    `);
  },
};

import type { Migration } from './types.js';

/**
 * Queues and the optimistic effects of the money-control commands.
 *
 * - `case_queue`: one row per (station, case), kept by triggers on `case_file` from the cached
 *   snapshot plus the local (optimistic) overrides, so the queues, their counts and the team
 *   load are indexed SQL over a narrow table (fast on 100k cases), never a scan into JS.
 * - Local-only columns (never part of a server snapshot; the cache upsert leaves them alone):
 *   `case_file.local_assignee` ('' = released; owner `local_command_id`), `local_close_command_id`,
 *   `local_status` (derived with deriveCaseStatus from the other marks), `entitlement.local_status`
 *   (with the existing `pending_command_id` as its owner), `approval.local_decision`,
 *   `issuance.local_void_command_id`. Each is owned by the command id that set it and cleared on
 *   that command's confirmation or rejection.
 * - `issuance` query columns (case, issuer, time, status) for daily totals and team load,
 *   back-filled from the cached snapshots; `outbox.created_by` (the signed-in user who queued it).
 */
export const migration: Migration = {
  version: 50,
  name: 'queues-local-effects',
  up(db) {
    db.exec(`
      ALTER TABLE case_file ADD COLUMN local_assignee TEXT;
      ALTER TABLE case_file ADD COLUMN local_command_id TEXT;
      ALTER TABLE case_file ADD COLUMN local_close_command_id TEXT;
      ALTER TABLE case_file ADD COLUMN local_status TEXT;

      ALTER TABLE entitlement ADD COLUMN local_status TEXT;

      ALTER TABLE approval ADD COLUMN local_decision TEXT;
      ALTER TABLE approval ADD COLUMN local_command_id TEXT;
      CREATE INDEX approval_entitlement ON approval(entitlement_id, requested_at);

      ALTER TABLE issuance ADD COLUMN case_id TEXT;
      ALTER TABLE issuance ADD COLUMN issued_by TEXT;
      ALTER TABLE issuance ADD COLUMN issued_at TEXT;
      ALTER TABLE issuance ADD COLUMN status TEXT;
      ALTER TABLE issuance ADD COLUMN local_void_command_id TEXT;
      UPDATE issuance SET case_id = json_extract(data, '$.caseId'), issued_by = json_extract(data, '$.issuedBy'),
        issued_at = json_extract(data, '$.issuedAt'), status = json_extract(data, '$.status');
      CREATE INDEX issuance_case ON issuance(case_id);
      CREATE INDEX issuance_issuer ON issuance(issued_by, issued_at);

      ALTER TABLE outbox ADD COLUMN created_by TEXT;

      CREATE TABLE case_queue (
        station TEXT NOT NULL,
        case_id TEXT NOT NULL,
        status TEXT NOT NULL,
        assignee TEXT,
        since TEXT,
        needs_review INTEGER NOT NULL,
        PRIMARY KEY (station, case_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_queue_case ON case_queue(case_id);
      CREATE INDEX case_queue_status ON case_queue(station, status, assignee, since);
      CREATE INDEX case_queue_assignee ON case_queue(assignee, station, status, since);
      CREATE INDEX case_queue_review ON case_queue(station, needs_review, since);

      CREATE TRIGGER case_queue_insert AFTER INSERT ON case_file BEGIN
        INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review)
        SELECT s.value, NEW.id, COALESCE(NEW.local_status, NEW.status),
          CASE WHEN NEW.local_assignee IS NULL THEN json_extract(NEW.data, '$.assignee') ELSE NULLIF(NEW.local_assignee, '') END,
          COALESCE(json_extract(NEW.data, '$.statusSince'), NEW.opened_at),
          COALESCE(json_array_length(NEW.data, '$.needsReview'), 0) > 0
        FROM json_each(NEW.data, '$.stations') s;
      END;
      CREATE TRIGGER case_queue_update AFTER UPDATE ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
        INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review)
        SELECT s.value, NEW.id, COALESCE(NEW.local_status, NEW.status),
          CASE WHEN NEW.local_assignee IS NULL THEN json_extract(NEW.data, '$.assignee') ELSE NULLIF(NEW.local_assignee, '') END,
          COALESCE(json_extract(NEW.data, '$.statusSince'), NEW.opened_at),
          COALESCE(json_array_length(NEW.data, '$.needsReview'), 0) > 0
        FROM json_each(NEW.data, '$.stations') s;
      END;
      CREATE TRIGGER case_queue_delete AFTER DELETE ON case_file BEGIN
        DELETE FROM case_queue WHERE case_id = OLD.id;
      END;

      INSERT OR REPLACE INTO case_queue (station, case_id, status, assignee, since, needs_review)
      SELECT s.value, c.id, c.status, json_extract(c.data, '$.assignee'),
        COALESCE(json_extract(c.data, '$.statusSince'), c.opened_at),
        COALESCE(json_array_length(c.data, '$.needsReview'), 0) > 0
      FROM case_file c, json_each(c.data, '$.stations') s;
    `);
  },
};

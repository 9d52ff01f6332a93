import type { Migration } from './types.js';

/**
 * Money controls: approvals and the case audit trail in the cache, and the case columns the
 * queues filter and sort by (status, assignee, opened_at).
 */
export const migration: Migration = {
  version: 40,
  name: 'approvals-audit',
  up(db) {
    db.exec(`
      CREATE TABLE approval (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        case_id TEXT NOT NULL, entitlement_id TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX approval_status ON approval(status, requested_at);
      CREATE INDEX approval_case ON approval(case_id);

      CREATE TABLE audit (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, case_id TEXT NOT NULL, seq INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX audit_case ON audit(case_id, seq);

      ALTER TABLE case_file ADD COLUMN status TEXT NOT NULL DEFAULT 'OPEN';
      ALTER TABLE case_file ADD COLUMN assignee TEXT;
      ALTER TABLE case_file ADD COLUMN opened_at TEXT;
      CREATE INDEX case_file_queue ON case_file(status, assignee, opened_at);
    `);
  },
};

import type { Migration } from './types.js';

/**
 * Snapshot bootstrap progress (issue #10): one row per station whose bootstrap from
 * GET /v1/sync/snapshot is under way. Written in the same transaction as each applied page, so a
 * crash or restart resumes from the last committed page: `next_page` is the server's opaque
 * token of the page to fetch next (null before the first page), `as_of` and `epoch` come from the
 * FIRST page (the log continues from `as_of` once the last page is in), `applied`/`total` are the
 * progress shown in the sync bar. The row is deleted when the station's cursor is set to `as_of`.
 */
export const migration: Migration = {
  version: 90,
  name: 'sync-bootstrap',
  up(db) {
    db.exec(`
      CREATE TABLE sync_bootstrap (
        station TEXT PRIMARY KEY,
        epoch TEXT,
        as_of INTEGER,
        next_page TEXT,
        applied INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        pages INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

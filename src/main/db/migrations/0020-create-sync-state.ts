import type { Migration } from './types.js';

/**
 * Per-station pull position (server-assigned sequence + epoch; never a device clock) and
 * small key/value facts such as the desk id.
 */
export const migration: Migration = {
  version: 20,
  name: 'create-sync-state',
  up(db) {
    db.exec(`
      CREATE TABLE sync_cursor (
        station TEXT PRIMARY KEY, epoch TEXT, cursor INTEGER NOT NULL DEFAULT 0,
        head INTEGER NOT NULL DEFAULT 0, last_pull_at TEXT
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
    `);
  },
};

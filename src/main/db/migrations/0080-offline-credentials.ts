import type { Migration } from './types.js';

/**
 * Offline sign-in (issue #10): one row per user who signed in online at this desk. `hash` is a
 * memory-hard KDF (scrypt) of the password with a random per-user `salt`; `kdf` names the
 * algorithm and its parameters so they can be raised later without breaking stored rows.
 * `session` is the user's last online session (JSON: username, role, groups, stations) and
 * `signed_in_at` when it was made (the offline window counts from it). Wrong offline passwords
 * count in `failed_attempts`; `locked_until` stops offline unlock for that user until then
 * (persisted, so a restart does not reset the count).
 */
export const migration: Migration = {
  version: 80,
  name: 'offline-credentials',
  up(db) {
    db.exec(`
      CREATE TABLE offline_credential (
        username TEXT PRIMARY KEY,
        kdf TEXT NOT NULL,
        salt BLOB NOT NULL,
        hash BLOB NOT NULL,
        session TEXT NOT NULL,
        signed_in_at TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

import type { Migration } from './types.js';

/**
 * Desk identity and voucher serial blocks (issue #10, "Desk enrolment").
 * - `desk_enrolment`: at most one row, written when the server enrolled this desk's public key
 *   (the private key stays in `meta.desk_signing_key`, inside this encrypted database).
 * - `serial_block`: voucher serial blocks the server reserved for this desk; an offline issue
 *   takes the next serial (`next`, 1-based) of the oldest block with serials left, in the same
 *   transaction that queues the command.
 * - The desk id becomes the one derived from the signing key (src/shared/sync/desk-signing.ts
 *   deskIdOf), the id the server computes at enrolment: the old random `meta.desk_id` goes.
 */
export const migration: Migration = {
  version: 95,
  name: 'desk-identity',
  up(db) {
    db.exec(`
      CREATE TABLE desk_enrolment (
        desk_id TEXT PRIMARY KEY,
        enrolled_at TEXT NOT NULL,
        enrolled_by TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked'))
      ) STRICT;
      CREATE TABLE serial_block (
        block_no INTEGER PRIMARY KEY,
        desk_id TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size > 0),
        next INTEGER NOT NULL DEFAULT 1,
        allocated_at TEXT NOT NULL
      ) STRICT;
      DELETE FROM meta WHERE key = 'desk_id';
    `);
  },
};

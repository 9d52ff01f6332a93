import type { Migration } from './types.js';

/**
 * The outbox: commands in creation order (`seq`), each the full envelope as sent. `state`:
 * `pending` (not yet acknowledged) → `acked` (server applied it; kept until the effect came
 * back in a pull) → row deleted. Rejections move to `attention` in the same transaction.
 * The optimistic effect lives on the entity row (`entitlement.pending_command_id`).
 */
export const migration: Migration = {
  version: 30,
  name: 'create-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        command_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        station TEXT NOT NULL,
        entity_ref TEXT,
        envelope TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'acked')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        effects TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX outbox_state ON outbox(state, seq);

      CREATE TABLE attention (
        command_id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        entity_ref TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        envelope TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX attention_entity ON attention(entity_ref, resolved_at);

      ALTER TABLE entitlement ADD COLUMN pending_command_id TEXT;
    `);
  },
};

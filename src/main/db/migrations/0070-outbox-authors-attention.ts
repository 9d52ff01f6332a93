import type { Migration } from './types.js';

/**
 * Commands belong to their author; needs-attention is per user and resolvable (issue #10).
 *
 * - `outbox.desk_id`: the desk the command was created on (also in the envelope), back-filled.
 * - `outbox.push_as`: the user whose token may push the command: its author (`created_by`), or
 *   the supervisor who released it (`released_by`, `released_at`). A command queued before this
 *   migration keeps its author; one without an author (NULL) waits for a supervisor's release.
 * - `attention.created_by` (the author of the rejected command; the list is filtered by it),
 *   `case_id` (the link), and the resolution record: `resolved_at` (existing), `resolved_by`,
 *   `resolution` ('retried' | 'dismissed'), `note`, `retry_command_id`.
 */
export const migration: Migration = {
  version: 70,
  name: 'outbox-authors-attention',
  up(db) {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN desk_id TEXT;
      ALTER TABLE outbox ADD COLUMN push_as TEXT;
      ALTER TABLE outbox ADD COLUMN released_by TEXT;
      ALTER TABLE outbox ADD COLUMN released_at TEXT;
      UPDATE outbox SET desk_id = json_extract(envelope, '$.deskId'), push_as = created_by;
      CREATE INDEX outbox_push_as ON outbox(push_as, state, seq);

      ALTER TABLE attention ADD COLUMN created_by TEXT;
      ALTER TABLE attention ADD COLUMN case_id TEXT;
      ALTER TABLE attention ADD COLUMN resolved_by TEXT;
      ALTER TABLE attention ADD COLUMN resolution TEXT;
      ALTER TABLE attention ADD COLUMN note TEXT;
      ALTER TABLE attention ADD COLUMN retry_command_id TEXT;
      UPDATE attention SET case_id = json_extract(envelope, '$.payload.caseId');
      CREATE INDEX attention_user ON attention(created_by, resolved_at, created_at);
    `);
  },
};

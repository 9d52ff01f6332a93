import type { Migration } from './types.js';

/**
 * The board's badges and charts at 2,000 flights / 100,000 cases (issue #12, `board:stats`):
 * - issuance value as query columns (`currency`, `amount_minor`, written by the cache writer next
 *   to the snapshot, back-filled here) and an index covering the station's issued-by-currency
 *   aggregate: the JSON of ~50,000 issuances was read per chart refresh (≈1.5–2.5 s on a busy 2-core
 *   machine), now only index entries are;
 * - covering indexes for "cases owed" per flight (open cases with an entitlement still offered or
 *   awaiting approval): the statuses are read from the index, not from the case and entitlement rows.
 */
export const migration: Migration = {
  version: 130,
  name: 'board-stats',
  up(db) {
    db.exec(`
      ALTER TABLE issuance ADD COLUMN currency TEXT;
      ALTER TABLE issuance ADD COLUMN amount_minor INTEGER;
      UPDATE issuance SET currency = json_extract(data, '$.amount.currency'), amount_minor = json_extract(data, '$.amount.amountMinor');
      CREATE INDEX issuance_case_value ON issuance(case_id, status, local_void_command_id, currency, amount_minor);
      CREATE INDEX entitlement_case_status ON entitlement(case_id, status, local_status);
      CREATE INDEX case_file_flight_status ON case_file(flight_id, status, local_status, id);
    `);
  },
};

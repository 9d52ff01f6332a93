import type { Migration } from './types.js';

/**
 * The read cache of server entities. Each row is the full server snapshot (`data`, JSON) at
 * `version`, plus the columns the desk queries by. Rows are only ever replaced by a newer
 * version pulled from the change log; nothing here is authoritative.
 */
export const migration: Migration = {
  version: 10,
  name: 'create-cache',
  up(db) {
    db.exec(`
      CREATE TABLE flight (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        origin TEXT NOT NULL, destination TEXT NOT NULL, scheduled_departure TEXT NOT NULL, status TEXT NOT NULL
      ) STRICT;
      CREATE INDEX flight_origin ON flight(origin, scheduled_departure);
      CREATE INDEX flight_destination ON flight(destination, scheduled_departure);

      CREATE TABLE disruption (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, flight_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX disruption_flight ON disruption(flight_id);

      CREATE TABLE passenger (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        last_name TEXT NOT NULL COLLATE NOCASE, first_name TEXT NOT NULL COLLATE NOCASE
      ) STRICT;
      CREATE INDEX passenger_name ON passenger(last_name, first_name);

      CREATE TABLE booking (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        flight_id TEXT NOT NULL, passenger_id TEXT NOT NULL, pnr TEXT NOT NULL COLLATE NOCASE
      ) STRICT;
      CREATE INDEX booking_flight ON booking(flight_id);
      CREATE INDEX booking_passenger ON booking(passenger_id);
      CREATE INDEX booking_pnr ON booking(pnr);

      CREATE TABLE case_file (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        flight_id TEXT NOT NULL, passenger_id TEXT NOT NULL, booking_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_file_flight ON case_file(flight_id, passenger_id);

      CREATE TABLE entitlement (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
        case_id TEXT NOT NULL, status TEXT NOT NULL
      ) STRICT;
      CREATE INDEX entitlement_case ON entitlement(case_id);

      CREATE TABLE issuance (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, entitlement_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX issuance_entitlement ON issuance(entitlement_id);

      CREATE TABLE command_result (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL) STRICT;
      CREATE TABLE policy (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL) STRICT;
    `);
  },
};

import type { Migration } from './types.js';

/**
 * Passenger search by seat and by ticket number (issue #12): the booking's seat (leading zeros
 * dropped, as `12A`) and 13-digit e-ticket number as indexed columns, written by the cache writer
 * next to the snapshot and back-filled here from the cached snapshots.
 */
export const migration: Migration = {
  version: 120,
  name: 'booking-search',
  up(db) {
    db.exec(`
      ALTER TABLE booking ADD COLUMN seat TEXT COLLATE NOCASE;
      ALTER TABLE booking ADD COLUMN ticket_number TEXT;
      UPDATE booking SET
        seat = upper(ltrim(json_extract(data, '$.seat'), '0')),
        ticket_number = json_extract(data, '$.ticketNumber');
      CREATE INDEX booking_seat ON booking(seat);
      CREATE INDEX booking_ticket ON booking(ticket_number);
    `);
  },
};

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/main/db/migrations/index.js';
import { openDatabase, schemaVersion } from '../../../src/main/db/open.js';
import { tempDir } from './helpers/factories.js';

/** Per migration: a query the desk runs against what it created, and the index it must use. */
const PLANS: { version: number; sql: string; params: unknown[]; index: string }[] = [
  {
    version: 10,
    sql: 'SELECT data FROM flight WHERE origin = ? ORDER BY scheduled_departure',
    params: ['PHX'],
    index: 'flight_origin',
  },
  { version: 10, sql: 'SELECT data FROM flight WHERE destination = ?', params: ['PHX'], index: 'flight_destination' },
  { version: 10, sql: 'SELECT data FROM booking WHERE flight_id = ?', params: ['F'], index: 'booking_flight' },
  { version: 10, sql: 'SELECT data FROM booking WHERE pnr = ?', params: ['ABC123'], index: 'booking_pnr' },
  { version: 10, sql: 'SELECT data FROM passenger WHERE last_name LIKE ?', params: ['smi%'], index: 'passenger_name' },
  {
    version: 10,
    sql: 'SELECT data FROM case_file WHERE flight_id = ? AND passenger_id = ?',
    params: ['F', 'P'],
    index: 'case_file_flight',
  },
  { version: 10, sql: 'SELECT data FROM entitlement WHERE case_id = ?', params: ['C'], index: 'entitlement_case' },
  {
    version: 10,
    sql: 'SELECT data FROM issuance WHERE entitlement_id = ?',
    params: ['E'],
    index: 'issuance_entitlement',
  },
  { version: 20, sql: 'SELECT cursor FROM sync_cursor WHERE station = ?', params: ['PHX'], index: 'PRIMARY KEY' },
  {
    version: 30,
    sql: `SELECT envelope FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 50`,
    params: [],
    index: 'outbox_state',
  },
  {
    version: 30,
    sql: 'SELECT code FROM attention WHERE entity_ref = ? AND resolved_at IS NULL',
    params: ['entitlement:E'],
    index: 'attention_entity',
  },
  {
    version: 40,
    sql: `SELECT data FROM approval WHERE status IN ('PENDING', 'ESCALATED') ORDER BY requested_at`,
    params: [],
    index: 'approval_status',
  },
  { version: 40, sql: 'SELECT data FROM approval WHERE case_id = ?', params: ['C'], index: 'approval_case' },
  { version: 40, sql: 'SELECT data FROM audit WHERE case_id = ? ORDER BY seq', params: ['C'], index: 'audit_case' },
  // 50: the queues (mine, unassigned, awaiting approval, needs review), team load, daily totals.
  {
    version: 50,
    sql: `SELECT case_id FROM case_queue q WHERE q.assignee = ? AND q.station = ? AND q.status IN ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL') ORDER BY q.since`,
    params: ['agent.phx', 'PHX'],
    index: 'case_queue_assignee',
  },
  {
    version: 50,
    sql: `SELECT case_id FROM case_queue q WHERE q.station = ? AND q.status = 'OPEN' AND q.assignee IS NULL ORDER BY q.since LIMIT 50`,
    params: ['PHX'],
    index: 'INDEX case_queue_', // (assignee IS NULL, station, status) or (station, status, assignee): both seek, neither scans
  },
  {
    version: 50,
    sql: `SELECT count(*) FROM case_queue q WHERE q.station = ? AND q.status = 'AWAITING_APPROVAL'`,
    params: ['PHX'],
    index: 'case_queue_status',
  },
  {
    version: 50,
    sql: `SELECT case_id FROM case_queue q WHERE q.station = ? AND q.needs_review = 1 ORDER BY q.since`,
    params: ['PHX'],
    index: 'case_queue_review',
  },
  {
    version: 50,
    sql: `SELECT data FROM issuance WHERE issued_by = ? AND issued_at >= ?`,
    params: ['agent.phx', '2026-11-24'],
    index: 'issuance_issuer',
  },
  { version: 50, sql: 'SELECT data FROM issuance WHERE case_id = ?', params: ['C'], index: 'issuance_case' },
  // 60: one full index for every queue and a partial one for the review flag.
  {
    version: 60,
    sql: `SELECT case_id FROM case_queue q WHERE q.assignee = ? AND q.station = ? AND q.status IN ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL') ORDER BY q.since`,
    params: ['agent.phx', 'PHX'],
    index: 'case_queue_status',
  },
  {
    version: 60,
    sql: `SELECT assignee, count(*) FROM case_queue WHERE station = ? AND status IN ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL') AND assignee IS NOT NULL GROUP BY assignee`,
    params: ['PHX'],
    index: 'case_queue_status',
  },
  {
    version: 60,
    sql: `SELECT count(*) FROM case_queue q WHERE q.station = ? AND q.needs_review = 1 AND q.status <> 'CLOSED'`,
    params: ['PHX'],
    index: 'case_queue_review',
  },
  {
    version: 60,
    sql: `SELECT case_id FROM case_queue q WHERE q.station = ? AND q.status = 'OPEN' AND q.assignee IS NULL ORDER BY q.since LIMIT 50`,
    params: ['PHX'],
    index: 'case_queue_status',
  },
  {
    version: 50,
    sql: 'SELECT data FROM approval WHERE entitlement_id = ? ORDER BY requested_at DESC LIMIT 1',
    params: ['E'],
    index: 'approval_entitlement',
  },
  // 70: the signed-in user's next batch; the signed-in user's needs-attention list.
  {
    version: 70,
    sql: `SELECT envelope FROM outbox WHERE push_as = ? AND state = 'pending' ORDER BY seq LIMIT 50`,
    params: ['agent.phx'],
    index: 'outbox_push_as',
  },
  {
    version: 70,
    sql: 'SELECT command_id FROM attention WHERE created_by = ? AND resolved_at IS NULL ORDER BY created_at DESC',
    params: ['agent.phx'],
    index: 'attention_user',
  },
  // 100: every queue's page reads an index in its own order; the tab counts read the tally.
  {
    version: 100,
    sql: `SELECT q.case_id FROM case_queue q JOIN case_file c ON c.id = q.case_id WHERE q.assignee = ? AND q.station = ? AND q.status IN ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL') ORDER BY q.since, q.case_id LIMIT 50`,
    params: ['agent.phx', 'PHX'],
    index: 'case_queue_mine',
  },
  {
    version: 100,
    sql: `SELECT q.case_id FROM case_queue q JOIN case_file c ON c.id = q.case_id WHERE q.station = ? AND q.status = 'AWAITING_APPROVAL' ORDER BY q.since, q.case_id LIMIT 50`,
    params: ['PHX'],
    index: 'case_queue_since',
  },
  {
    version: 100,
    sql: `SELECT COALESCE(sum(n), 0) FROM case_queue_tally t WHERE t.station = ? AND t.status = 'OPEN' AND t.assignee = ''`,
    params: ['PHX'],
    index: 'PRIMARY KEY',
  },
  // 95: an offline issue takes the next serial of a block (a handful of rows), by block number.
  {
    version: 95,
    sql: 'SELECT next, size FROM serial_block WHERE block_no = ?',
    params: [1],
    index: 'PRIMARY KEY',
  },
  // 80: offline sign-in looks a user's credential up by name.
  {
    version: 80,
    sql: 'SELECT salt, hash FROM offline_credential WHERE username = ?',
    params: ['agent.phx'],
    index: 'PRIMARY KEY',
  },
  // 110: a snapshot page's queue rebuild reads the queue rows of the page's cases by key.
  {
    version: 110,
    sql: 'SELECT station, status, count(*) FROM case_queue WHERE case_id IN (SELECT value FROM json_each(?)) GROUP BY station, status',
    params: ['["C1"]'],
    index: 'PRIMARY KEY',
  },
  {
    version: 110,
    sql: 'SELECT c.id, s.value FROM case_file c, json_each(c.stations) s WHERE c.id IN (SELECT value FROM json_each(?))',
    params: ['["C1"]'],
    index: 'sqlite_autoindex_case_file_1',
  },
  // 120: passenger search by seat and by ticket number.
  { version: 120, sql: 'SELECT data FROM booking WHERE seat = ?', params: ['12A'], index: 'booking_seat' },
  {
    version: 120,
    sql: 'SELECT data FROM booking WHERE ticket_number = ?',
    params: ['5262400000001'],
    index: 'booking_ticket',
  },
  // 130: the board's issued-by-currency chart and "cases owed" badge read only index entries.
  {
    version: 130,
    sql: "SELECT i.currency, sum(i.amount_minor), count(*) FROM case_queue q JOIN issuance i ON i.case_id = q.case_id WHERE q.station = ? AND i.status = 'VALID' AND i.local_void_command_id IS NULL AND i.currency IS NOT NULL GROUP BY i.currency",
    params: ['PHX'],
    index: 'USING COVERING INDEX issuance_case_value',
  },
  {
    version: 130,
    sql: "SELECT count(*) FROM case_file c WHERE c.flight_id = ? AND COALESCE(c.local_status, c.status) IN ('OPEN') AND EXISTS (SELECT 1 FROM entitlement e WHERE e.case_id = c.id AND COALESCE(e.local_status, e.status) IN ('OFFERED'))",
    params: ['F1'],
    index: 'USING COVERING INDEX entitlement_case_status',
  },
  // 90: the sync engine reads a station's bootstrap progress before every pull.
  {
    version: 90,
    sql: 'SELECT as_of, next_page, applied, total FROM sync_bootstrap WHERE station = ?',
    params: ['PHX'],
    index: 'PRIMARY KEY',
  },
];

describe.each(MIGRATIONS.map((m) => [m.version, m.name, m] as const))(
  'migration %i (%s)',
  (version, _name, migration) => {
    it('brings a database from the previous version to this one', () => {
      // Prepare
      const dir = tempDir();
      const upTo = MIGRATIONS.filter((m) => m.version <= version);
      const before = MIGRATIONS.filter((m) => m.version < version);
      const file = path.join(dir, 'desk.db');
      if (before.length > 0) openDatabase(file, { migrations: before }).close();
      // Act
      const db = openDatabase(file, { migrations: upTo });
      // Assess
      expect(schemaVersion(db)).toBe(migration.version);
      if (before.length > 0) expect(fs.existsSync(`${file}.v${before.at(-1)!.version}.bak`)).toBe(true);
      db.close();
    });

    const plans = PLANS.filter((p) => p.version === version);
    it.each(plans.map((p) => [p.index, p] as const))('query plan uses %s', (index, p) => {
      const db = openDatabase(path.join(tempDir(), 'desk.db'), {
        migrations: MIGRATIONS.filter((m) => m.version <= version),
      });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${p.sql}`).all(...p.params) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
      db.close();
      expect(plan).toContain(index);
      expect(plan).not.toMatch(
        /SCAN (flight|booking|passenger|case_file|entitlement|issuance|outbox|attention|sync_cursor|sync_bootstrap|approval|audit|case_queue)\b(?! USING)/,
      );
    });
  },
);

describe('migration files', () => {
  it('are numbered strictly increasing (steps of 10; 0095 was slotted between two parallel ones), and every one has a query-plan check', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    for (const v of versions) expect(v % 10 === 0 || v === 95, `migration ${v}`).toBe(true);
    for (const v of versions) expect(PLANS.some((p) => p.version === v)).toBe(true);
    const files = fs
      .readdirSync(path.resolve(import.meta.dirname, '../../../src/main/db/migrations'))
      .filter((f) => /^\d{4}-/.test(f));
    expect(files.map((f) => Number(f.slice(0, 4)))).toEqual(versions);
  });

  it('creates STRICT tables only', () => {
    const db = openDatabase(path.join(tempDir(), 'desk.db'));
    const sqls = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string; sql: string }[];
    db.close();
    expect(sqls.length).toBeGreaterThan(5);
    for (const t of sqls) expect(t.sql, t.name).toMatch(/\)\s*STRICT/);
  });

  it('is idempotent: reopening a current database changes nothing and writes no backup', () => {
    const dir = tempDir();
    const file = path.join(dir, 'desk.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });
});

describe('encryption (SQLCipher)', () => {
  it('stores no plaintext and refuses a wrong key', () => {
    // Prepare
    const file = path.join(tempDir(), 'desk.db');
    const db = openDatabase(file, { keyProvider: { getKey: () => 'correct horse' } });
    db.prepare(`INSERT INTO meta (key, value) VALUES ('probe', 'PLAINTEXT-PASSENGER-NAME')`).run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Assess
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(Buffer.from('PLAINTEXT-PASSENGER-NAME'))).toBe(false);
    expect(bytes.subarray(0, 15).toString()).not.toBe('SQLite format 3');
    expect(() => openDatabase(file, { keyProvider: { getKey: () => 'wrong' } })).toThrow(/not a database/);
    const again = openDatabase(file, { keyProvider: { getKey: () => 'correct horse' } });
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'probe'`).pluck().get()).toBe('PLAINTEXT-PASSENGER-NAME');
    again.close();
  });
});

describe('an old database with data', () => {
  it('opens at 0040 → current: cases fill the queue table, issuances get their query columns, the outbox is kept', () => {
    // Prepare: a desk file at version 40 holding a case, an issuance and a queued command.
    const file = path.join(tempDir(), 'desk.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 40) });
    const kase = {
      id: 'C1',
      flightId: 'F1',
      disruptionId: 'D1',
      passengerId: 'P1',
      bookingId: 'B1',
      status: 'IN_PROGRESS',
      policyVersion: null,
      primaryRegime: null,
      needsReview: ['cause unknown'],
      stations: ['PHX', 'OAK'],
      assignee: 'agent.phx',
      openedAt: '2026-11-24T15:00:00.000Z',
      statusSince: '2026-11-24T15:30:00.000Z',
      version: 3,
    };
    old
      .prepare(
        `INSERT INTO case_file (id, version, data, flight_id, passenger_id, booking_id, status, assignee, opened_at) VALUES ('C1', 3, ?, 'F1', 'P1', 'B1', 'IN_PROGRESS', 'agent.phx', ?)`,
      )
      .run(JSON.stringify(kase), kase.openedAt);
    const iss = {
      id: 'I1',
      caseId: 'C1',
      issuedBy: 'agent.phx',
      issuedAt: '2026-11-24T15:40:00.000Z',
      status: 'VALID',
    };
    old
      .prepare(`INSERT INTO issuance (id, version, data, entitlement_id) VALUES ('I1', 1, ?, 'E1')`)
      .run(JSON.stringify(iss));
    old
      .prepare(
        `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at) VALUES ('CMD1', 'issueEntitlement', 'PHX', 'entitlement:E1', '{}', 'pending', '2026-11-24T15:41:00.000Z')`,
      )
      .run();
    old.close();
    // Act
    const db = openDatabase(file);
    // Assess
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(
      db
        .prepare('SELECT station, case_id, status, assignee, since, needs_review FROM case_queue ORDER BY station')
        .all(),
    ).toEqual([
      {
        station: 'OAK',
        case_id: 'C1',
        status: 'IN_PROGRESS',
        assignee: 'agent.phx',
        since: '2026-11-24T15:30:00.000Z',
        needs_review: 1,
      },
      {
        station: 'PHX',
        case_id: 'C1',
        status: 'IN_PROGRESS',
        assignee: 'agent.phx',
        since: '2026-11-24T15:30:00.000Z',
        needs_review: 1,
      },
    ]);
    expect(db.prepare('SELECT case_id, issued_by, issued_at, status FROM issuance').get()).toEqual({
      case_id: 'C1',
      issued_by: 'agent.phx',
      issued_at: '2026-11-24T15:40:00.000Z',
      status: 'VALID',
    });
    expect(db.prepare('SELECT command_id, created_by FROM outbox').all()).toEqual([
      { command_id: 'CMD1', created_by: null },
    ]);
    // The triggers keep the queue table in step with later writes and deletes.
    db.prepare(`UPDATE case_file SET local_assignee = '' WHERE id = 'C1'`).run();
    expect(db.prepare(`SELECT assignee FROM case_queue WHERE station = 'PHX'`).pluck().get()).toBeNull();
    db.prepare(`DELETE FROM case_file`).run();
    expect(db.prepare('SELECT count(*) FROM case_queue').pluck().get()).toBe(0);
    db.close();
  });
});

describe('a database created at every earlier migration', () => {
  const latest = MIGRATIONS.at(-1)!.version;
  it.each(MIGRATIONS.slice(0, -1).map((m) => [m.version] as const))(
    'created at %i opens with the current desk and migrates to the latest, keeping its cache and outbox',
    (version) => {
      // Prepare: a desk file stopped at `version`, holding a flight and (from 0030 on) a queued command.
      const file = path.join(tempDir(), 'desk.db');
      const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= version) });
      const flight = {
        id: 'F1',
        origin: 'PHX',
        destination: 'OAK',
        scheduledDeparture: '2026-11-24T15:00:00.000Z',
        status: 'DELAYED',
        version: 2,
      };
      old
        .prepare(
          `INSERT INTO flight (id, version, data, origin, destination, scheduled_departure, status) VALUES ('F1', 2, ?, 'PHX', 'OAK', ?, 'DELAYED')`,
        )
        .run(JSON.stringify(flight), flight.scheduledDeparture);
      const hasOutbox = version >= 30;
      if (hasOutbox)
        old
          .prepare(
            `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at) VALUES ('CMD1', 'addCaseNote', 'PHX', 'case:C1', '{}', 'pending', '2026-11-24T15:41:00.000Z')`,
          )
          .run();
      old.close();
      // Act
      const db = openDatabase(file);
      // Assess
      expect(schemaVersion(db)).toBe(latest);
      expect(db.prepare(`SELECT id, version FROM flight`).all()).toEqual([{ id: 'F1', version: 2 }]);
      if (hasOutbox)
        expect(db.prepare(`SELECT command_id, state FROM outbox`).all()).toEqual([
          { command_id: 'CMD1', state: 'pending' },
        ]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
      expect(fs.existsSync(`${file}.v${version}.bak`)).toBe(true);
    },
  );
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardStatsQuery } from '../../../src/main/db/board-stats.js';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { CacheQueries } from '../../../src/main/db/queries.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { booking, caseOf, entitlement, flight, passenger, tempDir } from './helpers/factories.js';

// The board's charts and badges from the cache: delays by the station's local hour (PHX = UTC−7),
// cases by status, issued value by currency, and "cases owed" per flight.

let db: Db;
const issuance = (caseId: string, n: number, amountMinor: number, currency: string, status: 'VALID' | 'VOID' = 'VALID'): Change => ({
  kind: 'issuance',
  id: `ISS-${caseId}-${n}`,
  version: 1,
  op: 'put',
  data: {
    id: `ISS-${caseId}-${n}`,
    key: `k-${caseId}-${n}`,
    entitlementId: `${caseId}/goodwill/meal/day1`,
    caseId,
    passengerId: 'P',
    type: 'cash',
    amount: { amountMinor, currency },
    voucherSerial: `V-${caseId}-${n}`,
    commandId: `cmd-${caseId}-${n}`,
    issuedBy: 'agent.phx',
    deskId: 'desk-1',
    issuedAt: '2026-11-24T16:00:00Z',
    status,
    version: 1,
  },
});

beforeAll(() => {
  db = openDatabase(path.join(tempDir(), 'desk.db'));
  const cache = new CacheWriter(db);
  const changes: Change[] = [
    // 08:00 PHX departure, delayed 45 min; 08:40 PHX departure on time; 09:00 PHX arrival from LHR (left 01:30 PHX time), cancelled.
    flight({ id: 'D1', scheduledDeparture: '2026-11-24T15:00:00Z', scheduledArrival: '2026-11-24T16:30:00Z', status: 'DELAYED', delayMinutes: 45 }),
    flight({ id: 'D2', number: '12', scheduledDeparture: '2026-11-24T15:40:00Z', scheduledArrival: '2026-11-24T17:00:00Z' }),
    flight({
      id: 'A1',
      number: '77',
      origin: 'LHR',
      destination: 'PHX',
      scheduledDeparture: '2026-11-24T08:30:00Z',
      scheduledArrival: '2026-11-24T16:00:00Z',
      status: 'CANCELLED',
    }),
    // Another day at PHX (not in the chart of the 24th).
    flight({ id: 'D3', number: '13', scheduledDeparture: '2026-11-25T15:00:00Z', scheduledArrival: '2026-11-25T16:30:00Z' }),
    passenger('P1', 'Ames'),
    passenger('P2', 'Bell'),
    booking('B1', 'P1', 'D1', 'AAA111'),
    booking('B2', 'P2', 'D1', 'BBB222'),
    caseOf('D1', 'P1', 'B1'),
    caseOf('D1', 'P2', 'B2'),
    entitlement('CASE-D1-P1', 'meal', 'OFFERED'),
    entitlement('CASE-D1-P2', 'meal', 'ISSUED'),
    issuance('CASE-D1-P2', 1, 1500, 'USD'),
    issuance('CASE-D1-P2', 2, 60000, 'EUR'),
    issuance('CASE-D1-P2', 3, 9900, 'USD', 'VOID'),
  ];
  db.transaction(() => {
    for (const c of changes) cache.write(c);
  })();
});
afterAll(() => db.close());

describe('board:stats', () => {
  it('buckets delays by the local hour of the station’s movement, on the station’s local day', () => {
    // Act
    const s = new BoardStatsQuery(db).stats('PHX', '2026-11-24');
    // Assess
    expect(s.timeZone).toBe('America/Phoenix');
    expect(s.delaysByHour).toHaveLength(24);
    expect(s.delaysByHour[8]).toEqual({ hour: 8, flights: 2, delayed: 1, cancelled: 0, delayMinutes: 45 });
    // The LHR arrival counts at 09:00 PHX (its arrival here), not at its 01:30 departure hour.
    expect(s.delaysByHour[9]).toMatchObject({ flights: 1, cancelled: 1 });
    expect(s.delaysByHour[1]).toMatchObject({ flights: 0 });
    expect(s.delaysByHour.reduce((n, h) => n + h.flights, 0)).toBe(3);
  });

  it('defaults to today at the station', () => {
    const s = new BoardStatsQuery(db, () => new Date('2026-11-25T06:59:00Z')).stats('PHX');
    expect(s.day).toBe('2026-11-24'); // still the 24th in Phoenix
  });

  it('counts cases by status and valid issued value by currency (voided left out)', () => {
    const s = new BoardStatsQuery(db).stats('PHX', '2026-11-24');
    expect(s.casesByStatus).toEqual([{ status: 'OPEN', cases: 2 }]);
    expect(s.issuedByCurrency).toEqual([
      { currency: 'EUR', amountMinor: 60000, issuances: 1 },
      { currency: 'USD', amountMinor: 1500, issuances: 1 },
    ]);
    expect(new BoardStatsQuery(db).stats('DAL', '2026-11-24').issuedByCurrency).toEqual([]);
  });

  it('reads each aggregate through an index, never a table scan', () => {
    const plan = (sql: string, ...p: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[]).map((r) => r.detail).join('\n');
    const flights = plan(
      `SELECT id FROM flight f WHERE f.origin = ? AND f.scheduled_departure >= ? AND f.scheduled_departure < ?`,
      'PHX',
      'a',
      'b',
    );
    expect(flights).toMatch(/USING INDEX flight_origin/);
    const issued = plan(
      `SELECT i.currency, sum(i.amount_minor), count(*) FROM case_queue q JOIN issuance i ON i.case_id = q.case_id
       WHERE q.station = ? AND i.status = 'VALID' AND i.local_void_command_id IS NULL AND i.currency IS NOT NULL GROUP BY i.currency`,
      'PHX',
    );
    expect(issued).toMatch(/COVERING INDEX issuance_case_value/);
    expect(issued).not.toMatch(/SCAN i\b/);
    const owed = plan(
      `SELECT count(*) FROM case_file c WHERE c.flight_id = ? AND COALESCE(c.local_status, c.status) IN ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL')
         AND EXISTS (SELECT 1 FROM entitlement e WHERE e.case_id = c.id AND COALESCE(e.local_status, e.status) IN ('OFFERED', 'PENDING_APPROVAL'))`,
      'D1',
    );
    expect(owed).toMatch(/COVERING INDEX case_file_flight_status/);
    expect(owed).toMatch(/COVERING INDEX entitlement_case_status/);
    expect(plan(`SELECT status, sum(n) FROM case_queue_tally WHERE station = ? GROUP BY status`, 'PHX')).toMatch(/SEARCH/);
  });
});

describe('board: station time order and cases owed', () => {
  it('sorts by this station’s movement instant and counts open cases with something owed', () => {
    const q = new CacheQueries(db);
    const board = q.board('PHX');
    expect(board.timeZone).toBe('America/Phoenix');
    expect(board.flights.map((f) => f.id)).toEqual(['D1', 'D2', 'A1', 'D3']);
    const d1 = board.flights.find((f) => f.id === 'D1')!;
    expect(d1.caseCount).toBe(2);
    expect(d1.casesOwed).toBe(1); // P1's meal is still offered; P2's was issued
  });

  it('the grouped board counts equal the per-flight counts of flight(), for every flight', () => {
    const q = new CacheQueries(db);
    for (const f of q.board('PHX').flights) expect(f).toEqual(q.flight(f.id));
  });
});

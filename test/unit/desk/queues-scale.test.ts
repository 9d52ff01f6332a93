import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { CacheQueries } from '../../../src/main/db/queries.js';
import { tempDir } from './helpers/factories.js';

// The queues are indexed SQL over case_queue (kept by triggers), not a scan into JS: on a desk
// holding 100k cases a page, all five counts and the team load come back in milliseconds.

// 100k cases under `npm run soak` (JETWAY_SOAK=1); CI size keeps the unit tier quick.
const N = process.env.JETWAY_SOAK === '1' ? 100_000 : 25_000;
let db: Db;
let queries: CacheQueries;
let setupMs = 0;

beforeAll(() => {
  db = openDatabase(path.join(tempDir(), 'desk.db'));
  const cache = new CacheWriter(db);
  const started = performance.now();
  const statuses = ['OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RESOLVED', 'CLOSED'];
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const station = ['PHX', 'DAL', 'LHR', 'OAK'][i % 4]!;
      const status = statuses[i % 5]!;
      const assignee = status === 'OPEN' ? null : `agent.${i % 7}`;
      const at = new Date(Date.UTC(2026, 10, 24, 0, 0, 0) + (i % 1440) * 60_000).toISOString();
      const data = {
        id: `C${i}`,
        flightId: `F${i % 300}`,
        disruptionId: 'D',
        passengerId: `P${i}`,
        bookingId: `B${i}`,
        status,
        policyVersion: null,
        primaryRegime: null,
        needsReview: i % 11 === 0 ? ['cause'] : [],
        stations: [station, 'ZZZ'],
        assignee,
        openedAt: at,
        statusSince: at,
        version: 1,
      };
      cache.write({ kind: 'case', id: data.id, version: 1, op: 'put', data });
    }
  })();
  setupMs = performance.now() - started;
  queries = new CacheQueries(db, {
    viewer: () => ({ username: 'agent.1', role: 'supervisor', stations: ['PHX'], online: true }),
    now: () => new Date('2026-11-25T00:00:00.000Z'),
  });
}, 120_000);
afterAll(() => db.close());

describe(`queues on ${N.toLocaleString('en')} cached cases`, () => {
  it('answers a page with every count quickly, oldest first', () => {
    queries.queue('unassigned', 'PHX', 50, 0); // warm the statement cache
    const started = performance.now();
    const res = queries.queue('unassigned', 'PHX', 50, 0);
    const mine = queries.queue('mine', 'PHX', 50, 100);
    const team = queries.teamLoad('PHX');
    const ms = performance.now() - started;
    expect(res.total).toBe(N / 4 / 5); // PHX = every 4th, OPEN = every 5th of those
    expect(res.items).toHaveLength(50);
    expect(res.items.map((i) => i.ageMinutes)).toEqual([...res.items.map((i) => i.ageMinutes)].sort((a, b) => b - a));
    expect(res.counts.needs_review).toBeGreaterThan(0);
    expect(mine.items).toHaveLength(50);
    expect(team.unassigned).toBe(res.total);
    expect(ms).toBeLessThan(1000); // typically tens of ms; generous for a shared 2-core machine
    if (process.env.DESK_TEST_LOG)
      console.log(
        `cache write of ${N} cases: ${setupMs.toFixed(0)} ms; page + counts + team load: ${ms.toFixed(1)} ms`,
      );
  });
});

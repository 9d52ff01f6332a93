import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheWriter } from '../../../src/main/db/cache.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { passenger, tempDir } from './helpers/factories.js';

// The queue tab counts come from case_queue_tally (migration 0100), kept by triggers. Whatever
// happens to cases (server snapshots, optimistic local status/assignee, deletes, a full clear),
// the tally must equal counting the queue rows themselves.

const tally = (db: Db) =>
  db
    .prepare(`SELECT station, status, assignee, needs_review, n FROM case_queue_tally WHERE n <> 0 ORDER BY 1, 2, 3, 4`)
    .all();
const recount = (db: Db) =>
  db
    .prepare(
      `SELECT station, status, COALESCE(assignee, '') AS assignee, needs_review, count(*) AS n FROM case_queue
       GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    )
    .all();

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random case change (status, stations, assignee, review flag drawn from `r`). */
const caseChange = (r: () => number, id: string, version: number) => {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const status = pick(['OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RESOLVED', 'CLOSED']);
  return {
    kind: 'case' as const,
    id,
    version,
    op: 'put' as const,
    data: {
      id,
      flightId: 'F1',
      disruptionId: 'D1',
      passengerId: `P${id}`,
      bookingId: `B${id}`,
      status,
      policyVersion: null,
      primaryRegime: null,
      needsReview: r() < 0.2 ? ['missing arrival time'] : [],
      // Sometimes the same station twice: the triggers must not double-count it.
      stations: pick([['PHX'], ['PHX', 'OAK'], ['PHX', 'PHX'], ['LHR', 'PHX', 'OAK']]),
      assignee: status === 'OPEN' ? null : pick(['agent.a', 'agent.b', null]),
      openedAt: '2026-12-02T10:00:00.000Z',
      statusSince: `2026-12-02T1${Math.floor(r() * 10)}:00:00.000Z`,
      version,
    },
  };
};

describe('queue tally (0100)', () => {
  it.each([1, 2, 3])('equals a recount after random case writes, local effects and deletes (seed %i)', (seed) => {
    const db = openDatabase(path.join(tempDir(), 'desk.db'));
    const cache = new CacheWriter(db);
    const r = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const versions = new Map<string, number>();
    for (let step = 0; step < 2000; step++) {
      const id = `C${Math.floor(r() * 200)}`;
      const roll = r();
      if (roll < 0.7) {
        const version = (versions.get(id) ?? 0) + 1;
        versions.set(id, version);
        cache.write(caseChange(r, id, version));
      } else if (roll < 0.85) {
        // An optimistic effect on the desk (claim, close) and its clearing.
        db.prepare(`UPDATE case_file SET local_status = ?, local_assignee = ? WHERE id = ?`).run(
          pick([null, 'IN_PROGRESS', 'CLOSED']),
          pick([null, '', 'agent.c']),
          id,
        );
      } else {
        db.prepare(`DELETE FROM case_file WHERE id = ?`).run(id);
        versions.delete(id);
      }
      if (step % 250 === 0) expect(tally(db)).toEqual(recount(db));
    }
    expect(tally(db)).toEqual(recount(db));
    expect(db.prepare('SELECT count(*) FROM case_queue_tally WHERE n < 0').pluck().get()).toBe(0);
    cache.clearAll();
    expect(tally(db)).toEqual([]);
    db.close();
  });
});

// Snapshot pages are applied with the queue triggers off and the queue rows and tally rebuilt
// set-based at the end of the page (migration 0110, CacheWriter.applySnapshotChanges). The end
// state must be the triggers' one: same case_queue rows, same non-zero tally, equal to a recount.
describe('bulk snapshot apply (0110)', () => {
  const queue = (db: Db) => db.prepare('SELECT * FROM case_queue ORDER BY case_id, station').all();

  it.each([1, 2, 3])('equals the trigger path and a recount (seed %i)', (seed) => {
    // Prepare: two desks; the same history, pages applied in bulk on one and through the triggers on the other.
    const bulkDb = openDatabase(path.join(tempDir(), 'bulk.db'));
    const trigDb = openDatabase(path.join(tempDir(), 'trig.db'));
    const bulk = new CacheWriter(bulkDb);
    const trig = new CacheWriter(trigDb);
    const r = rng(seed);
    const versions = new Map<string, number>();
    for (let round = 0; round < 12; round++) {
      // A snapshot page: new and newer cases, older (skipped) ones, tombstones, a passenger.
      const page: Change[] = [];
      for (let i = 0; i < 60; i++) {
        const id = `C${Math.floor(r() * 150)}`;
        const roll = r();
        const v = versions.get(id) ?? 0;
        if (roll < 0.1 && v > 0) page.push({ kind: 'case' as const, id, version: v + 1, op: 'delete' as const, data: null });
        else if (roll < 0.2 && v > 1) page.push(caseChange(r, id, v - 1));
        else page.push(caseChange(r, id, v + 1));
        versions.set(id, Math.max(v, page.at(-1)!.version));
      }
      page.push(passenger(`PX${round}`, 'Family'));
      // Act
      const changedBulk = bulkDb.transaction(() => bulk.applySnapshotChanges(page))();
      const changedTrig = trigDb.transaction(() => new Set(page.filter((c) => trig.writeIfNewer(c)).map((c) => c.kind)))();
      // Between pages: local effects and a plain (trigger) write, on both.
      for (const db of [bulkDb, trigDb]) {
        db.prepare(`UPDATE case_file SET local_status = 'IN_PROGRESS', local_assignee = 'agent.c' WHERE id = ?`).run(`C${round * 7}`);
        db.prepare(`UPDATE case_file SET local_status = NULL, local_assignee = NULL WHERE id = ?`).run(`C${round * 5}`);
      }
      // Assess
      expect([...changedBulk].sort()).toEqual([...changedTrig].sort());
      expect(queue(bulkDb)).toEqual(queue(trigDb));
      expect(tally(bulkDb)).toEqual(tally(trigDb));
      expect(tally(bulkDb)).toEqual(recount(bulkDb));
      expect(bulkDb.prepare('SELECT count(*) FROM case_queue_defer').pluck().get()).toBe(0);
    }
    expect(bulkDb.prepare('SELECT count(*) FROM case_queue').pluck().get()).toBeGreaterThan(50);
    bulkDb.close();
    trigDb.close();
  });

  it('a page that fails validation leaves nothing, the triggers on', () => {
    const db = openDatabase(path.join(tempDir(), 'desk.db'));
    const cache = new CacheWriter(db);
    const r = rng(9);
    const bad = { kind: 'case' as const, id: 'CBAD', version: 1, op: 'put' as const, data: { id: 'CBAD' } };
    expect(() => db.transaction(() => cache.applySnapshotChanges([caseChange(r, 'C1', 1), bad]))()).toThrow(/invalid case CBAD/);
    expect(db.prepare('SELECT count(*) FROM case_file').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM case_queue_defer').pluck().get()).toBe(0);
    cache.write(caseChange(r, 'C2', 1));
    expect(db.prepare('SELECT count(*) FROM case_queue WHERE case_id = ?').pluck().get('C2')).toBeGreaterThan(0);
    expect(tally(db)).toEqual(recount(db));
    db.close();
  });
});

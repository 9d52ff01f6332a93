import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { MIGRATIONS } from '../../../src/main/db/migrations/index.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { CacheQueries } from '../../../src/main/db/queries.js';
import type { CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { cancelledFlight, tempDir } from './helpers/factories.js';

const ENT = 'CASE-SW9012-2026-11-24-P001/goodwill/meal/day1';

function setup(): { db: Db; outbox: Outbox; queries: CacheQueries; cache: CacheWriter; file: string } {
  const file = path.join(tempDir(), 'desk.db');
  const db = openDatabase(file);
  const cache = new CacheWriter(db);
  db.transaction(() => {
    for (const c of cancelledFlight(2)) cache.write(c);
  })();
  return { db, outbox: new Outbox(db), queries: new CacheQueries(db), cache, file };
}

const cmd = (n: number, entitlementId = ENT): CommandEnvelope => ({
  commandId: `01JCMD${String(n).padStart(20, '0')}`,
  type: 'issueEntitlement',
  schemaVersion: 1,
  deskId: 'DESK-1',
  station: 'PHX',
  expectedVersions: { [`entitlement:${entitlementId}`]: 1 },
  payload: { entitlementId, voucherSerial: null },
  createdAt: '2026-11-24T15:00:00.000Z',
  offline: false,
});

describe('outbox', () => {
  it('writes the command and its optimistic effect together, and survives reopening the file', () => {
    const { db, outbox, file } = setup();
    outbox.enqueue(cmd(1));
    db.close();
    const again = openDatabase(file);
    const q = new CacheQueries(again);
    expect(new Outbox(again).nextBatch().map((c) => c.commandId)).toEqual([cmd(1).commandId]);
    expect(q.entitlement(ENT)).toMatchObject({ status: 'OFFERED', effectiveStatus: 'ISSUED', syncState: 'pending' });
    again.close();
  });

  it('is atomic: if the optimistic effect fails, no command is queued', () => {
    const { db, outbox, queries } = setup();
    db.exec(
      `CREATE TEMP TRIGGER boom BEFORE UPDATE OF pending_command_id ON entitlement BEGIN SELECT RAISE(ABORT, 'disk full'); END;`,
    );
    expect(() => outbox.enqueue(cmd(1))).toThrow(/disk full/);
    expect(outbox.count()).toBe(0);
    expect(queries.entitlement(ENT)?.syncState).toBe('none');
  });

  it('is atomic the other way: if the queue write fails, the optimistic effect is not kept', () => {
    const { db, outbox, queries } = setup();
    db.exec(`CREATE TEMP TRIGGER boom AFTER INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'io error'); END;`);
    expect(() => outbox.enqueue(cmd(1))).toThrow(/io error/);
    expect(queries.entitlement(ENT)?.syncState).toBe('none');
  });

  it('hands out pending commands in creation order, at most 50', () => {
    const { outbox } = setup();
    for (let i = 1; i <= 60; i += 1) outbox.enqueue(cmd(i, `E${i}`));
    const batch = outbox.nextBatch();
    expect(batch).toHaveLength(50);
    expect(batch.map((c) => c.commandId)).toEqual(Array.from({ length: 50 }, (_, i) => cmd(i + 1).commandId));
  });

  it('keeps an acknowledged command until its effect came back in a pull, then drops it', () => {
    const { db, outbox, queries, cache } = setup();
    outbox.enqueue(cmd(1));
    outbox.recordResults([
      {
        commandId: cmd(1).commandId,
        status: 'applied',
        replayed: false,
        code: null,
        message: null,
        effects: [{ ref: `entitlement:${ENT}`, version: 2 }],
      },
    ]);
    expect(outbox.count()).toBe(1);
    expect(outbox.nextBatch()).toEqual([]); // acked: not pushed again
    const versionOf = (ref: string) => cache.versionOf('entitlement', ref.slice('entitlement:'.length));
    db.transaction(() => outbox.reconcile(versionOf, () => undefined))();
    expect(outbox.count()).toBe(1);
    expect(queries.entitlement(ENT)?.syncState).toBe('pending');
    // The pull brings version 2 (issued).
    const ent = cancelledFlight(1).find((c) => c.kind === 'entitlement')!;
    db.transaction(() => {
      cache.write({ ...ent, version: 2, data: { ...ent.data, status: 'ISSUED', version: 2 } });
      outbox.reconcile(versionOf, () => undefined);
    })();
    expect(outbox.count()).toBe(0);
    expect(queries.entitlement(ENT)).toMatchObject({ status: 'ISSUED', syncState: 'synced' });
  });

  it('moves a rejected command to the needs-attention list and rolls the optimistic effect back', () => {
    const { outbox, queries } = setup();
    outbox.enqueue(cmd(1));
    outbox.enqueue(cmd(2, 'other'));
    outbox.recordResults([
      {
        commandId: cmd(1).commandId,
        status: 'rejected',
        replayed: false,
        code: 'VERSION_CONFLICT',
        message: 'changed meanwhile',
        effects: [],
      },
    ]);
    expect(outbox.nextBatch().map((c) => c.commandId)).toEqual([cmd(2).commandId]); // the queue is not blocked
    expect(outbox.attention()).toMatchObject([
      { commandId: cmd(1).commandId, code: 'VERSION_CONFLICT', entityRef: `entitlement:${ENT}` },
    ]);
    expect(queries.entitlement(ENT)).toMatchObject({
      status: 'OFFERED',
      effectiveStatus: 'OFFERED',
      syncState: 'rejected',
      rejection: { code: 'VERSION_CONFLICT' },
    });
  });

  it('re-applies the optimistic effect on top of a fresh server snapshot (rebase after resync)', () => {
    const { db, outbox, queries, cache } = setup();
    outbox.enqueue(cmd(1));
    db.transaction(() => {
      cache.clearAll();
      for (const c of cancelledFlight(2)) cache.write(c);
      outbox.reconcile(
        () => undefined,
        () => undefined,
      );
    })();
    expect(queries.entitlement(ENT)?.syncState).toBe('pending');
    expect(outbox.count()).toBe(1);
  });
});

describe('outbox: commands belong to their author', () => {
  const E2 = 'CASE-SW9012-2026-11-24-P002/goodwill/meal/day1';

  it('hands a user only their own pending commands (or those released to them), and records the desk', () => {
    const { db, outbox } = setup();
    outbox.enqueue(cmd(1), 'agent.a');
    outbox.enqueue(cmd(2, E2), 'agent.b');
    expect(outbox.nextBatch(50, 'agent.a').map((c) => c.commandId)).toEqual([cmd(1).commandId]);
    expect(outbox.nextBatch(50, 'agent.b').map((c) => c.commandId)).toEqual([cmd(2).commandId]);
    expect(outbox.nextBatch(50, 'super.x')).toEqual([]);
    expect(outbox.count('agent.a')).toBe(1);
    expect(outbox.waiting('agent.a').map((w) => [w.commandId, w.createdBy, w.deskId])).toEqual([
      [cmd(2).commandId, 'agent.b', 'DESK-1'],
    ]);
    // Released to a supervisor: pushed under the supervisor's token, the author kept.
    const released = outbox.release([cmd(2).commandId, 'unknown'], 'super.x');
    expect(released.map((r) => r.commandId)).toEqual([cmd(2).commandId]);
    expect(outbox.nextBatch(50, 'super.x').map((c) => c.commandId)).toEqual([cmd(2).commandId]);
    expect(outbox.nextBatch(50, 'agent.b')).toEqual([]);
    expect(
      db.prepare('SELECT created_by, released_by, desk_id FROM outbox WHERE command_id = ?').get(cmd(2).commandId),
    ).toEqual({
      created_by: 'agent.b',
      released_by: 'super.x',
      desk_id: 'DESK-1',
    });
  });

  it('a release check that throws releases nothing', () => {
    const { outbox } = setup();
    outbox.enqueue(cmd(1), 'agent.a');
    outbox.enqueue(cmd(2, E2), 'agent.a');
    let n = 0;
    expect(() =>
      outbox.release([cmd(1).commandId, cmd(2).commandId], 'super.x', () => {
        if (++n === 2) throw new Error('not your station');
      }),
    ).toThrow(/not your station/);
    expect(outbox.nextBatch(50, 'super.x')).toEqual([]);
    expect(outbox.nextBatch(50, 'agent.a')).toHaveLength(2);
  });

  it("a rejection lands in its author's list only, with its case; a permanent failure too", () => {
    const { outbox } = setup();
    outbox.enqueue(cmd(1), 'agent.a');
    outbox.enqueue(cmd(2, E2), 'agent.b');
    outbox.recordResults([
      {
        commandId: cmd(1).commandId,
        status: 'rejected',
        replayed: false,
        code: 'VERSION_CONFLICT',
        message: 'changed',
        effects: [],
      },
    ]);
    outbox.recordPermanentFailure([cmd(2).commandId], 'INVALID_PAYLOAD', '400 INVALID_PAYLOAD: bad');
    expect(outbox.attention('agent.a')).toMatchObject([
      { commandId: cmd(1).commandId, createdBy: 'agent.a', caseId: 'CASE-SW9012-2026-11-24-P001' },
    ]);
    expect(outbox.attention('agent.b')).toMatchObject([
      { commandId: cmd(2).commandId, code: 'INVALID_PAYLOAD', caseId: 'CASE-SW9012-2026-11-24-P002' },
    ]);
    expect(outbox.attention('agent.c')).toEqual([]);
    expect(outbox.attentionCount('agent.a')).toBe(1);
    expect(outbox.count()).toBe(0);
  });

  it('records a resolution once (who, how, note, new command)', () => {
    const { db, outbox } = setup();
    outbox.enqueue(cmd(1), 'agent.a');
    outbox.recordResults([
      { commandId: cmd(1).commandId, status: 'rejected', replayed: false, code: 'X', message: 'x', effects: [] },
    ]);
    outbox.resolveAttention(cmd(1).commandId, 'agent.a', 'dismissed', 'gone home');
    expect(() => outbox.resolveAttention(cmd(1).commandId, 'agent.a', 'retried', null)).toThrow(/already resolved/);
    expect(outbox.attention('agent.a')).toEqual([]);
    expect(db.prepare('SELECT resolved_by, resolution, note FROM attention').get()).toEqual({
      resolved_by: 'agent.a',
      resolution: 'dismissed',
      note: 'gone home',
    });
  });

  it('migration 0070 keeps queued commands with their author, and author-less ones wait for a release', () => {
    const file = path.join(tempDir(), 'desk.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 60) });
    const env = (n: number, e: string) => JSON.stringify(cmd(n, e));
    old
      .prepare(
        `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at, created_by) VALUES (?, 'issueEntitlement', 'PHX', ?, ?, 'pending', '2026-11-24T15:00:00Z', ?)`,
      )
      .run(cmd(1).commandId, `entitlement:${ENT}`, env(1, ENT), 'agent.a');
    old
      .prepare(
        `INSERT INTO outbox (command_id, type, station, entity_ref, envelope, state, created_at, created_by) VALUES (?, 'issueEntitlement', 'PHX', ?, ?, 'pending', '2026-11-24T15:00:00Z', NULL)`,
      )
      .run(cmd(2).commandId, `entitlement:${E2}`, env(2, E2));
    old.close();
    const db = openDatabase(file);
    // The cache rows are written by today's writer (it knows today's columns), after the upgrade.
    const cache = new CacheWriter(db);
    db.transaction(() => {
      for (const c of cancelledFlight(2)) cache.write(c);
    })();
    const outbox = new Outbox(db);
    expect(outbox.nextBatch(50, 'agent.a').map((c) => c.commandId)).toEqual([cmd(1).commandId]);
    expect(outbox.waiting('super.x').map((w) => [w.commandId, w.createdBy, w.deskId])).toEqual([
      [cmd(1).commandId, 'agent.a', 'DESK-1'],
      [cmd(2).commandId, null, 'DESK-1'],
    ]);
    outbox.release([cmd(2).commandId], 'super.x');
    expect(outbox.nextBatch(50, 'super.x').map((c) => c.commandId)).toEqual([cmd(2).commandId]);
    db.close();
  });
});

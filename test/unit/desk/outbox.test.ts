import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
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
    db.exec(`CREATE TEMP TRIGGER boom BEFORE UPDATE OF pending_command_id ON entitlement BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
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
    outbox.recordResults([{ commandId: cmd(1).commandId, status: 'applied', replayed: false, code: null, message: null, effects: [{ ref: `entitlement:${ENT}`, version: 2 }] }]);
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
    outbox.recordResults([{ commandId: cmd(1).commandId, status: 'rejected', replayed: false, code: 'VERSION_CONFLICT', message: 'changed meanwhile', effects: [] }]);
    expect(outbox.nextBatch().map((c) => c.commandId)).toEqual([cmd(2).commandId]); // the queue is not blocked
    expect(outbox.attention()).toMatchObject([{ commandId: cmd(1).commandId, code: 'VERSION_CONFLICT', entityRef: `entitlement:${ENT}` }]);
    expect(queries.entitlement(ENT)).toMatchObject({ status: 'OFFERED', effectiveStatus: 'OFFERED', syncState: 'rejected', rejection: { code: 'VERSION_CONFLICT' } });
  });

  it('re-applies the optimistic effect on top of a fresh server snapshot (rebase after resync)', () => {
    const { db, outbox, queries, cache } = setup();
    outbox.enqueue(cmd(1));
    db.transaction(() => {
      cache.clearAll();
      for (const c of cancelledFlight(2)) cache.write(c);
      outbox.reconcile(() => undefined, () => undefined);
    })();
    expect(queries.entitlement(ENT)?.syncState).toBe('pending');
    expect(outbox.count()).toBe(1);
  });
});

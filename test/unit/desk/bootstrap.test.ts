import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapLabel } from '../../../src/renderer/src/format.js';
import { deskHarness, deskPool, until, type Harness } from './helpers/desk-harness.js';
import { flight } from './helpers/factories.js';
import { startFakeBackend, type FakeBackend } from './helpers/fake-backend.js';

// Snapshot bootstrap on the desk (issue #10) against the FAKE backend (helpers/fake-backend.ts).

let fake: FakeBackend;
const desks = deskPool();
const desk = (opts?: Parameters<typeof deskHarness>[1]): Harness => desks.open(fake.apiUrl, opts);
beforeEach(async () => {
  fake = await startFakeBackend();
});
afterEach(async () => {
  await desks.closeAll();
  await fake.stop();
});

describe('snapshot bootstrap', () => {
  it('a new desk on a trimmed log loads the snapshot page by page, then continues the log from asOf', async () => {
    // Prepare: 25 flights, the log trimmed to its last 5 entries.
    for (let i = 0; i < 25; i++) fake.commit(['PHX'], [flight({ id: `F${String(i).padStart(2, '0')}`, version: 1 })]);
    fake.truncate('PHX', 21);
    const d = desk({ snapshotPageSize: 10 });
    // Act
    await d.engine.start(['PHX']);
    await until(() => d.engine.cursors()[0]?.cursor === 25 && d.engine.bootstraps().length === 0, 'bootstrapped');
    fake.commit(['PHX'], [flight({ id: 'F-new', version: 1 })]);
    await until(() => d.engine.cursors()[0]?.cursor === 26, 'log continued');
    // Assess: 3 pages, every flight, nothing from the log's first 20 entries lost.
    expect(fake.snapshotPages).toHaveLength(3);
    expect(fake.snapshotPages[0]).toBeNull();
    expect(d.queries.board('PHX').counts.total).toBe(26);
  });

  it('resumes after a crash from the page after the last committed one', async () => {
    // Prepare: 30 flights, the log trimmed; a desk applies pages 1-2 by hand, then "crashes".
    for (let i = 0; i < 30; i++) fake.commit(['PHX'], [flight({ id: `F${String(i).padStart(2, '0')}`, version: 1 })]);
    fake.truncate('PHX', 31);
    const a = desk({ snapshotPageSize: 10 });
    const resync = await a.backend.pull({ station: 'PHX', cursor: 0, epoch: null, limit: 10 }, 0);
    expect(a.engine.applyPull('PHX', resync)).toMatchObject({ bootstrap: true });
    const p1 = await a.backend.snapshot({ station: 'PHX', page: null, limit: 10 });
    a.engine.applySnapshotPage('PHX', p1);
    const p2 = await a.backend.snapshot({ station: 'PHX', page: p1.nextPage, limit: 10 });
    a.engine.applySnapshotPage('PHX', p2);
    expect(a.engine.bootstraps()).toMatchObject([{ station: 'PHX', applied: 20, total: 30, pages: 2, asOf: 30, nextPage: p2.nextPage }]);
    await a.close();
    desks.forget();
    fake.snapshotPages.length = 0;
    // Act: the desk restarts.
    const b = desk({ file: a.file, snapshotPageSize: 10 });
    await b.engine.start(['PHX']);
    await until(() => b.engine.bootstraps().length === 0 && b.engine.cursors()[0]?.cursor === 30, 'bootstrapped');
    // Assess: only page 3 was asked for.
    expect(fake.snapshotPages).toEqual([p2.nextPage]);
    expect(b.queries.board('PHX').counts.total).toBe(30);
  });

  it('a page token refused with 410 (its packed snapshot was replaced and deleted) starts the pages again, from the new asOf', async () => {
    // Prepare: 30 flights, the log trimmed; a desk applies page 1, then "crashes"; meanwhile the
    // server moves on and the snapshot the desk's token names is gone.
    for (let i = 0; i < 30; i++) fake.commit(['PHX'], [flight({ id: `F${String(i).padStart(2, '0')}`, version: 1 })]);
    fake.truncate('PHX', 31);
    const a = desk({ snapshotPageSize: 10 });
    const resync = await a.backend.pull({ station: 'PHX', cursor: 0, epoch: null, limit: 10 }, 0);
    a.engine.applyPull('PHX', resync);
    const p1 = await a.backend.snapshot({ station: 'PHX', page: null, limit: 10 });
    a.engine.applySnapshotPage('PHX', p1);
    expect(a.engine.bootstraps()).toMatchObject([{ asOf: 30, applied: 10, pages: 1 }]);
    await a.close();
    desks.forget();
    fake.commit(['PHX'], [flight({ id: 'F05', version: 2, gate: 'Z9' })]);
    fake.commit(['PHX'], [flight({ id: 'F-late', version: 1 })]);
    fake.truncate('PHX', 33);
    fake.goneTokens.add(p1.nextPage!);
    fake.snapshotPages.length = 0;
    // Act: the desk restarts.
    const b = desk({ file: a.file, snapshotPageSize: 10 });
    await b.engine.start(['PHX']);
    await until(() => b.engine.bootstraps().length === 0 && b.engine.cursors()[0]?.cursor === 32, 'bootstrapped');
    // Assess: the refused token, then the pages from the first one; everything, at the new asOf.
    expect(fake.snapshotPages.slice(0, 2)).toEqual([p1.nextPage, null]);
    expect(fake.snapshotPages).toHaveLength(5);
    expect(b.queries.board('PHX').counts.total).toBe(31);
    expect(b.db.prepare(`SELECT version FROM flight WHERE id = 'F05'`).pluck().get()).toBe(2);
  });

  it('applies a snapshot by version: never older over newer, tombstones delete older rows', () => {
    const d = desk();
    d.engine.applyPull('PHX', {
      station: 'PHX',
      epoch: 'E1',
      entries: [{ seq: 1, changes: [flight({ id: 'A', version: 5 }), flight({ id: 'B', version: 1 })] }],
      cursor: 1,
      hasMore: false,
      head: 1,
      resync: false,
      retention: { minSeq: 1 },
    });
    d.db.prepare(`INSERT INTO sync_bootstrap (station, started_at, updated_at) VALUES ('PHX', 'x', 'x')`).run();
    const out = d.engine.applySnapshotPage('PHX', {
      station: 'PHX',
      epoch: 'E1',
      asOf: 9,
      changes: [flight({ id: 'A', version: 3 }), { kind: 'flight', id: 'B', version: 2, op: 'delete', data: null }, flight({ id: 'C', version: 1 })],
      nextPage: null,
      total: 3,
    });
    expect(out.done).toBe(true);
    const rows = d.db.prepare('SELECT id, version FROM flight ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'A', version: 5 },
      { id: 'C', version: 1 },
    ]);
    expect(d.engine.cursors()).toMatchObject([{ station: 'PHX', epoch: 'E1', cursor: 9 }]);
  });

  it('labels progress for the sync bar', () => {
    expect(bootstrapLabel('PHX', 12_400, 100_000)).toBe('Loading PHX: 12,400 of 100,000');
    expect(bootstrapLabel('PHX', 0, 0)).toBe('Loading PHX…');
  });
});

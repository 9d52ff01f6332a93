import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, NO_EPOCH, commitManyWithLog, commitWithLog, getEpoch, readHead, readLog, rotateEpoch, type TransactItem } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { createChangeWaiter } from '../../src/api/change-waiter.js';
import { withSuiteServices, type Services } from '../helpers/stack.js';

let s: Services;
let ctx: DataContext;
withSuiteServices((services, tables) => ([s, ctx] = [services, tables]));

const change = (id: string) => ({ kind: 'case' as const, id, version: 1, op: 'put' as const, data: { id } });

describe('per-station change log (DynamoDB Local)', () => {
  it('is gap-free and loses nothing with concurrent writers to shared stations', async () => {
    // Prepare: 8 writers × 15 commits (soak: 16 × 60), each to PHX and to one of two other stations.
    const soak = process.env.JETWAY_SOAK === '1';
    const writers = soak ? 16 : 8;
    const perWriter = soak ? 60 : 15;
    // Act
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          await commitWithLog(ctx, { items: [], changes: [change(`w${w}-${i}`)], stations: ['PHX', w % 2 ? 'OAK' : 'DAL'] });
        }
      }),
    );
    // Assess: PHX has every commit exactly once, seq 1..N with no gap; OAK/DAL their halves.
    const total = writers * perWriter;
    expect(await readHead(ctx, 'PHX')).toBe(total);
    const phx = await readLog(ctx, 'PHX', 0, 1000);
    expect(phx.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const ids = phx.flatMap((e) => e.changes.map((c) => c.id));
    expect(new Set(ids).size).toBe(total);
    const oak = await readLog(ctx, 'OAK', 0, 1000);
    const dal = await readLog(ctx, 'DAL', 0, 1000);
    expect(oak.map((e) => e.seq)).toEqual(Array.from({ length: total / 2 }, (_, i) => i + 1));
    expect(dal).toHaveLength(total / 2);
    // Per writer, the order of its own commits is preserved in the log.
    for (let w = 0; w < writers; w++) {
      const mine = ids.filter((id) => id.startsWith(`w${w}-`));
      expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => `w${w}-${i}`));
    }
  });

  it('reads pages after a cursor', async () => {
    const page = await readLog(ctx, 'PHX', 10, 5);
    expect(page.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
  });

  it('a failed business condition writes nothing: its reserved sequence is voided (an entry without changes), so readers never wait', async () => {
    // Prepare
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.command('X'), taken: true } }));
    const before = await readHead(ctx, 'LHR');
    const items: TransactItem[] = [
      { Put: { TableName: ctx.table, Item: { ...keys.case('new-one'), id: 'new-one' } } },
      { Put: { TableName: ctx.table, Item: { ...keys.command('X') }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ];
    // Act
    const err = await commitWithLog(ctx, { items, changes: [change('new-one')], stations: ['LHR'] }).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).failedIndexes).toEqual([1]);
    expect(await readHead(ctx, 'LHR')).toBe(before + 1);
    expect(await readLog(ctx, 'LHR', before, 10)).toEqual([{ seq: before + 1, changes: [] }]);
    const got = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.case('new-one') }));
    expect(got.Item).toBeUndefined();
  });

  it('refuses a transaction over the 100-item limit before sending it', async () => {
    const items: TransactItem[] = Array.from({ length: 97 }, (_, i) => ({ Put: { TableName: ctx.table, Item: { ...keys.case(`big-${i}`) } } }));
    await expect(commitWithLog(ctx, { items, changes: [], stations: ['PHX', 'OAK'] })).rejects.toThrow(RangeError);
  });

  it('a reader stops before a sequence reserved and not committed, and voids it once its writer is gone', async () => {
    // Prepare: a writer reserves the next AMS sequence and dies before committing (raw ADD, as
    // reserveSeq does); another writer then commits the one after it.
    const fresh = (await s.newTables()).ctx;
    await commitWithLog(fresh, { items: [], changes: [change('before')], stations: ['AMS'] });
    await fresh.doc.send(
      new UpdateCommand({
        TableName: fresh.table,
        Key: keys.stationCounter('AMS'),
        UpdateExpression: 'ADD #seq :one SET reservedAt = :at',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1, ':at': new Date().toISOString() },
      }),
    );
    await commitWithLog(fresh, { items: [], changes: [change('after')], stations: ['AMS'] });
    expect(await readHead(fresh, 'AMS')).toBe(3);

    // Act + Assess: while the hole is young, readers stop before it (never skip past it).
    expect(await readLog(fresh, 'AMS', 0, 10)).toEqual([{ seq: 1, changes: [change('before')] }]);
    expect(await readLog(fresh, 'AMS', 1, 10)).toEqual([]);
    // Once older than the hole timeout, the first reader voids it and reads on.
    process.env.JETWAY_LOG_HOLE_SECONDS = '0';
    try {
      await new Promise((r) => setTimeout(r, 5));
      expect(await readLog(fresh, 'AMS', 1, 10)).toEqual([
        { seq: 2, changes: [] },
        { seq: 3, changes: [change('after')] },
      ]);
    } finally {
      delete process.env.JETWAY_LOG_HOLE_SECONDS;
    }
  });

  it('commits many writes to one station with several transactions in flight, gap-free', async () => {
    const fresh = (await s.newTables()).ctx;
    let inFlight = 0;
    let most = 0;
    fresh.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        most = Math.max(most, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countInFlight' },
    );
    // 400 writes of 20 items each (5 a transaction): about 80 transactions, all naming FRA.
    const writes = Array.from({ length: 400 }, (_, i) => ({
      items: Array.from({ length: 20 }, (_, k) => ({ Put: { TableName: fresh.table, Item: { ...keys.case(`p${i}-${k}`), id: `p${i}-${k}` } } })),
      changes: [change(`p${i}`)],
      stations: ['FRA'],
    }));

    const results = await commitManyWithLog(fresh, writes);

    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBeGreaterThan(1);
    const head = await readHead(fresh, 'FRA');
    const log = await readLog(fresh, 'FRA', 0, 1000);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(log.flatMap((e) => e.changes.map((c) => c.id)).sort()).toEqual(writes.map((w) => w.changes[0]!.id).sort());
  });

  it('read-only callers never create the epoch; the first write does', async () => {
    const fresh = (await s.newTables()).ctx;
    expect(await getEpoch(fresh, { create: false })).toBe(NO_EPOCH);
    const none = await fresh.doc.send(new GetCommand({ TableName: fresh.table, Key: keys.epoch(), ConsistentRead: true }));
    expect(none.Item).toBeUndefined();
    await commitWithLog(fresh, { items: [], changes: [change('first')], stations: ['PHX'] });
    const e = await getEpoch(fresh, { create: false });
    expect(e).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('a restore rotates the epoch: pulls with the old one are told to resync', async () => {
    const fresh = (await s.newTables()).ctx;
    await commitWithLog(fresh, { items: [], changes: [change('x')], stations: ['PHX'] });
    const before = await getEpoch(fresh);
    const after = await rotateEpoch(fresh, 'restored from backup 2026-11-24T01:00Z');
    expect(after).not.toBe(before);
    expect(await getEpoch(fresh, { create: false })).toBe(after);
  });

  it('has one stable epoch per table', async () => {
    const [a, b] = await Promise.all([getEpoch(ctx), getEpoch(ctx)]);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(b).toBe(a);
  });
});

describe('long-poll change waiter (DynamoDB Local)', () => {
  it('wakes on a commit past the cursor, and on close ends every wait at once, later ones without waiting', async () => {
    // Prepare
    const waiter = createChangeWaiter(50);
    const head = await readHead(ctx, 'WTR');
    // Act: a commit notified while waiting wakes the waiter with the new head.
    const woken = waiter.waitFor(ctx, 'WTR', head, 10_000);
    const seqs = await commitWithLog(ctx, { items: [], changes: [change('waiter-1')], stations: ['WTR'] });
    waiter.notify(seqs);
    // Assess
    expect(await woken).toBe(head + 1);
    // Act: a wait with nothing to come, then close.
    const t0 = performance.now();
    const waiting = waiter.waitFor(ctx, 'WTR', head + 1, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    waiter.close();
    // Assess: it answers now with the head it had, not after its 10 s.
    expect(await waiting).toBe(head + 1);
    expect(performance.now() - t0).toBeLessThan(2_000);
    const t1 = performance.now();
    expect(await waiter.waitFor(ctx, 'WTR', head + 1, 10_000)).toBe(head + 1);
    expect(performance.now() - t1).toBeLessThan(1_000);
  });
});

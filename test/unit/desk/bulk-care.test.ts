import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkCare } from '../../../src/main/commands/bulk.js';
import { CommandService } from '../../../src/main/commands/service.js';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { CacheQueries } from '../../../src/main/db/queries.js';
import { createDispatch, type RpcHandlers } from '../../../src/main/rpc/dispatch.js';
import type { BulkCareProgress, BulkCareRun } from '../../../src/shared/rpc/bulk-care.js';
import { CHANNELS, type Session } from '../../../src/shared/rpc/contract.js';
import { IssueEntitlementPayloadSchema, type Change } from '../../../src/shared/sync/protocol.js';
import { booking, flight, passenger, tempDir, put, session, openCase } from './helpers/factories.js';

// Bulk care's rules on a real SQLite desk (no backend): the same CommandService as a single
// issue, so confirmations, offline caps and roles apply to every item; skips; no double issue.

const FLIGHT = 'LH400-2026-11-24';
const NOW = new Date('2026-11-24T16:00:00.000Z');
const caseId = (p: string) => `CASE-${FLIGHT}-${p}`;
const entId = (p: string, type: string) => `${caseId(p)}/EU261/${type}/once`;
const kase = (p: string) => openCase(FLIGHT, p);
const ent = (p: string, type: string, status = 'OFFERED') =>
  put('entitlement', {
    id: entId(p, type),
    caseId: caseId(p),
    regime: 'EU261',
    type,
    carePeriod: 'once',
    amount: null,
    automatic: false,
    status,
    clauses: [{ id: 'EU261-ART9', reason: 'Right to care' }],
    version: 1,
  });

let db: Db;
let state: { session: Session; online: boolean };
let commands: CommandService;
let outbox: Outbox;
let bulk: BulkCare;
let events: BulkCareProgress[];
let n = 0;

beforeEach(() => {
  db = openDatabase(path.join(tempDir(), 'desk.db'));
  state = { session: session('agent.phx', 'agent'), online: true };
  const cache = new CacheWriter(db);
  outbox = new Outbox(db, () => NOW);
  const queries = new CacheQueries(db, {
    viewer: () => ({ ...state.session, online: state.online }),
    now: () => NOW,
  });
  commands = new CommandService({
    outbox,
    queries,
    deskId: 'DESK-T',
    onQueued: () => undefined,
    isOnline: () => state.online,
    now: () => NOW,
    newId: () => `01JBC${String(++n).padStart(21, '0')}`,
  });
  events = [];
  bulk = new BulkCare({
    commands,
    queries,
    session: () => state.session,
    isOnline: () => state.online,
    progress: (p) => events.push(p),
    changed: () => undefined,
    pause: () => Promise.resolve(),
  });
  const changes: Change[] = [
    flight({ id: FLIGHT, carrier: 'LH', number: '400', origin: 'PHX', destination: 'FRA', status: 'CANCELLED', version: 2 }),
  ];
  for (const [p, last] of [['P1', 'Adams'], ['P2', 'Baker'], ['P3', 'Clark'], ['P4', 'Dunn'], ['P5', 'Evans']] as const)
    changes.push(passenger(p, last), booking(`B-${p}`, p, FLIGHT, `PNR${p}`));
  // P1–P3: meal + hotel offered; P4: meal already issued, hotel waiting for approval; P5: no case.
  for (const p of ['P1', 'P2', 'P3']) changes.push(kase(p), ent(p, 'meal'), ent(p, 'hotel'));
  changes.push(kase('P4'), ent('P4', 'meal', 'ISSUED'), ent('P4', 'hotel', 'PENDING_APPROVAL'));
  db.transaction(() => {
    for (const c of changes) cache.write(c);
  })();
});
afterEach(() => db.close());

const ALL = ['P1', 'P2', 'P3', 'P4', 'P5'];
async function run(start: () => BulkCareRun): Promise<BulkCareRun> {
  const r = start();
  for (let i = 0; i < 200 && !events.some((e) => e.runId === r.runId && e.finished); i++) await new Promise((x) => setTimeout(x, 5));
  return bulk.get(r.runId);
}
const issues = () =>
  outbox.nextBatch(100).filter((c) => c.type === 'issueEntitlement').map((c) => IssueEntitlementPayloadSchema.parse(c.payload));

describe('bulk care', () => {
  it('plans per passenger: to issue, already issued, needs approval, not eligible', () => {
    const meal = bulk.plan(FLIGHT, 'meal', ALL);
    expect(meal.items.map((i) => [i.passengerId, i.outcome, i.code])).toEqual([
      ['P1', 'pending', null],
      ['P2', 'pending', null],
      ['P3', 'pending', null],
      ['P4', 'skipped', 'ALREADY_ISSUED'],
      ['P5', 'skipped', 'NOT_ELIGIBLE'],
    ]);
    expect(meal).toMatchObject({ toIssue: 3, needsConfirmation: false, totals: [{ currency: 'EUR', amountMinor: 4500, count: 3 }] });
    const hotel = bulk.plan(FLIGHT, 'hotel', ALL);
    expect(hotel.items.find((i) => i.passengerId === 'P4')).toMatchObject({ outcome: 'skipped', code: 'NEEDS_APPROVAL' });
    // Hotel nights count 150 EUR each, above the 50 EUR confirmation threshold: one confirmation for the batch.
    expect(hotel).toMatchObject({ toIssue: 3, needsConfirmation: true, totals: [{ currency: 'EUR', amountMinor: 45000, count: 3 }] });
    expect(() => bulk.plan(FLIGHT, 'cash', ALL)).toThrow(/one passenger at a time/);
  });

  it('applies the confirmation rule to every item: refused without it, retry-failed with it issues only those', async () => {
    const first = await run(() => bulk.start(FLIGHT, 'hotel', ALL, null));
    expect(first.counts).toEqual({ issued: 0, refused: 3, skipped: 2 });
    expect(first.items.filter((i) => i.outcome === 'refused').every((i) => i.code === 'CONFIRMATION_REQUIRED')).toBe(true);
    expect(issues()).toHaveLength(0);
    const retry = await run(() => bulk.retry(first.runId, { paymentMethod: 'in_kind_voucher' }));
    expect(retry.items.map((i) => [i.passengerId, i.outcome])).toEqual([
      ['P1', 'issued'],
      ['P2', 'issued'],
      ['P3', 'issued'],
    ]);
    expect(issues().map((p) => [p.entitlementId, p.confirmation?.paymentMethod])).toEqual(
      ['P1', 'P2', 'P3'].map((p) => [entId(p, 'hotel'), 'in_kind_voucher']),
    );
    // Progress: one event per item, n of N, then finished.
    const mine = events.filter((e) => e.runId === retry.runId);
    expect(mine.map((e) => `${e.done}/${e.total}${e.finished ? '!' : ''}`)).toEqual(['1/3', '2/3', '3/3', '3/3!']);
    expect(() => bulk.retry(retry.runId, null)).toThrow(/nothing was refused/);
  });

  it('offline: refuses what is above the offline cap, queues care within it as offline', async () => {
    state.online = false;
    const hotel = await run(() => bulk.start(FLIGHT, 'hotel', ['P1'], { paymentMethod: 'in_kind_voucher' }));
    expect(hotel.items[0]).toMatchObject({ outcome: 'refused', code: 'OFFLINE_CAP_EXCEEDED', reason: expect.stringMatching(/offline cap/) });
    const meal = await run(() => bulk.start(FLIGHT, 'meal', ALL, null));
    expect(meal.counts).toEqual({ issued: 3, refused: 0, skipped: 2 });
    expect(outbox.nextBatch(100).every((c) => c.offline)).toBe(true);
  });

  it('never issues twice: a re-run and two runs at once queue each entitlement once', async () => {
    const a = bulk.start(FLIGHT, 'meal', ALL, null);
    const b = bulk.start(FLIGHT, 'meal', ALL, null);
    const ra = await run(() => a);
    const rb = await run(() => b);
    expect(ra.counts.issued + rb.counts.issued).toBe(3);
    const again = await run(() => bulk.start(FLIGHT, 'meal', ALL, null));
    expect(again.counts).toEqual({ issued: 0, refused: 0, skipped: 5 });
    expect(again.items.filter((i) => i.code === 'ALREADY_ISSUED')).toHaveLength(4);
    expect(issues().map((p) => p.entitlementId).sort()).toEqual(['P1', 'P2', 'P3'].map((p) => entId(p, 'meal')));
  });

  it('refuses what the role or stations forbid', async () => {
    state.session = session('nobody', 'unknown');
    const r = await run(() => bulk.start(FLIGHT, 'meal', ['P1'], null));
    expect(r.items[0]).toMatchObject({ outcome: 'refused', code: 'FORBIDDEN_ROLE' });
    state.session = session('agent.lhr', 'agent', ['LHR']);
    expect(() => bulk.plan(FLIGHT, 'meal', ALL)).toThrow(/not at (one of )?your stations/);
    expect(issues()).toHaveLength(0);
  });

  it('refuses hostile requests at the contract: odd types, cash confirmations, oversized selections, unknown runs', async () => {
    const handlers = Object.fromEntries(CHANNELS.map((c) => [c, () => { throw new Error('not expected'); }])) as unknown as RpcHandlers;
    handlers['care:bulkPlan'] = ({ flightId, type, passengerIds }) => bulk.plan(flightId, type, passengerIds);
    handlers['care:bulkIssue'] = ({ flightId, type, passengerIds, confirmation }) => bulk.start(flightId, type, passengerIds, confirmation);
    handlers['care:bulkRun'] = ({ runId }) => bulk.get(runId);
    const d = createDispatch(handlers, () => undefined);
    const bad = { ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } };
    expect(await d('care:bulkPlan', { flightId: FLIGHT, type: '../meal', passengerIds: ['P1'] })).toEqual(bad);
    expect(await d('care:bulkPlan', { flightId: FLIGHT, type: 'meal', passengerIds: [] })).toEqual(bad);
    expect(await d('care:bulkPlan', { flightId: FLIGHT, type: 'meal', passengerIds: Array.from({ length: 2001 }, (_, i) => `P${i}`) })).toEqual(bad);
    expect(await d('care:bulkIssue', { flightId: FLIGHT, type: 'meal', passengerIds: ['P1'], confirmation: { paymentMethod: 'cash' } })).toEqual(bad);
    expect(await d('care:bulkIssue', { flightId: FLIGHT, type: 'cash', passengerIds: ['P1'] })).toEqual(bad);
    expect(await d('care:bulkRun', { runId: 'nope' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect(issues()).toHaveLength(0);
  });
});

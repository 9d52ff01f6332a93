import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataContext } from '../../../backend/src/data/client.js';
import type { BackendApp } from '../../../backend/src/local/app.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { startApiStack, type Services } from '../../../backend/test/helpers/stack.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import type { BulkCarePlan, BulkCareProgress, BulkCareRun } from '../../../src/shared/rpc/bulk-care.js';
import type { Channel, FlightPassengersResponse } from '../../../src/shared/rpc/contract.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { callDesk, until as waitUntil } from './helpers.js';

// Bulk care (issue #12) in the desk's main process against the REAL backend: the local cloud's
// HTTP API, DynamoDB Local and cognito-local (demo users' real ID tokens). The desk is createDesk
// (the composition root) on a real SQLite file; a fetch wrapper can cut the network. FlightPulse
// scenario 3 cancels SW9012 (PHX→OAK): every booked passenger gets a case with a meal.

const FLIGHT = fpInstance('SW9012');
const PASSWORD = 'Jetway-demo-1';

let s: Services;
let app: BackendApp;
let ctx: DataContext;
const dataDir = path.join(tempDir(), 'desk');
const network = { up: true };
let desk: Desk;
let events: BulkCareProgress[] = [];

function open(): Desk {
  const d = createDesk({
    dataDir,
    apiUrl: app.apiUrl,
    cognito: s.cognito!,
    fetch: async (input, init) => {
      if (!network.up) throw new TypeError('fetch failed');
      return fetch(input, init);
    },
    sync: { waitSeconds: 1, minPollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 500 } },
    log: process.env.DESK_TEST_LOG ? (m) => console.log(m) : () => undefined,
  });
  d.onEvent((e, p) => {
    if (e === 'care:bulkProgress') events.push(p as BulkCareProgress);
  });
  return d;
}

const until = (fn: () => unknown, what: string, timeoutMs = 30_000) => waitUntil(fn, what, timeoutMs);
const call = <T>(channel: Channel, request: unknown = {}): Promise<T> => callDesk<T>(desk, channel, request);
const passengers = () => call<FlightPassengersResponse>('flight:passengers', { flightId: FLIGHT });
const meals = (f: FlightPassengersResponse) => f.rows.flatMap((r) => r.entitlements.filter((e) => e.type === 'meal'));
const outboxIssues = (): { id: string; entitlementId: string; offline: number; serial: string | null }[] =>
  desk.db
    .prepare(
      `SELECT command_id AS id, json_extract(envelope, '$.payload.entitlementId') AS entitlementId,
              json_extract(envelope, '$.offline') AS offline, json_extract(envelope, '$.payload.voucherSerial') AS serial
         FROM outbox WHERE type = 'issueEntitlement'`,
    )
    .all() as { id: string; entitlementId: string; offline: number; serial: string | null }[];
async function finished(runId: string): Promise<BulkCareRun> {
  await until(() => events.some((e) => e.runId === runId && e.finished), `run ${runId} finished`);
  return call<BulkCareRun>('care:bulkRun', { runId });
}
async function validIssuances(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(
      new ScanCommand({
        TableName: ctx.table,
        FilterExpression: 'begins_with(PK, :p)',
        ExpressionAttributeValues: { ':p': 'ISSUANCE#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const i of r.Items ?? [])
      if (i.status === 'VALID') out.set(String(i.entitlementId), (out.get(String(i.entitlementId)) ?? 0) + 1);
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}
async function signIn(): Promise<void> {
  await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
  await until(async () => {
    const r = await desk.dispatch('flight:passengers', { flightId: FLIGHT });
    return r.ok && meals((r as { ok: true; value: FlightPassengersResponse }).value).length > 0;
  }, 'cases with meals cached');
}

beforeAll(async () => {
  ({ s, ctx, app } = await startApiStack({ data: flightpulseData(6), users: [] }));
  desk = open();
}, 240_000);

afterAll(async () => {
  await desk?.close();
  await app?.stop();
  await s?.stop();
});

describe('bulk care in the main process', () => {
  it('issues offline within the caps, loses nothing on a crash mid-run, never issues twice, and re-runs only the refused', async () => {
    await signIn();
    let flight = await passengers();
    const paxIds = flight.rows.map((r) => r.passenger.id);
    const withMeal = flight.rows.filter((r) => r.entitlements.some((e) => e.type === 'meal'));
    expect(withMeal.length).toBeGreaterThanOrEqual(5);
    // Enrolled, with voucher serials for offline issues.
    await until(async () => (await call<{ serialsLeft: number }>('desk:info')).serialsLeft > 0, 'serial block');

    // A refused item: one passenger's case is closed (the command service refuses CASE_CLOSED).
    const closed = withMeal[0]!;
    await call('case:close', { caseId: closed.case!.id, reason: 'passenger left the airport' });
    await until(async () => (await call<{ pendingCommands: number }>('sync:status')).pendingCommands === 0, 'close synced');

    // Cash is not bulk: refused before anything runs.
    const cash = await desk.dispatch('care:bulkPlan', { flightId: FLIGHT, type: 'cash', passengerIds: paxIds });
    expect(cash).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('one passenger at a time') } });

    // Offline: the network is cut, the engine notices.
    network.up = false;
    await desk.dispatch('sync:now', {});
    await until(() => !desk.engine.status().online, 'desk offline');
    const plan = await call<BulkCarePlan>('care:bulkPlan', { flightId: FLIGHT, type: 'meal', passengerIds: paxIds });
    expect(plan.offline).toBe(true);
    expect(plan.toIssue).toBe(withMeal.length);
    expect(plan.needsConfirmation).toBe(false);
    expect(plan.items.filter((i) => i.outcome === 'skipped').every((i) => i.code === 'NOT_ELIGIBLE')).toBe(true);

    // A crash mid-run: the desk closes after 2 items were worked.
    events = [];
    const run1 = await call<BulkCareRun>('care:bulkIssue', { flightId: FLIGHT, type: 'meal', passengerIds: paxIds });
    expect(run1).toMatchObject({ finished: false, done: 0, total: plan.items.length });
    await until(() => events.filter((e) => e.runId === run1.runId && e.item?.outcome === 'issued').length >= 2, 'two issued');
    await desk.close();
    // What was queued before the crash is still there after a restart, offline, with serials.
    desk = open();
    // Sign-in works (Cognito); the backend does not answer: the desk stays offline.
    await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
    const before = outboxIssues();
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(withMeal.length);
    expect(before.every((c) => c.offline === 1 && c.serial !== null)).toBe(true);
    expect(new Set(before.map((c) => c.entitlementId)).size).toBe(before.length);

    // Run again over the same selection: what was queued is skipped, the rest issued, the closed case refused.
    await until(() => !desk.engine.status().online, 'restarted desk offline');
    events = [];
    const run2 = await finished(
      (await call<BulkCareRun>('care:bulkIssue', { flightId: FLIGHT, type: 'meal', passengerIds: paxIds })).runId,
    );
    const progress = events.filter((e) => e.runId === run2.runId);
    expect(progress.at(-1)).toMatchObject({ finished: true, done: run2.total, total: run2.total });
    expect(progress.filter((e) => e.item).map((e) => e.done)).toEqual(run2.items.map((_, i) => i + 1));
    expect(run2.counts).toEqual({
      issued: withMeal.length - 1 - before.length,
      refused: 1,
      skipped: plan.items.length - withMeal.length + before.length,
    });
    const refused = run2.items.find((i) => i.outcome === 'refused')!;
    expect(refused).toMatchObject({ passengerId: closed.passenger.id, code: 'CASE_CLOSED', reason: 'this case is closed' });
    for (const c of before)
      expect(run2.items.find((i) => i.entitlementId === c.entitlementId)).toMatchObject({ outcome: 'skipped', code: 'ALREADY_ISSUED' });
    expect(run2.items.filter((i) => i.outcome === 'issued').every((i) => i.serial !== null)).toBe(true);
    const queued = outboxIssues();
    expect(queued).toHaveLength(withMeal.length - 1);
    expect(new Set(queued.map((c) => c.entitlementId)).size).toBe(queued.length);

    // "Retry failed": only the refused item, refused again with its plain reason.
    events = [];
    const retry = await finished((await call<BulkCareRun>('care:bulkRetry', { runId: run2.runId })).runId);
    expect(retry.items).toHaveLength(1);
    expect(retry.items[0]).toMatchObject({ passengerId: closed.passenger.id, outcome: 'refused', code: 'CASE_CLOSED' });
    // A whole re-run issues nothing more.
    const run3 = await finished(
      (await call<BulkCareRun>('care:bulkIssue', { flightId: FLIGHT, type: 'meal', passengerIds: paxIds })).runId,
    );
    expect(run3.counts.issued).toBe(0);
    expect(outboxIssues()).toHaveLength(withMeal.length - 1);

    // Back online: everything syncs; the backend holds exactly one VALID issuance per issued meal.
    network.up = true;
    await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
    await until(async () => (await call<{ pendingCommands: number }>('sync:status')).pendingCommands === 0, 'all pushed', 60_000);
    await until(async () => meals(await passengers()).filter((e) => e.effectiveStatus === 'ISSUED' && e.syncState === 'synced').length === withMeal.length - 1, 'issued meals synced', 60_000);
    const valid = await validIssuances();
    flight = await passengers();
    for (const e of meals(flight)) {
      const isClosed = e.caseId === closed.case!.id;
      expect(valid.get(e.id) ?? 0, e.id).toBe(isClosed ? 0 : 1);
    }
    const mine = await call<BulkCareRun>('care:bulkRun', { runId: run2.runId });
    for (const i of mine.items.filter((x) => x.outcome === 'issued'))
      expect(i.serial).toBe(meals(flight).find((e) => e.id === i.entitlementId)!.voucherSerial);
    expect(await call('attention:list')).toEqual({ items: [] });
  }, 300_000);
});

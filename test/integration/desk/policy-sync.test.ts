import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitWithLog, putChange } from '../../../backend/src/data/changelog.js';
import type { DataContext } from '../../../backend/src/data/client.js';
import { items } from '../../../backend/src/data/repositories.js';
import { seedDemoData } from '../../../backend/src/data/seed.js';
import type { BackendApp } from '../../../backend/src/local/app.js';
import { apiClient } from '../../../backend/test/helpers/api.js';
import { flightpulseData, fpInstance } from '../../../backend/test/helpers/fixtures.js';
import { idToken, startApp, startServices, type Services } from '../../../backend/test/helpers/stack.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { caseId, flightInstanceId, type Disruption, type Flight } from '../../../src/shared/domain/index.js';
import type { Decision } from '../../../src/shared/policy/index.js';
import type { CaseView, Channel, RpcResult } from '../../../src/shared/rpc/contract.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';

// Issue #9 end to end: an admin publishes v2 (goodwill cancellation meals +3 USD) effective tomorrow
// on the REAL local backend; the workflow decides a flight departing in 3 days with v2 and the
// 2025 SW9012 with v1; a desk (createDesk) receives v2 through its stations' change log, and its
// preview of each case — the engine run on the desk with the version it resolves for the flight's
// departure — equals the backend's decision, showing the version label.

const HOUR = 3600_000;
const LATER_DEP = new Date(Date.now() + 72 * HOUR).toISOString();
const LATER = flightInstanceId('SW', '7002', LATER_DEP.slice(0, 10));
const OLD = fpInstance('SW9012');
const PASSWORD = 'Jetway-demo-1';

let s: Services;
let ctx: DataContext;
let app: BackendApp;
let desk: Desk;

async function until(fn: () => unknown, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function call<T>(channel: Channel, request: unknown = {}): Promise<T> {
  const r = (await desk.dispatch(channel, request)) as RpcResult<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function cancel(flightId: string): Promise<void> {
  const disruptionId = `DIS-${flightId}`;
  const d: Disruption = { id: disruptionId, flightId, kind: 'CANCELLATION', delayMinutes: 0, delayCategory: null, causeCode: 'MECHANICAL', causeDetail: null, urgent: false, eventIds: [randomUUID()], detectedAt: new Date().toISOString(), version: 1 };
  // As ingest writes it: the item and its change-log entry at both stations (desks cache the disruption).
  await commitWithLog(ctx, { items: [{ Put: { TableName: ctx.table, Item: items.disruption({ ...d, aspects: {} }) } }], changes: [putChange('disruption', d)], stations: ['PHX', 'OAK'] });
  await app.workflows.startDisruption({ flightId, disruptionId, eventId: randomUUID() }, `t-${flightId}`);
  await app.idle();
}

const payable = (d: Decision) =>
  d.entitlements.filter((e) => e.payable).map((e) => `${e.regime}/${e.type}/${e.carePeriod}/${e.amount ? `${e.amount.amountMinor} ${e.amount.currency}` : '-'}`).sort();
const stored = (v: CaseView) => v.entitlements.map((e) => `${e.regime}/${e.type}/${e.carePeriod}/${e.amount ? `${e.amount.amountMinor} ${e.amount.currency}` : '-'}`).sort();

let passengers: string[] = [];

beforeAll(async () => {
  s = await startServices({ cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  const base = flightpulseData(3);
  const sw = base.flights.find((f) => f.id === OLD)!;
  const later: Flight = { ...sw, id: LATER, number: '7002', scheduledDeparture: LATER_DEP, scheduledArrival: new Date(Date.parse(LATER_DEP) + 2 * HOUR).toISOString() };
  const onIt = base.bookings.filter((b) => b.flightId === OLD);
  passengers = onIt.map((b) => b.passengerId);
  await seedDemoData(ctx, { ...base, flights: [...base.flights, later], bookings: [...base.bookings, ...onIt.map((b) => ({ ...b, id: `${b.id}-L`, flightId: LATER }))] });
  app = await startApp(s, prefix, { ingest: false });

  // The admin publishes v2 effective tomorrow.
  const api = apiClient(app.apiUrl);
  const token = await idToken(s, 'admin');
  const draft = (await api.call('POST', '/v1/admin/policies', { token, body: { from: 1 } })).json as { version: number; content: Record<string, unknown>[] };
  const content = draft.content.map((d) => {
    if (d.id !== 'goodwill') return d;
    const doc = structuredClone(d) as { version: string; regimes: { assistance: { id: string; amount: { fixed: number } | null }[] }[] };
    doc.version = '2026.2';
    for (const a of doc.regimes[0]!.assistance) if (a.amount && a.id.startsWith('GOODWILL.MEAL.CANCEL')) a.amount.fixed += 300;
    return doc;
  });
  expect((await api.call('PUT', `/v1/admin/policies/${draft.version}`, { token, body: { content } })).status).toBe(200);
  const pub = await api.call('POST', `/v1/admin/policies/${draft.version}/publish`, { token, body: { effectiveFrom: new Date(Date.now() + 24 * HOUR).toISOString() } });
  expect(pub.status, pub.text).toBe(200);
  await cancel(LATER);
  await cancel(OLD);

  desk = createDesk({
    dataDir: path.join(tempDir(), 'desk'),
    apiUrl: app.apiUrl,
    cognito: s.cognito!,
    sync: { waitSeconds: 1, minPollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 500 } },
    log: () => undefined,
  });
}, 120_000);

afterAll(async () => {
  await desk?.close();
  await app?.stop();
  await s?.stop();
});

describe('policy versions reach the desk', () => {
  it("the desk receives v2 by sync; its preview equals the backend's decision with the version label", async () => {
    await call('session:signIn', { username: 'agent.phx', password: PASSWORD });
    const later = caseId(LATER, passengers[0]!);
    await until(async () => (await desk.dispatch('case:get', { caseId: later })).ok, 'cases cached');
    for (const [flight, label, version] of [
      [LATER, 'v2', 2],
      [OLD, 'bundled', 1],
    ] as const) {
      for (const pax of passengers) {
        const v = await call<CaseView>('case:get', { caseId: caseId(flight, pax) });
        expect(v.case.policySetVersion, `${flight}/${pax}`).toBe(version);
        expect(v.policyLabel).toBe(label);
        expect(v.preview, `${flight}/${pax}`).not.toBeNull();
        expect(v.preview!.policyVersion).toBe(v.case.policyVersion);
        expect(v.preview!.primaryRegime).toBe(v.case.primaryRegime);
        expect(payable(v.preview!)).toEqual(stored(v));
      }
    }
    // The v2 meals are the v1 ones + 3 USD (the preview would show it before any case existed too).
    const meal = async (flight: string) =>
      (await call<CaseView>('case:get', { caseId: caseId(flight, passengers[0]!) })).preview!.entitlements.find((e) => e.type === 'meal')?.amount?.amountMinor ?? 0;
    expect((await meal(LATER)) - (await meal(OLD))).toBe(300);
  });
});

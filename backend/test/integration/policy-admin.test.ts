import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, flightInstanceId, type Booking, type Flight } from '../../../src/shared/domain/index.js';
import {
  ADMIN_ROUTES,
  ListPoliciesResponseSchema,
  PolicyVersionDetailSchema,
  PublishResponseSchema,
  SimulationCaseResultSchema,
  SimulationJobSchema,
  ValidateResponseSchema,
  type SimulationCaseResult,
} from '../../../src/shared/policy/admin-contract.js';
import { readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getCaseWithEntitlements, items } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import type { BackendApp } from '../../src/local/app.js';
import { PassThrough } from 'node:stream';
import { runPolicyCli } from '../../src/cli/policy.js';
import { rawCase } from '../../../test/unit/policy/helpers.js';
import { apiClient } from '../helpers/api.js';
import { flightpulseData } from '../helpers/fixtures.js';
import { eventually, idToken, startApp, startServices, type Services } from '../helpers/stack.js';

/**
 * Policies as versioned data (issue #9) through the real admin API on the local cloud (DynamoDB
 * Local, cognito-local ID tokens): the lifecycle draft → published → retired, publication effective
 * tomorrow (today's flights keep v1, a later flight is decided by v2, every case stores its version),
 * 409 on editing a published version, 403 for agents and supervisors on every route of the route
 * table, hostile bodies (400 with the path, nothing written), simulation totals = sum of per-case
 * results, rollback, users in Cognito, and the audit trail.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
const tokens: Record<string, string> = {};
const USERS = ['agent.phx', 'super.phx', 'admin'] as const;
const HOUR = 3600_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const TODAY_DEP = iso(now + 2 * HOUR);
const LATER_DEP = iso(now + 72 * HOUR);
const EFFECTIVE = iso(now + 24 * HOUR);
const todayFlight = flightInstanceId('SW', '7001', TODAY_DEP.slice(0, 10));
const laterFlight = flightInstanceId('SW', '7002', LATER_DEP.slice(0, 10));

/** Two copies of FlightPulse's SW9012 (PHX→OAK) with its passengers: departing in 2 h and in 3 days. */
function data() {
  const base = flightpulseData(6);
  const sw9012 = base.flights.find((f) => f.number === '9012')!;
  const onIt = base.bookings.filter((b) => b.flightId === sw9012.id);
  const copy = (id: string, number: string, dep: string): { f: Flight; b: Booking[] } => ({
    f: { ...sw9012, id, number, scheduledDeparture: dep, scheduledArrival: iso(Date.parse(dep) + 2 * HOUR) },
    b: onIt.map((b) => ({ ...b, id: `${b.id}-${number}`, flightId: id })),
  });
  const t = copy(todayFlight, '7001', TODAY_DEP);
  const l = copy(laterFlight, '7002', LATER_DEP);
  return { ...base, flights: [...base.flights, t.f, l.f], bookings: [...base.bookings, ...t.b, ...l.b], passengersOn: onIt.map((b) => b.passengerId) };
}
let passengersOn: string[] = [];
let tablePrefix = '';

/** `jetway policy …` against this suite's table; stdout and stderr. */
async function cli(argv: string[], stdinText: string): Promise<{ code: number; out: string; err: string }> {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdin.end(stdinText);
  const code = await runPolicyCli([...argv, '--store', '--endpoint', s.dynamo.endpoint, '--table-prefix', tablePrefix], { stdin, stdout, stderr });
  return { code, out, err };
}

async function cancel(flightId: string): Promise<void> {
  const disruptionId = `DIS-${flightId}`;
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.table,
      Item: items.disruption({
        id: disruptionId,
        flightId,
        kind: 'CANCELLATION',
        delayMinutes: 0,
        delayCategory: null,
        causeCode: 'MECHANICAL',
        causeDetail: null,
        urgent: false,
        eventIds: [randomUUID()],
        detectedAt: new Date().toISOString(),
        version: 1,
        aspects: {},
      }),
    }),
  );
  await app.workflows.startDisruption({ flightId, disruptionId, eventId: randomUUID() }, `test-${flightId}`);
  await app.idle();
}

/** The bundled goodwill document with cancellation meals `plus` minor units dearer, as version `version`. */
function goodwillChanged(content: Record<string, unknown>[], version: string, plus: number, field: 'meal' | 'transport' = 'meal') {
  return content.map((d) => {
    if (d.id !== 'goodwill') return d;
    const doc = structuredClone(d) as { version: string; regimes: { assistance: { id: string; type: string; amount: { fixed: number } | null }[] }[] };
    doc.version = version;
    for (const a of doc.regimes[0]!.assistance)
      if (a.amount && (field === 'meal' ? a.id.startsWith('GOODWILL.MEAL.CANCEL') : a.type === 'transport')) a.amount.fixed += plus;
    return doc;
  });
}

const call = (user: (typeof USERS)[number] | null, method: string, path: string, body?: object | string) =>
  api.call(method, path, { ...(user ? { token: tokens[user]! } : {}), ...(body !== undefined ? { body } : {}) });

beforeAll(async () => {
  s = await startServices({ cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  tablePrefix = prefix;
  const d = data();
  passengersOn = d.passengersOn;
  await seedDemoData(ctx, d);
  app = await startApp(s, prefix, { ingest: false });
  api = apiClient(app.apiUrl);
  for (const u of USERS) tokens[u] = await idToken(s, u);
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await s?.stop();
});

describe('admin API access', () => {
  it('every admin route answers 403 to agents and supervisors, 401 without a token; refusals are audited', async () => {
    const path = (key: string) =>
      key
        .split(' ')[1]!
        .replace('{version}', '1')
        .replace('{jobId}', '01JAAAAAAAAAAAAAAAAAAAAAAA')
        .replace('{username}', 'agent.phx');
    for (const r of ADMIN_ROUTES) {
      const method = r.key.split(' ')[0]!;
      const body = method === 'GET' ? undefined : { from: 1, role: 'admin', stations: ['*'], effectiveFrom: iso(now), reason: 'x', to: 1 };
      for (const u of ['agent.phx', 'super.phx'] as const) {
        const res = await call(u, method, path(r.key), body);
        expect(res.status, `${u} ${r.key}`).toBe(403);
        expect(res.json.error).toMatchObject({ code: 'forbidden_role' });
      }
      expect((await call(null, method, path(r.key), body)).status, r.key).toBe(401);
    }
    const audit = await ctx.doc.send(
      new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `ADMINAUDIT#${new Date().toISOString().slice(0, 10)}` } }),
    );
    const refused = (audit.Items ?? []).filter((i) => i.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(ADMIN_ROUTES.length * 2);
    expect(refused.find((i) => i.actor === 'agent.phx' && i.action === 'policy.publish')).toMatchObject({ role: 'agent', route: 'POST /v1/admin/policies/{version}/publish' });
    // Nothing was created or published by the refused calls.
    const list = ListPoliciesResponseSchema.parse((await call('admin', 'GET', '/v1/admin/policies')).json);
    expect(list.versions.map((v) => [v.version, v.status])).toEqual([[1, 'published']]);
  });
});

describe('versions: draft → published → retired', () => {
  let v2: number;

  it('seeds version 1 from the bundled documents; a draft copies it; hostile edits are 400 with the path and write nothing', async () => {
    const list = ListPoliciesResponseSchema.parse((await call('admin', 'GET', '/v1/admin/policies')).json);
    expect(list.inForce).toBe(1);
    expect(list.versions[0]).toMatchObject({ version: 1, label: 'v1', status: 'published', publishedBy: 'system:seed' });
    const created = await call('admin', 'POST', '/v1/admin/policies', { from: 1, note: 'cancellation meals +3 USD' });
    expect(created.status, created.text).toBe(201);
    const draft = PolicyVersionDetailSchema.parse(created.json);
    v2 = draft.version;
    expect(draft).toMatchObject({ status: 'draft', basedOn: 1, effectiveFrom: null });

    // Hostile bodies: a bad field deep in a document, a non-array, an unknown field, a bad version param.
    const badDoc = structuredClone(draft.content);
    const eu = badDoc.findIndex((d) => d.id === 'eu261');
    (badDoc[eu] as { regimes: { currency: string }[] }).regimes[0]!.currency = 'euro';
    const r1 = await call('admin', 'PUT', `/v1/admin/policies/${v2}`, { content: badDoc });
    expect(r1.status).toBe(400);
    expect(r1.json.error).toMatchObject({ code: 'validation_failed', path: `content[${eu}].regimes[0].currency` });
    expect((await call('admin', 'PUT', `/v1/admin/policies/${v2}`, { content: 'all' })).json.error).toMatchObject({ path: 'content' });
    expect((await call('admin', 'PUT', `/v1/admin/policies/${v2}`, { content: draft.content, extra: 1 })).status).toBe(400);
    expect((await call('admin', 'PUT', '/v1/admin/policies/0', { content: draft.content })).json.error).toMatchObject({ path: 'version' });
    expect((await call('admin', 'PUT', `/v1/admin/policies/${v2}`, '{"content": [')).status).toBe(400);
    const after = PolicyVersionDetailSchema.parse((await call('admin', 'GET', `/v1/admin/policies/${v2}`)).json);
    expect(after.contentHash).toBe(draft.contentHash);
    expect(after.updatedAt).toBe(draft.updatedAt);

    // A changed document under its published id@version is refused by validation.
    const reused = goodwillChanged(draft.content, '2026.1', 300);
    const val = ValidateResponseSchema.parse((await call('admin', 'POST', `/v1/admin/policies/${v2}/validate`, { content: reused })).json);
    expect(val.valid).toBe(false);
    expect(val.issues.find((i) => i.code === 'version_reused')).toMatchObject({ document: 'goodwill', path: expect.stringMatching(/^content\[\d+\]\.version$/) });

    const edited = await call('admin', 'PUT', `/v1/admin/policies/${v2}`, { content: goodwillChanged(draft.content, '2026.2', 300), expectedUpdatedAt: draft.updatedAt });
    expect(edited.status, edited.text).toBe(200);
    const stored = ValidateResponseSchema.parse((await call('admin', 'POST', `/v1/admin/policies/${v2}/validate`)).json);
    expect(stored).toMatchObject({ version: v2, valid: true });

    const diff = (await call('admin', 'GET', `/v1/admin/policies/diff?from=1&to=${v2}`)).json as { entries: { document: string; path: string; change: string; before?: unknown; after?: unknown }[] };
    expect(diff.entries.map((e) => `${e.document}:${e.path}`).sort()).toEqual(
      ['goodwill:version', ...[3, 4, 5].map((i) => `goodwill:regimes[0].assistance[${i}].amount.fixed`)].sort(),
    );
    expect(diff.entries.find((e) => e.path === 'version')).toMatchObject({ change: 'changed', before: '2026.1', after: '2026.2' });
    expect((await call('admin', 'GET', '/v1/admin/policies/diff?from=1&to=x')).json.error).toMatchObject({ path: 'to' });
  });

  it('publishing in the past needs a reason; published effective tomorrow: today\'s flight keeps v1, a later flight gets v2, each case stores its version', async () => {
    const past = await call('admin', 'POST', `/v1/admin/policies/${v2}/publish`, { effectiveFrom: iso(now - 24 * HOUR) });
    expect(past.status).toBe(400);
    expect(past.json.error).toMatchObject({ code: 'validation_failed', path: 'reason' });
    expect((await call('admin', 'GET', `/v1/admin/policies/${v2}`)).json).toMatchObject({ status: 'draft' });

    const pub = await call('admin', 'POST', `/v1/admin/policies/${v2}/publish`, { effectiveFrom: EFFECTIVE, reason: 'meal vouchers follow prices' });
    expect(pub.status, pub.text).toBe(200);
    const published = PublishResponseSchema.parse(pub.json);
    expect(published.version).toMatchObject({ version: v2, status: 'published', effectiveFrom: EFFECTIVE, publishedBy: 'admin', reason: 'meal vouchers follow prices' });
    expect(published.stations).toEqual(expect.arrayContaining(['PHX', 'OAK']));

    // Immutable: 409 on the published version, and on the seed.
    for (const v of [v2, 1]) {
      const res = await call('admin', 'PUT', `/v1/admin/policies/${v}`, { content: [{ id: 'x' }] });
      // The schema check of the body comes first for a bad document; a valid one meets the 409.
      expect(res.status).toBe(400);
      const cur = PolicyVersionDetailSchema.parse((await call('admin', 'GET', `/v1/admin/policies/${v}`)).json);
      const again = await call('admin', 'PUT', `/v1/admin/policies/${v}`, { content: cur.content });
      expect(again.status, `v${v}`).toBe(409);
      expect(again.json.error).toMatchObject({ code: 'not_a_draft' });
    }
    // A second publish of the same version is 409 unless it is the same (a retry).
    expect((await call('admin', 'POST', `/v1/admin/policies/${v2}/publish`, { effectiveFrom: iso(now + 48 * HOUR) })).status).toBe(409);

    await cancel(todayFlight);
    await cancel(laterFlight);
    for (const [flight, version, meal] of [
      [todayFlight, 1, 0],
      [laterFlight, v2, 300],
    ] as const) {
      for (const pax of passengersOn) {
        const c = await getCaseWithEntitlements(ctx, caseId(flight, pax));
        expect(c, `${flight}/${pax}`).not.toBeNull();
        expect(c!.case.policySetVersion, `${flight}/${pax}`).toBe(version);
        expect(c!.case.policyVersion).toContain(version === 1 ? 'goodwill@2026.1' : 'goodwill@2026.2');
        const m = c!.entitlements.find((e) => e.regime === 'goodwill' && e.type === 'meal');
        if (m) expect([1500, 2000, 2500].map((x) => x + meal)).toContain(m.amount?.amountMinor);
      }
    }
    const meals = async (flight: string) =>
      (await Promise.all(passengersOn.map((p) => getCaseWithEntitlements(ctx, caseId(flight, p))))).flatMap((c) => c!.entitlements.filter((e) => e.type === 'meal').map((e) => e.amount!.amountMinor));
    const [a, b] = [await meals(todayFlight), await meals(laterFlight)];
    expect(a.length).toBeGreaterThan(0);
    expect(b.map((x) => x - 300).sort()).toEqual([...a].sort());

    // The CLI decides with the store's version in force at the case's departure, or at --at.
    const claim = JSON.stringify(rawCase({ route: 'PHX-OAK', carrier: 'SW', kind: 'CANCELLATION', date: LATER_DEP, tier: 'A-LIST', cause: 'MECHANICAL' }));
    const atDeparture = await cli(['evaluate', '-'], claim);
    expect(atDeparture.code, atDeparture.err).toBe(0);
    expect(atDeparture.err).toContain(`policy version v${v2} (store, in force at ${LATER_DEP})`);
    expect((JSON.parse(atDeparture.out) as { policyVersion: string }).policyVersion).toContain('goodwill@2026.2');
    const today = await cli(['evaluate', '-', '--at', iso(Date.now())], claim);
    expect(today.err).toContain('policy version v1');
    expect((JSON.parse(today.out) as { policyVersion: string }).policyVersion).toContain('goodwill@2026.1');

    // The version reached the stations' change logs.
    const entries = (await api.pullAll(tokens['admin']!, 'PHX')).entries.flatMap((e) => e.changes);
    expect(entries.find((c) => c.kind === 'policy' && c.id === String(v2))?.data).toMatchObject({ label: `v${v2}`, effectiveFrom: EFFECTIVE, status: 'published' });
  });

  it('simulation: a job re-decides the window; its totals equal the sum of its per-case results', async () => {
    const draft = PolicyVersionDetailSchema.parse((await call('admin', 'POST', '/v1/admin/policies', { from: v2 })).json);
    const put = await call('admin', 'PUT', `/v1/admin/policies/${draft.version}`, { content: goodwillChanged(draft.content, '2026.3', 1000, 'transport') });
    expect(put.status, put.text).toBe(200);
    expect((await call('admin', 'POST', `/v1/admin/policies/${draft.version}/simulate`, { days: 0 })).json.error).toMatchObject({ path: 'days' });
    const started = await call('admin', 'POST', `/v1/admin/policies/${draft.version}/simulate`, { days: 30 });
    expect(started.status, started.text).toBe(202);
    const job = SimulationJobSchema.parse(started.json);
    expect(job).toMatchObject({ status: 'queued', runner: 'local', version: draft.version });
    const done = await eventually(async () => {
      const j = SimulationJobSchema.parse((await call('admin', 'GET', `/v1/admin/simulations/${job.jobId}`)).json);
      return j.status === 'succeeded' || j.status === 'failed' ? j : null;
    });
    expect(done.status, done.error ?? '').toBe('succeeded');
    const results: SimulationCaseResult[] = [];
    let cursor: string | null = '0';
    while (cursor !== null) {
      const page = (await call('admin', 'GET', `/v1/admin/simulations/${job.jobId}/cases?cursor=${cursor}`)).json as { items: unknown[]; nextCursor: string | null };
      results.push(...page.items.map((x) => SimulationCaseResultSchema.parse(x)));
      cursor = page.nextCursor;
    }
    const totals = done.totals!;
    expect(done.progress).toEqual({ done: results.length, total: results.length });
    expect(totals.cases).toBe(results.filter((r) => !r.error).length);
    expect(totals.cases).toBe(passengersOn.length * 2);
    const sum = new Map<string, { before: number; after: number }>();
    for (const r of results)
      for (const side of ['before', 'after'] as const)
        for (const c of r[side]?.cost ?? []) {
          const k = `${c.regime}/${c.currency}`;
          const m = sum.get(k) ?? { before: 0, after: 0 };
          m[side] += c.amount;
          sum.set(k, m);
        }
    expect(Object.fromEntries(totals.cost.map((c) => [`${c.regime}/${c.currency}`, { before: c.before, after: c.after }]))).toEqual(Object.fromEntries(sum));
    expect(totals.changed).toBe(results.filter((r) => r.changed).length);
    expect(totals.passengersAffected).toBe(new Set(results.filter((r) => r.changed).map((r) => r.passengerId)).size);
    expect(totals.decidedBy).toEqual([
      { policyVersion: 'v1', cases: passengersOn.length },
      { policyVersion: `v${v2}`, cases: passengersOn.length },
    ]);
    // v3 = v2 + goodwill transport +10 USD. Cases decided by v1 change by v2's meals (+3 USD per meal),
    // cases with a transport entitlement by +10 USD; both explanations are given for changed cases only.
    const has = (r: SimulationCaseResult, type: string) => r.before?.entitlements.some((e) => e.startsWith(`goodwill/${type}/`)) ?? false;
    const mealV1 = results.filter((r) => r.before?.version === 'v1' && has(r, 'meal'));
    const transport = results.filter((r) => has(r, 'transport'));
    expect(mealV1.length).toBeGreaterThan(0);
    expect(totals.changed).toBe(new Set([...mealV1, ...transport].map((r) => r.caseId)).size);
    const one = results.find((r) => r.changed)!;
    expect(one.before?.explanation).toBeTruthy();
    expect(one.after?.explanation).toBeTruthy();
    const same = results.find((r) => !r.changed);
    if (same) expect(same.before?.explanation).toBeUndefined();
    const goodwill = totals.cost.find((c) => c.regime === 'goodwill' && c.currency === 'USD')!;
    expect(goodwill.after - goodwill.before).toBe(300 * mealV1.length + 1000 * transport.length);
    expect((await call('admin', 'GET', `/v1/admin/simulations/${job.jobId}/cases?changed=true&cursor=0`)).json.items).toHaveLength(results.filter((r) => r.changed).length);
    expect((await call('admin', 'GET', '/v1/admin/simulations/nope')).json.error).toMatchObject({ path: 'jobId' });
  });

  it('rollback publishes an earlier version\'s content as a new version and retires what it covers', async () => {
    expect((await call('admin', 'POST', '/v1/admin/policies/rollback', { to: 1 })).json.error).toMatchObject({ path: 'reason' });
    // 25 more stations with a change log: the publication spans several transactions (4 MB / 100-item limits).
    const extra = Array.from({ length: 25 }, (_, i) => `Z${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`);
    for (const st of extra) await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.stationRegistry(st), entityType: 'station', station: st } }));
    const res = await call('admin', 'POST', '/v1/admin/policies/rollback', { to: 1, reason: 'meal prices back' });
    expect(res.status, res.text).toBe(201);
    const r = PublishResponseSchema.parse(res.json);
    expect(r.version).toMatchObject({ status: 'published', rollbackOf: 1, reason: 'meal prices back' });
    expect(r.retired).toEqual([v2]);
    expect(r.stations).toEqual(expect.arrayContaining([...extra, 'PHX', 'OAK']));
    for (const st of r.stations) {
      const log = (await readLog(ctx, st, 0, 1000)).flatMap((e) => e.changes);
      expect(log.find((c) => c.kind === 'policy' && c.id === String(r.version.version)), st).toBeDefined();
      // The retired version's new status travels too (desks resolve without it as well).
      expect(log.find((c) => c.kind === 'policy' && c.id === String(v2) && (c.data as { status: string }).status === 'retired'), st).toBeDefined();
    }
    const list = ListPoliciesResponseSchema.parse((await call('admin', 'GET', '/v1/admin/policies')).json);
    expect(list.versions.find((v) => v.version === v2)).toMatchObject({ status: 'retired' });
    expect(list.inForce).toBe(r.version.version);
    const v1 = list.versions.find((v) => v.version === 1)!;
    expect(r.version.contentHash).toBe(v1.contentHash);
    // Audited with who and what.
    const audit = await ctx.doc.send(
      new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `ADMINAUDIT#${new Date().toISOString().slice(0, 10)}` } }),
    );
    const mine = (audit.Items ?? []).filter((i) => i.actor === 'admin' && i.status < 300).map((i) => i.action);
    expect(mine).toEqual(expect.arrayContaining(['policy.list', 'policy.create_draft', 'policy.edit', 'policy.validate', 'policy.diff', 'policy.publish', 'policy.simulate', 'simulation.get', 'simulation.cases', 'policy.rollback']));
  });
});

describe('users', () => {
  it('lists users with role and stations from Cognito and changes a role and stations', async () => {
    const list = (await call('admin', 'GET', '/v1/admin/users')).json as { users: { username: string; role: string; stations: string[] }[] };
    expect(list.users.find((u) => u.username === 'agent.phx')).toMatchObject({ role: 'agent', stations: ['PHX'] });
    expect(list.users.find((u) => u.username === 'admin')).toMatchObject({ role: 'admin', stations: ['*'] });
    const badStation = await call('admin', 'PUT', '/v1/admin/users/agent.lhr', { role: 'supervisor', stations: ['lhr'] });
    expect(badStation.json.error).toMatchObject({ path: 'stations[0]' });
    expect((await call('admin', 'PUT', '/v1/admin/users/agent.lhr', { role: 'owner', stations: ['LHR'] })).json.error).toMatchObject({ path: 'role' });
    expect((await call('admin', 'PUT', '/v1/admin/users/nobody.here', { role: 'agent', stations: ['LHR'] })).status).toBe(404);
    const up = await call('admin', 'PUT', '/v1/admin/users/agent.lhr', { role: 'supervisor', stations: ['LHR', 'DUB'] });
    expect(up.status, up.text).toBe(200);
    expect(up.json).toMatchObject({ username: 'agent.lhr', role: 'supervisor', groups: ['supervisor'], stations: ['LHR', 'DUB'] });
    // The next token carries the new role and stations.
    const me = await api.call('GET', '/v1/me', { token: await idToken(s, 'agent.lhr') });
    expect(me.json).toMatchObject({ role: 'supervisor', stations: ['LHR', 'DUB'] });
    const status = await ctx.doc.send(new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.adminAudit(new Date().toISOString(), 'x').PK } }));
    expect((status.Items ?? []).find((i) => i.action === 'user.update' && i.status === 200)).toMatchObject({
      actor: 'admin',
      target: { username: 'agent.lhr' },
      detail: { role: 'supervisor', stations: ['LHR', 'DUB'] },
    });
    expect((status.Items ?? []).find((i) => i.action === 'policy.publish' && i.status === 200)).toMatchObject({ detail: { reason: 'meal vouchers follow prices' } });
  });
});

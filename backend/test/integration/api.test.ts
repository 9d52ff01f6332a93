import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import { commitWithLog, putChange, readHead } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { getEntitlement, items } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { scanCount as countItems } from '../helpers/scan.js';
import { apiClient, command, confirmation, issueCommand } from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * The HTTP API against DynamoDB Local, cognito-local (real ID tokens) and the SMTP sink. The
 * cancellation is ingested directly with ingestRecord (Kafka is covered by ingest/workflow tests);
 * the workflow runs through the app's local Step Functions runner.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');

const scanCount = (prefix: string): Promise<number> => countItems(ctx, prefix);

const vouchers = () => s.smtp.messages().filter((m) => m.subject.includes('voucher'));

beforeAll(async () => {
  ({ s, ctx, app, api, tokens } = await startApiStack({
    data: flightpulseData(3),
    users: ['agent.phx', 'super.phx', 'agent.dal', 'admin'],
  }));
});
afterAll(() => stopApiStack({ app, s }));

/** The meal entitlement of a SW9012 passenger, as a desk learns it from a pull. */
async function mealFor(passengerId: string, token: string): Promise<Entitlement> {
  const { entries } = await api.pullAll(token, 'PHX');
  const want = caseId(flight, passengerId);
  const ent = entries
    .flatMap((e) => e.changes)
    .filter((c) => c.kind === 'entitlement')
    .map((c) => c.data as unknown as Entitlement)
    .find((e) => e.caseId === want && e.type === 'meal');
  if (!ent) throw new Error(`no meal entitlement for ${passengerId}`);
  return ent;
}

describe('GET /v1/health and /v1/me', () => {
  it('health answers without a token', async () => {
    const r = await api.call('GET', '/v1/health');
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('ok');
  });

  it('me returns the verified identity', async () => {
    const r = await api.call('GET', '/v1/me', { token: tokens['super.phx'] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      username: 'super.phx',
      groups: ['supervisor'],
      stations: ['PHX', 'OAK'],
      role: 'supervisor',
    });
  });

  it.each([
    ['no token', undefined],
    ['garbage token', 'not.a.jwt'],
  ])('me refuses %s with 401', async (_n, token) => {
    const r = await api.call('GET', '/v1/me', token ? { token } : {});
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('unknown routes are 404 JSON', async () => {
    const r = await api.call('GET', '/v1/nope', { token: tokens.admin });
    expect(r.status).toBe(404);
  });
});

describe('POST /v1/sync/push issueEntitlement', () => {
  it('one ULID pushed twice + a second desk with another ULID: one issuance, one replay, one rejection, one email', async () => {
    // Prepare
    const ent = await mealFor('GX0001', tokens['agent.phx']!);
    expect(ent).toMatchObject({ status: 'OFFERED', version: 1, amount: { currency: 'USD' } });
    const first = issueCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX', deskId: 'desk-phx-1' });
    const second = issueCommand({ entitlementId: ent.id, version: ent.version, station: 'OAK', deskId: 'desk-oak-7' });
    const vouchersBefore = vouchers().length;
    const allMailBefore = s.smtp.messages().length;
    // Act
    const r1 = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [first] } });
    const r2 = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [first] } });
    const r3 = await api.call('POST', '/v1/sync/push', { token: tokens['super.phx'], body: { commands: [second] } });
    // Assess: results
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 200]);
    const [a] = r1.json.results as Record<string, unknown>[];
    const [b] = r2.json.results as Record<string, unknown>[];
    const [c] = r3.json.results as Record<string, unknown>[];
    expect(a).toMatchObject({ commandId: first.commandId, status: 'applied', replayed: false });
    expect(b).toEqual({ ...a, replayed: true });
    expect(c).toMatchObject({
      commandId: second.commandId,
      status: 'rejected',
      code: 'ALREADY_ISSUED',
      replayed: false,
    });
    // Assess: ledger — exactly one issuance and one uniqueness item; two command records.
    expect(await scanCount('ISSUANCE#')).toBe(1);
    expect(await scanCount('ISSUEKEY#')).toBe(1);
    expect(await scanCount('CMD#')).toBe(2);
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'ISSUED', version: 2 });
    // Assess: exactly one voucher email, with amount, serial and flight.
    await new Promise((r) => setTimeout(r, 300));
    const mails = vouchers().slice(vouchersBefore);
    expect(mails).toHaveLength(1);
    expect(s.smtp.messages()).toHaveLength(allMailBefore + 1);
    expect(mails[0]!.to).toEqual(['guest1@example.com']);
    expect(mails[0]!.text).toMatch(/Amount: \d+\.\d\d USD/);
    expect(mails[0]!.text).toMatch(/Serial: JW-PHX-/);
    expect(mails[0]!.subject).toContain('SW9012');
    // Assess: the issuance and both command results synced to both stations (OAK via the supervisor's desk).
    for (const [st, tok] of [
      ['PHX', tokens['agent.phx']],
      ['OAK', tokens['super.phx']],
    ] as const) {
      const changes = (await api.pullAll(tok!, st)).entries.flatMap((e) => e.changes);
      expect(changes.filter((x) => x.kind === 'issuance')).toHaveLength(1);
      const results = changes.filter((x) => x.kind === 'command_result').map((x) => x.id);
      expect(results).toEqual(expect.arrayContaining([first.commandId, second.commandId]));
    }
  });

  it('two desks racing with different ULIDs for one entitlement: exactly one applied', async () => {
    const ent = await mealFor('GX0002', tokens['agent.phx']!);
    const cmds = [
      issueCommand({ entitlementId: ent.id, version: 1, station: 'PHX', deskId: 'desk-a' }),
      issueCommand({ entitlementId: ent.id, version: 1, station: 'PHX', deskId: 'desk-b' }),
      issueCommand({ entitlementId: ent.id, version: 1, station: 'OAK', deskId: 'desk-c' }),
    ];
    const before = await scanCount('ISSUANCE#');
    const rs = await Promise.all(
      cmds.map((c, i) =>
        api.call('POST', '/v1/sync/push', {
          token: tokens[i === 2 ? 'super.phx' : 'agent.phx'],
          body: { commands: [c] },
        }),
      ),
    );
    const results = rs.map((r) => (r.json.results as { status: string; code: string | null }[])[0]!);
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(2);
    // Losers see ALREADY_ISSUED (or VERSION_CONFLICT if they read the entitlement mid-commit).
    for (const r of rejected) expect(['ALREADY_ISSUED', 'VERSION_CONFLICT']).toContain(r.code);
    expect(await scanCount('ISSUANCE#')).toBe(before + 1);
  });

  it('a stale expected version is a committed VERSION_CONFLICT rejection; the queue moves on', async () => {
    const ent = await mealFor('GX0003', tokens['agent.phx']!);
    const stale = issueCommand({ entitlementId: ent.id, version: 0, station: 'PHX', deskId: 'desk-a' });
    const good = issueCommand({ entitlementId: ent.id, version: 1, station: 'PHX', deskId: 'desk-a' });
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: { commands: [stale, good] },
    });
    expect(r.status).toBe(200);
    const [x, y] = r.json.results as { status: string; code: string | null }[];
    expect(x).toMatchObject({ status: 'rejected', code: 'VERSION_CONFLICT' });
    expect(y).toMatchObject({ status: 'applied' });
    const replay = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [stale] } });
    expect((replay.json.results as unknown[])[0]).toMatchObject({
      status: 'rejected',
      code: 'VERSION_CONFLICT',
      replayed: true,
    });
  });

  it('above the role approval limit is rejected LIMIT_EXCEEDED for an agent, applied for a supervisor', async () => {
    // Prepare: a large goodwill cash entitlement on an existing case (USD 750.00; agent limit 500.00, supervisor 2,500.00).
    const cId = caseId(flight, 'GX0002');
    const big: Entitlement = {
      id: `${cId}/goodwill/cash/EVENT`,
      caseId: cId,
      regime: 'goodwill',
      type: 'cash',
      carePeriod: 'EVENT',
      amount: { amountMinor: 75000, currency: 'USD' },
      automatic: false,
      status: 'OFFERED',
      clauses: [{ id: 'TEST', reason: 'test' }],
      issuanceId: null,
      version: 1,
    };
    await commitWithLog(ctx, {
      items: [{ Put: { TableName: ctx.table, Item: items.entitlement(big) } }],
      changes: [putChange('entitlement', big)],
      stations: ['PHX', 'OAK'],
    });
    // Act
    const confirmed = () =>
      issueCommand({
        entitlementId: big.id,
        version: 1,
        station: 'PHX',
        deskId: 'd',
        confirmation: confirmation('bank_transfer'),
      });
    const agent = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: { commands: [confirmed()] },
    });
    const sup = await api.call('POST', '/v1/sync/push', {
      token: tokens['super.phx'],
      body: { commands: [confirmed()] },
    });
    // Assess
    expect((agent.json.results as unknown[])[0]).toMatchObject({ status: 'rejected', code: 'LIMIT_EXCEEDED' });
    expect((sup.json.results as unknown[])[0]).toMatchObject({ status: 'applied' });
  });

  it('a second regime’s entitlement of the same type and care period cannot be issued too (one valid issuance)', async () => {
    // Prepare: GX0003's case gets an extra meal/EVENT entitlement under another regime.
    const cId = caseId(flight, 'GX0003');
    const goodwillMeal = await mealFor('GX0003', tokens['agent.phx']!);
    const other: Entitlement = {
      ...goodwillMeal,
      id: `${cId}/OTHER/meal/${goodwillMeal.carePeriod}`,
      regime: 'OTHER',
      status: 'OFFERED',
      issuanceId: null,
      version: 1,
    };
    await commitWithLog(ctx, {
      items: [{ Put: { TableName: ctx.table, Item: items.entitlement(other) } }],
      changes: [putChange('entitlement', other)],
      stations: ['PHX', 'OAK'],
    });
    // goodwill meal of GX0003 was issued by the VERSION_CONFLICT test above.
    expect(await getEntitlement(ctx, goodwillMeal.id)).toMatchObject({ status: 'ISSUED' });
    // Act
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: { commands: [issueCommand({ entitlementId: other.id, version: 1, station: 'PHX', deskId: 'd' })] },
    });
    // Assess
    expect(r.status).toBe(200);
    expect((r.json.results as unknown[])[0]).toMatchObject({ status: 'rejected', code: 'ALREADY_ISSUED' });
    expect(await getEntitlement(ctx, other.id)).toMatchObject({ status: 'OFFERED', version: 1 });
  });

  it('a command whose payload does not fit its type is a committed INVALID_PAYLOAD rejection, not an error', async () => {
    const cmd = {
      ...issueCommand({ entitlementId: 'x', version: 1, station: 'PHX', deskId: 'd' }),
      type: 'addCaseNote',
      payload: { text: 'hi' },
    };
    const r = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [cmd] } });
    expect((r.json.results as unknown[])[0]).toMatchObject({
      status: 'rejected',
      code: 'INVALID_PAYLOAD',
      message: expect.stringMatching(/^payload\.caseId/),
    });
  });

  it('a command for a station the user does not hold is a committed FORBIDDEN_STATION for that command only; the batch goes on', async () => {
    // Prepare: agent.dal holds DAL only; the case is PHX/OAK's.
    const ent = `${caseId(flight, 'GX0001')}/goodwill/meal/EVENT`;
    const foreign = issueCommand({ entitlementId: ent, version: 1, station: 'PHX', deskId: 'd' });
    const note = command('addCaseNote', { caseId: caseId(flight, 'GX0001'), text: 'hello' }, { station: 'PHX' });
    const heads = await Promise.all(['PHX', 'OAK', 'DAL'].map((st) => readHead(ctx, st)));
    const cmds = await scanCount('CMD#');
    // Act
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.dal'],
      body: { commands: [foreign, note] },
    });
    const again = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.dal'],
      body: { commands: [foreign] },
    });
    // Assess: both answered, both refused (the note's case is not DAL's either), nothing but the command records written.
    expect(r.status).toBe(200);
    expect(r.json.results).toEqual([
      expect.objectContaining({ commandId: foreign.commandId, status: 'rejected', code: 'FORBIDDEN_STATION' }),
      expect.objectContaining({ commandId: note.commandId, status: 'rejected', code: 'FORBIDDEN_STATION' }),
    ]);
    expect((again.json.results as unknown[])[0]).toMatchObject({
      commandId: foreign.commandId,
      code: 'FORBIDDEN_STATION',
      replayed: true,
    });
    expect(await scanCount('CMD#')).toBe(cmds + 2);
    expect(await Promise.all(['PHX', 'OAK', 'DAL'].map((st) => readHead(ctx, st)))).toEqual(heads);
    expect(await getEntitlement(ctx, ent)).toMatchObject({ status: 'ISSUED', version: 2 });
  });

  it('in a mixed batch only the out-of-scope command is refused; the others are applied', async () => {
    // agent.phx: a note on a PHX case (applied) + a command addressed to DAL (refused).
    const note = command(
      'addCaseNote',
      { caseId: caseId(flight, 'GX0002'), text: 'called the hotel' },
      { station: 'PHX' },
    );
    const foreign = command('addCaseNote', { caseId: caseId(flight, 'GX0002'), text: 'x' }, { station: 'DAL' });
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: { commands: [foreign, note] },
    });
    expect(r.status).toBe(200);
    expect(r.json.results).toEqual([
      expect.objectContaining({ commandId: foreign.commandId, status: 'rejected', code: 'FORBIDDEN_STATION' }),
      expect.objectContaining({ commandId: note.commandId, status: 'applied' }),
    ]);
  });
});

describe('hostile requests: clear 4xx, nothing written', () => {
  const valid = () => ({
    commands: [
      issueCommand({
        entitlementId: `${caseId(flight, 'GX0001')}/goodwill/meal/EVENT`,
        version: 1,
        station: 'PHX',
        deskId: 'd',
      }),
    ],
  });
  it.each([
    ['missing token', undefined, valid(), 401, 'unauthorized'],
    ['invalid JSON', 'agent.phx', '{"commands": [', 400, 'invalid_json'],
    ['empty body', 'agent.phx', '', 400, 'invalid_body'],
    ['wrong types', 'agent.phx', { commands: 'all of them' }, 400, 'validation_failed'],
    [
      'bad ULID',
      'agent.phx',
      { commands: [{ ...valid().commands[0], commandId: 'not-a-ulid' }] },
      400,
      'validation_failed',
    ],
    [
      'too many commands',
      'agent.phx',
      { commands: Array.from({ length: 51 }, () => valid().commands[0]) },
      400,
      'validation_failed',
    ],
    ['huge body', 'agent.phx', JSON.stringify({ commands: [], pad: 'x'.repeat(300 * 1024) }), 413, 'payload_too_large'],
  ] as const)('%s', async (_name, user, body, status, code) => {
    const heads = await Promise.all(['PHX', 'OAK', 'DAL'].map((st) => readHead(ctx, st)));
    const cmds = await scanCount('CMD#');
    const r = await api.call('POST', '/v1/sync/push', {
      ...(user ? { token: tokens[user] } : {}),
      body: body as string | object,
    });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: { code } });
    expect(r.text).not.toMatch(/at .*\.ts|stack/i);
    if (code === 'validation_failed') expect((r.json.error as { message: string }).message).toMatch(/^commands/);
    expect(await scanCount('CMD#')).toBe(cmds);
    expect(await Promise.all(['PHX', 'OAK', 'DAL'].map((st) => readHead(ctx, st)))).toEqual(heads);
  });
});

describe('GET /v1/sync/pull', () => {
  it('enforces station scope: agents their stations, admin any', async () => {
    expect((await api.call('GET', '/v1/sync/pull?station=PHX&cursor=0', { token: tokens['agent.dal'] })).status).toBe(
      403,
    );
    expect((await api.call('GET', '/v1/sync/pull?station=OAK&cursor=0', { token: tokens['agent.phx'] })).status).toBe(
      403,
    );
    expect((await api.call('GET', '/v1/sync/pull?station=OAK&cursor=0', { token: tokens['super.phx'] })).status).toBe(
      200,
    );
    expect((await api.call('GET', '/v1/sync/pull?station=PHX&cursor=0', { token: tokens.admin })).status).toBe(200);
  });

  it.each([
    ['station=phx', 'lower-case station'],
    ['station=PHX&cursor=-1', 'negative cursor'],
    ['station=PHX&limit=5000', 'limit too big'],
    ['station=PHX&wait=60', 'wait too long'],
    ['cursor=0', 'no station'],
  ])('refuses %s (%s) with 400', async (qs) => {
    const r = await api.call('GET', `/v1/sync/pull?${qs}`, { token: tokens.admin });
    expect(r.status).toBe(400);
  });

  it('pages gap-free and reports head and progress', async () => {
    const all = await api.pullAll(tokens.admin!, 'PHX');
    expect(all.entries.map((e) => e.seq)).toEqual(all.entries.map((_, i) => i + 1));
    expect(all.head).toBe(all.entries.length);
    const page = await api.pull(tokens.admin!, 'PHX', 0);
    expect(page.retention.minSeq).toBe(1);
    const small = await api.call('GET', '/v1/sync/pull?station=PHX&cursor=1&limit=2', { token: tokens.admin });
    expect((small.json.entries as { seq: number }[]).map((e) => e.seq)).toEqual([2, 3]);
    expect(small.json).toMatchObject({ cursor: 3, hasMore: true, resync: false });
  });

  it('asks for a resync when the epoch differs or the cursor is ahead of the head', async () => {
    const head = (await api.pull(tokens.admin!, 'PHX', 0)).head;
    const wrongEpoch = await api.call(
      'GET',
      `/v1/sync/pull?station=PHX&cursor=${head}&epoch=01HZZZZZZZZZZZZZZZZZZZZZZZ`,
      { token: tokens.admin },
    );
    expect(wrongEpoch.json).toMatchObject({ resync: true, entries: [], cursor: 0 });
    const ahead = await api.call('GET', `/v1/sync/pull?station=PHX&cursor=${head + 100}`, { token: tokens.admin });
    expect(ahead.json).toMatchObject({ resync: true });
  });

  it('long-polls: a waiting pull returns as soon as something is committed', async () => {
    const { head, epoch } = await api.pull(tokens.admin!, 'LAS', 0);
    const t0 = Date.now();
    const waiting = api.call('GET', `/v1/sync/pull?station=LAS&cursor=${head}&epoch=${epoch}&wait=10`, {
      token: tokens.admin,
    });
    await new Promise((r) => setTimeout(r, 400));
    await commitWithLog(ctx, {
      items: [],
      changes: [{ kind: 'flight', id: 'ping', version: 1, op: 'put', data: {} }],
      stations: ['LAS'],
    });
    const r = await waiting;
    const ms = Date.now() - t0;
    expect(r.status).toBe(200);
    expect((r.json.entries as unknown[]).length).toBe(1);
    expect(ms).toBeLessThan(5000);
  });

  it('caps a pull response below Lambda’s 6 MB limit; hasMore says go on', async () => {
    // Prepare: 30 entries of ~200 KB each on one station (6 MB in all).
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 30; i++) {
      await commitWithLog(ctx, {
        items: [],
        changes: [{ kind: 'flight', id: `big-${i}`, version: 1, op: 'put', data: { big } }],
        stations: ['ZZB'],
      });
    }
    // Act
    const r = await api.call('GET', '/v1/sync/pull?station=ZZB&cursor=0&limit=1000', { token: tokens.admin });
    // Assess
    expect(r.status).toBe(200);
    expect(r.text.length).toBeLessThan(5 * 1024 * 1024);
    const n = (r.json.entries as unknown[]).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(30);
    expect(r.json).toMatchObject({ cursor: n, hasMore: true, head: 30 });
  });

  it('an idle long-poll ends after the wait with no entries', async () => {
    const { head } = await api.pull(tokens.admin!, 'SEA', 0);
    const t0 = Date.now();
    const r = await api.call('GET', `/v1/sync/pull?station=SEA&cursor=${head}&wait=1`, { token: tokens.admin });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(r.json).toMatchObject({ entries: [], cursor: head, hasMore: false });
  });
});

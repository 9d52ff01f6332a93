import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { BackendClient, BackendTimeoutError, HttpError } from '../../../src/main/sync/backend.js';
import { deskHarness, deskPool, until, type Harness } from './helpers/desk-harness.js';
import { cancelledFlight, flight } from './helpers/factories.js';
import { startFakeBackend, TOKEN, type FakeBackend } from './helpers/fake-backend.js';

// The backend here is the FAKE in helpers/fake-backend.ts (protocol only), not helper C's.

const FLIGHT = 'SW9012-2026-11-24';
const ENT = `CASE-${FLIGHT}-P001/goodwill/meal/day1`;
let n = 0;
const cmd = (entitlementId = ENT): CommandEnvelope => ({
  commandId: `01JCMD${String(++n).padStart(20, '0')}`,
  type: 'issueEntitlement',
  schemaVersion: 1,
  deskId: 'DESK-1',
  station: 'PHX',
  expectedVersions: {},
  payload: { entitlementId, voucherSerial: null },
  createdAt: '2026-11-24T15:00:00.000Z',
  offline: false,
});

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

describe('sync engine against a fake backend', () => {
  it('pulls a station page by page and resumes from the stored cursor after a restart', async () => {
    // Prepare: 250 log entries (pages of 100)
    for (let i = 0; i < 250; i += 1) fake.commit(['PHX'], [flight({ id: `F${i}`, version: 1 })]);
    const a = desk({ pageSize: 100 });
    // Act
    await a.engine.start(['PHX']);
    await until(() => a.engine.cursors()[0]?.cursor === 250, 'cursor 250');
    await a.close();
    desks.forget();
    fake.commit(['PHX'], [flight({ id: 'F-new', version: 1 })]);
    const pullsBefore = fake.pullCalls;
    const b = desk({ file: a.file, pageSize: 100 });
    await b.engine.start(['PHX']);
    await until(() => b.engine.cursors()[0]?.cursor === 251, 'cursor 251');
    // Assess: the restarted desk fetched only the new entry (1 pull + the long-poll it is in)
    expect(b.queries.board('PHX').counts.total).toBe(251);
    expect(fake.pullCalls - pullsBefore).toBeLessThanOrEqual(3);
  });

  it('shows a new change within 1 s of its commit (long-poll)', async () => {
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.engine.status().online, 'online');
    await new Promise((r) => setTimeout(r, 150)); // now waiting in a long-poll
    const t0 = Date.now();
    fake.commit(['PHX', 'OAK'], cancelledFlight(3));
    await until(() => d.queries.board('PHX').counts.cancelled === 1, 'cancelled flight');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(d.queries.flightPassengers(FLIGHT).counts).toEqual({ passengers: 3, cases: 3, issued: 0 });
  });

  it('pushes a queued command, keeps it until the pull brings the effect, then shows it synced', async () => {
    fake.commit(['PHX'], cancelledFlight(2));
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced');
    expect(d.outbox.count()).toBe(0);
    expect(d.queries.entitlement(ENT)?.voucherSerial).toMatch(/^V-/);
    expect(fake.pushed.filter((r) => r.status === 'applied')).toHaveLength(1);
  });

  it('re-arms the push retry after failures without any new local write', async () => {
    fake.commit(['PHX'], cancelledFlight(1));
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    fake.fail(4, 'drop'); // connection resets: the desk is offline for a while
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced after retries', 8000);
    expect(fake.pushed).toHaveLength(1);
    expect(d.engine.status()).toMatchObject({ online: true, lastError: null });
  });

  it('a push that times out (slow backend) halves the next batch and does not report the desk offline', async () => {
    fake.commit(['PHX'], cancelledFlight(12));
    // The backend answers batches of up to 3 commands in time; bigger ones time out.
    const sizes: number[] = [];
    let online = true;
    const real = new BackendClient({
      apiUrl: fake.apiUrl,
      tokens: { idToken: async () => TOKEN, refresh: async () => undefined },
      timeoutMs: 3000,
    });
    const slow: Pick<BackendClient, 'pull' | 'push' | 'snapshot'> = {
      pull: (...a) => real.pull(...a),
      snapshot: (...a) => real.snapshot(...a),
      push: async (batch, ...rest) => {
        sizes.push(batch.length);
        if (batch.length > 3) throw new BackendTimeoutError('backend did not answer within 15 s');
        return real.push(batch, ...rest);
      },
    };
    // Once pushing has started, every status report must still say online.
    const d = desk({ backend: slow, onStatus: () => (online &&= sizes.length === 0 || d.engine.status().online) });
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(`CASE-${FLIGHT}-P012/goodwill/meal/day1`), 'entitlements cached');
    for (let i = 1; i <= 12; i += 1)
      d.outbox.enqueue(cmd(`CASE-${FLIGHT}-P${String(i).padStart(3, '0')}/goodwill/meal/day1`));
    d.engine.kickPush();
    await until(() => fake.pushed.length === 12, 'all 12 applied', 8000);
    // 12 → 6 → 3 (answered), then +5 per success but never above what timed out… until it does again.
    expect(sizes.slice(0, 3)).toEqual([12, 6, 3]);
    expect(online).toBe(true);
    expect(d.engine.status().online).toBe(true);
  });

  it('reports offline while the backend is unreachable and recovers by itself', async () => {
    const d = desk();
    fake.fail(1000, 'drop');
    await d.engine.start(['PHX']);
    await until(() => d.engine.status().lastError !== null, 'an error');
    expect(d.engine.status().online).toBe(false);
    fake.fail(0);
    fake.commit(['PHX'], [flight()]);
    await until(() => d.engine.status().online && d.queries.board('PHX').counts.total === 1, 'back online', 5000);
  });

  it('lists a rejected command for attention and does not block the next one', async () => {
    fake.commit(['PHX'], cancelledFlight(2));
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    const other = `CASE-${FLIGHT}-P002/goodwill/meal/day1`;
    d.outbox.enqueue(cmd('does-not-exist'));
    d.outbox.enqueue(cmd(other));
    d.engine.kickPush();
    await until(() => d.queries.entitlement(other)?.syncState === 'synced', 'second command synced');
    expect(d.outbox.attention()).toMatchObject([{ code: 'NOT_FOUND' }]);
    expect(d.outbox.count()).toBe(0);
  });

  it('does a full resync when the cursor fell out of retention, keeping the outbox', async () => {
    fake.commit(['PHX'], cancelledFlight(1));
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    await d.engine.stop();
    // Offline: the agent issues; meanwhile the server's log moves on and is truncated.
    d.outbox.enqueue(cmd());
    for (let i = 0; i < 5; i += 1) fake.commit(['PHX'], [flight({ id: `X${i}`, version: 1 })]);
    fake.commit(['PHX'], cancelledFlight(1)); // full snapshot re-logged (as a compaction would)
    fake.truncate('PHX', 7);
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced after resync');
    // Everything, not only what the retained log holds: the bootstrap came from the snapshot.
    expect(d.queries.board('PHX').counts.total).toBe(6);
    expect(fake.snapshotPages).toEqual([null]);
    expect(fake.pushed.filter((r) => r.status === 'applied')).toHaveLength(1);
  });

  it('after a server restore (new epoch) re-pushes commands the server had acknowledged', async () => {
    fake.commit(['PHX'], cancelledFlight(1));
    const d = desk();
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    await d.engine.stop();
    // Acked by the old server but its effect never pulled:
    d.outbox.enqueue(cmd());
    d.outbox.recordResults([
      {
        commandId: `01JCMD${String(n).padStart(20, '0')}`,
        status: 'applied',
        replayed: false,
        code: null,
        message: null,
        effects: [{ ref: `entitlement:${ENT}`, version: 99 }],
      },
    ]);
    fake.restore('E2');
    fake.commit(['PHX'], cancelledFlight(1));
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced after restore');
    expect(d.engine.cursors()[0]?.epoch).toBe('E2');
    expect(d.outbox.count()).toBe(0);
  });

  it('applying the same page twice changes nothing (idempotent apply)', async () => {
    const d = desk();
    const page = {
      station: 'PHX',
      epoch: 'E1',
      entries: [{ seq: 1, changes: cancelledFlight(2) }],
      cursor: 1,
      hasMore: false,
      head: 1,
      resync: false,
      retention: { minSeq: 1 },
    };
    expect(d.engine.applyPull('PHX', page).changed.length).toBeGreaterThan(0);
    const before = JSON.stringify(d.queries.flightPassengers(FLIGHT));
    expect(d.engine.applyPull('PHX', page).changed).toEqual([]);
    expect(JSON.stringify(d.queries.flightPassengers(FLIGHT))).toBe(before);
  });

  it('a malformed snapshot aborts the whole page: nothing half-applied, cursor unchanged', () => {
    const d = desk();
    const good = cancelledFlight(1);
    const bad = {
      kind: 'passenger' as const,
      id: 'PX',
      version: 1,
      op: 'put' as const,
      data: { id: 'PX', version: 1 },
    };
    const page = {
      station: 'PHX',
      epoch: 'E1',
      entries: [{ seq: 1, changes: [...good, bad] }],
      cursor: 1,
      hasMore: false,
      head: 1,
      resync: false,
      retention: { minSeq: 1 },
    };
    expect(() => d.engine.applyPull('PHX', page)).toThrow(/invalid passenger PX/);
    expect(d.queries.board('PHX').counts.total).toBe(0);
    expect(d.engine.cursors()).toEqual([]);
  });
});

/**
 * A desk whose pushes go through `answer` first: it may answer a push itself (status + body)
 * or let it through to the fake backend (undefined). Pulls always go through.
 */
function deskWithPushAnswers(
  answer: (commandIds: string[], call: number) => { status: number; body: unknown } | undefined,
  refresh: () => Promise<void> = async () => undefined,
): Harness {
  let calls = 0;
  const wrapped: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/v1/sync/push')) {
      const ids = (JSON.parse(String(init?.body)) as { commands: { commandId: string }[] }).commands.map(
        (c) => c.commandId,
      );
      const a = answer(ids, ++calls);
      if (a)
        return new Response(JSON.stringify(a.body), {
          status: a.status,
          headers: { 'content-type': 'application/json' },
        });
    }
    return fetch(input, init);
  };
  const backend = new BackendClient({
    apiUrl: fake.apiUrl,
    tokens: { idToken: async () => TOKEN, refresh },
    fetch: wrapped,
    timeoutMs: 3000,
  });
  return desk({ backend });
}

const err = (code: string, message: string) => ({ error: { code, message } });
const ENT2 = `CASE-${FLIGHT}-P002/goodwill/meal/day1`;
const ENT3 = `CASE-${FLIGHT}-P003/goodwill/meal/day1`;

describe('push waits for the desk (beforePush: enrolment)', () => {
  it('sends nothing while beforePush fails (a 4xx included: never a permanent failure of the commands), then pushes by itself', async () => {
    fake.commit(['PHX'], cancelledFlight(2));
    let ready = false;
    let attempts = 0;
    const d = desk({
      beforePush: async () => {
        attempts += 1;
        if (!ready) throw new HttpError(403, 'forbidden_role', 'cannot enrol yet');
      },
    });
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => attempts >= 3, 'retried with backoff');
    expect(fake.pushCalls).toBe(0);
    expect(d.outbox.pendingCount()).toBe(1);
    expect(d.engine.status().lastError).toMatch(/desk enrolment: 403/);
    ready = true;
    await until(() => fake.pushCalls > 0 && d.outbox.pendingCount() === 0, 'pushed once the desk is ready');
  });
});

describe('push errors: permanent vs temporary', () => {
  it('a permanent 4xx for a batch finds the one bad command, moves it to needs-attention with the reason, and the queue moves on', async () => {
    // Prepare: three commands; the server refuses any request that contains the second one.
    fake.commit(['PHX'], cancelledFlight(3));
    const bad = cmd(ENT2);
    const d = deskWithPushAnswers((ids) =>
      ids.includes(bad.commandId)
        ? { status: 400, body: err('INVALID_PAYLOAD', 'payload.entitlementId: too long') }
        : undefined,
    );
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT3), 'entitlements cached');
    // Act
    d.outbox.enqueue(cmd(ENT));
    d.outbox.enqueue(bad);
    d.outbox.enqueue(cmd(ENT3));
    d.engine.kickPush();
    // Assess
    await until(() => d.queries.entitlement(ENT3)?.syncState === 'synced', 'third command synced');
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'first command synced');
    expect(d.outbox.attention()).toMatchObject([
      {
        commandId: bad.commandId,
        code: 'INVALID_PAYLOAD',
        message: expect.stringContaining('payload.entitlementId: too long'),
      },
    ]);
    expect(d.outbox.count()).toBe(0);
    expect(d.queries.entitlement(ENT2)?.syncState).toBe('rejected');
  });

  it.each([
    [403, 'FORBIDDEN'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [422, 'UNPROCESSABLE'],
  ])('HTTP %i is permanent: the command lands in needs-attention, never retried', async (status, code) => {
    fake.commit(['PHX'], cancelledFlight(1));
    let pushes = 0;
    const d = deskWithPushAnswers(() => {
      pushes += 1;
      return { status, body: err(code, 'refused') };
    });
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => d.outbox.attention().length === 1, 'in needs-attention');
    await new Promise((r) => setTimeout(r, 300));
    expect(pushes).toBe(1);
    expect(d.outbox.attention()[0]).toMatchObject({ code, message: expect.stringContaining('refused') });
    expect(d.outbox.count()).toBe(0);
  });

  it('an answer failing its schema is permanent for what was sent', async () => {
    fake.commit(['PHX'], cancelledFlight(1));
    const d = deskWithPushAnswers(() => ({
      status: 200,
      body: { results: [{ commandId: 'not-a-ulid', status: 'maybe' }] },
    }));
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => d.outbox.attention().length === 1, 'in needs-attention');
    expect(d.outbox.attention()[0]).toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it.each([
    [500, 'INTERNAL'],
    [502, 'BAD_GATEWAY'],
    [503, 'UNAVAILABLE'],
    [429, 'THROTTLED'],
    [408, 'TIMEOUT'],
  ])(
    'HTTP %i is temporary: retried with backoff (re-armed by itself), never in needs-attention',
    async (status, code) => {
      fake.commit(['PHX'], cancelledFlight(1));
      const d = deskWithPushAnswers((_ids, call) => (call <= 3 ? { status, body: err(code, 'try later') } : undefined));
      await d.engine.start(['PHX']);
      await until(() => d.queries.entitlement(ENT), 'entitlement cached');
      d.outbox.enqueue(cmd());
      d.engine.kickPush();
      await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced after retries', 8000);
      expect(d.outbox.attention()).toEqual([]);
      expect(fake.pushed.filter((r) => r.status === 'applied')).toHaveLength(1);
    },
  );

  it('a 401 refreshes the token, then counts as temporary', async () => {
    fake.commit(['PHX'], cancelledFlight(1));
    let refreshes = 0;
    const d = deskWithPushAnswers(
      (_ids, call) => (call <= 4 ? { status: 401, body: err('UNAUTHORIZED', 'token expired') } : undefined),
      async () => {
        refreshes += 1;
      },
    );
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    d.outbox.enqueue(cmd());
    d.engine.kickPush();
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', 'synced after refresh and retry', 8000);
    expect(refreshes).toBeGreaterThanOrEqual(1);
    expect(d.outbox.attention()).toEqual([]);
  });

  it('backoff uses full jitter: uniform in [0, min(max, initial·2^(n-1))]', () => {
    const d = desk({ backoff: { initialMs: 100, maxMs: 1000 } });
    expect(d.engine.backoffMs(1, () => 0)).toBe(0);
    expect(d.engine.backoffMs(1, () => 1)).toBe(100);
    expect(d.engine.backoffMs(3, () => 0.5)).toBe(200);
    expect(d.engine.backoffMs(10, () => 1)).toBe(1000);
    const draws = Array.from({ length: 200 }, () => d.engine.backoffMs(4));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(800);
    expect(new Set(draws).size).toBeGreaterThan(50);
  });
});

describe('push: commands belong to their author', () => {
  const jwtOf = (u: string): string =>
    [
      'e30',
      Buffer.from(JSON.stringify({ 'cognito:username': u, exp: 2_000_000_000 })).toString('base64url'),
      'sig',
    ].join('.');

  it("never sends a user's commands under another user's token (a sign-in racing the push): nothing sent, nothing rejected", async () => {
    // Prepare: the engine runs for agent.a, but the token at hand is agent.b's.
    fake.commit(['PHX'], cancelledFlight(1));
    const sent: string[] = [];
    const backend = new BackendClient({
      apiUrl: fake.apiUrl,
      tokens: { idToken: async () => jwtOf('agent.b'), refresh: async () => undefined },
      fetch: async (input, init) => {
        if (String(input).endsWith('/v1/sync/push')) sent.push(String(init?.body));
        return fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
        });
      },
      timeoutMs: 3000,
    });
    const d = desk({ backend, currentUser: () => 'agent.a' });
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT), 'entitlement cached');
    // Act
    d.outbox.enqueue(cmd(), 'agent.a');
    d.engine.kickPush();
    await until(() => d.engine.status().lastError?.includes('agent.a'), 'the push refused on the desk');
    // Assess
    expect(sent).toEqual([]);
    expect(d.outbox.pendingCount()).toBe(1);
    expect(d.outbox.attention()).toEqual([]);
  });

  it("pushes only the current user's commands; another user's wait in the outbox", async () => {
    fake.commit(['PHX'], cancelledFlight(2));
    let user = 'agent.a';
    const backend = new BackendClient({
      apiUrl: fake.apiUrl,
      tokens: { idToken: async () => jwtOf(user), refresh: async () => undefined },
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
        }),
      timeoutMs: 3000,
    });
    const d = desk({ backend, currentUser: () => user });
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT2), 'entitlements cached');
    const mine = cmd(ENT);
    const theirs = cmd(ENT2);
    d.outbox.enqueue(theirs, 'agent.b');
    d.outbox.enqueue(mine, 'agent.a');
    d.engine.kickPush();
    await until(() => d.queries.entitlement(ENT)?.syncState === 'synced', "agent.a's command synced");
    expect(fake.received.map((c) => c.commandId)).toEqual([mine.commandId]);
    // agent.b signs in: the engine restarts for them and pushes theirs.
    user = 'agent.b';
    await d.engine.start(['PHX']);
    await until(() => d.queries.entitlement(ENT2)?.syncState === 'synced', "agent.b's command synced");
    expect(fake.received.map((c) => c.commandId)).toEqual([mine.commandId, theirs.commandId]);
  });
});

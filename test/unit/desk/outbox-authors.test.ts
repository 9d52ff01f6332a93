import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFailedError, type AuthTokens, type CognitoAuthApi } from '../../../src/main/auth/cognito.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { tokenUser } from '../../../src/main/sync/backend.js';
import type { Channel, RpcResult } from '../../../src/shared/rpc/contract.js';
import {
  AddCaseNotePayloadSchema,
  type CommandEnvelope,
  type CommandResult,
} from '../../../src/shared/sync/protocol.js';
import { cancelledFlight, tempDir } from './helpers/factories.js';
import { startFakeBackend, TOKEN, type FakeBackend } from './helpers/fake-backend.js';

// A shared airport PC: several users sign in and out of ONE desk (one data dir), through the
// desk's RPC API (createDesk = the composition root the app and web mode use). Identity: a
// stand-in Cognito answering JWT-shaped ID tokens per user. Backend: the labelled FAKE of
// helpers/fake-backend.ts; a fetch wrapper records which user's token carried each pushed
// command (then hands the fake its one accepted token) and can cut the network.

const FLIGHT = 'SW9012-2026-11-24';
const CASE1 = `CASE-${FLIGHT}-P001`;
const CASE2 = `CASE-${FLIGHT}-P002`;
const PASSWORD = 'Jetway-demo-1';

const USERS: Record<string, { groups: string[]; stations: string }> = {
  'agent.phx': { groups: ['agent'], stations: 'PHX' },
  'agent2.phx': { groups: ['agent'], stations: 'PHX' },
  'super.phx': { groups: ['supervisor'], stations: 'PHX,OAK' },
};

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const tokensFor = (u: string): AuthTokens => ({
  idToken: [
    b64({ alg: 'none' }),
    b64({
      exp: Math.floor(Date.now() / 1000) + 3600,
      'cognito:username': u,
      'cognito:groups': USERS[u]!.groups,
      'custom:stations': USERS[u]!.stations,
    }),
    'sig',
  ].join('.'),
  accessToken: `access-${u}`,
  refreshToken: `refresh:${u}`,
});
const cognitoApi: CognitoAuthApi = {
  passwordAuth: async (u, p) => {
    if (!USERS[u] || p !== PASSWORD) throw new AuthFailedError('wrong username or password');
    return tokensFor(u);
  },
  refresh: async (rt) => tokensFor(rt.slice('refresh:'.length)),
};

interface Push {
  user: string | null;
  commands: CommandEnvelope[];
}

let fake: FakeBackend;
let desk: Desk;
let pushes: Push[];
let network: { up: boolean };
/** The user whose token carries the push being handled (the fake answers like the real server). */
let pusher: string | null;
/** Notes whose text contains this are rejected (a committed VERSION_CONFLICT), while set. */
let rejectText: string | null;

/** Polls `fn` (sync or async) until it is truthy, or throws naming `what`. */
async function until(fn: () => unknown, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function call<T>(channel: Channel, request: unknown = {}): Promise<T> {
  const r = (await desk.dispatch(channel, request)) as RpcResult<T>;
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value;
}
async function callError(channel: Channel, request: unknown = {}): Promise<string> {
  const r = await desk.dispatch(channel, request);
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return r.error.code;
}
const signIn = (u: string) => call('session:signIn', { username: u, password: PASSWORD });
const note = (caseId: string, text: string) => call<{ commandId: string }>('case:note', { caseId, text });
const pushedIds = (): string[] => pushes.flatMap((p) => p.commands.map((c) => c.commandId));
const pushedBy = (id: string): (string | null)[] =>
  pushes.filter((p) => p.commands.some((c) => c.commandId === id)).map((p) => p.user);
const status = () => call<{ pendingCommands: number; needsAttention: number; online: boolean }>('sync:status');
const attention = () =>
  call<{ items: { commandId: string; caseId: string | null; code: string; message: string }[] }>('attention:list').then(
    (r) => r.items,
  );

beforeEach(async () => {
  fake = await startFakeBackend();
  fake.commit(['PHX', 'OAK'], cancelledFlight(3));
  pushes = [];
  network = { up: true };
  pusher = null;
  rejectText = null;
  // Answers like the real push route: a command for a station the pushing user does not hold is
  // a committed FORBIDDEN_STATION for that command only; notes apply (or a forced rejection).
  fake.onCommand = (cmd): CommandResult => {
    const held = pusher ? USERS[pusher]!.stations.split(',') : [];
    const base = { commandId: cmd.commandId, replayed: false, effects: [] };
    if (!held.includes(cmd.station))
      return {
        ...base,
        status: 'rejected',
        code: 'FORBIDDEN_STATION',
        message: `you do not hold station ${cmd.station}`,
      };
    if (cmd.type === 'addCaseNote') {
      const { text } = AddCaseNotePayloadSchema.parse(cmd.payload);
      if (rejectText && text.includes(rejectText))
        return { ...base, status: 'rejected', code: 'VERSION_CONFLICT', message: 'the case changed meanwhile' };
      return { ...base, status: 'applied', code: null, message: null };
    }
    return { ...base, status: 'rejected', code: 'UNSUPPORTED_COMMAND', message: 'fake' };
  };
  const recordingFetch: typeof fetch = async (input, init) => {
    if (!network.up) throw new TypeError('fetch failed');
    const headers = { ...(init?.headers as Record<string, string>) };
    const user = tokenUser((headers.authorization ?? '').replace(/^Bearer /, ''));
    if (String(input).endsWith('/v1/sync/push')) {
      pushes.push({ user, commands: (JSON.parse(String(init?.body)) as { commands: CommandEnvelope[] }).commands });
      pusher = user;
    }
    return fetch(input, { ...init, headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
  };
  desk = createDesk({
    dataDir: path.join(tempDir(), 'desk'),
    apiUrl: fake.apiUrl,
    cognito: { region: 'us-east-1', clientId: 'test' },
    cognitoApi,
    fetch: recordingFetch,
    sync: { waitSeconds: 1, minPollIntervalMs: 50, backoff: { initialMs: 50, maxMs: 300 } },
    log: () => undefined,
  });
});

afterEach(async () => {
  await desk.close();
  await fake.stop();
});

/** Signs `u` in and waits until the cases are cached. */
async function signInSynced(u: string): Promise<void> {
  await signIn(u);
  await until(async () => (await desk.dispatch('case:get', { caseId: CASE2 })).ok, 'cases cached');
}

/** A works offline: queues notes that cannot be pushed, then signs out. */
async function aWorksOfflineAndSignsOut(): Promise<string[]> {
  await signInSynced('agent.phx');
  network.up = false;
  const ids = [(await note(CASE1, 'offline note 1')).commandId, (await note(CASE1, 'offline note 2')).commandId];
  expect((await status()).pendingCommands).toBe(2);
  await call('session:signOut');
  network.up = true;
  return ids;
}

describe('commands belong to their author (shared PC)', () => {
  it('commands queued by user A are never pushed under user B; they go out when A signs in again', async () => {
    // Prepare
    const aIds = await aWorksOfflineAndSignsOut();
    // Act: B signs in on the same desk and works online.
    await signInSynced('agent2.phx');
    const bId = (await note(CASE2, 'B was here')).commandId;
    await until(() => pushedIds().includes(bId), 'B pushed');
    await call('sync:now');
    await new Promise((r) => setTimeout(r, 300));
    // Assess: nothing of A went out under B; B sees none of A's pending items.
    for (const id of aIds) expect(pushedBy(id)).toEqual([]);
    expect(pushedBy(bId)).toEqual(['agent2.phx']);
    await until(async () => (await status()).pendingCommands === 0, "B's status without A's commands");
    expect(await callError('outbox:waiting')).toBe('FORBIDDEN'); // an agent cannot list A's commands
    await call('session:signOut');
    // Act: A again.
    await signIn('agent.phx');
    await until(() => aIds.every((id) => pushedIds().includes(id)), "A's commands pushed");
    // Assess: each command was pushed under its author's token only.
    for (const id of aIds) expect(new Set(pushedBy(id))).toEqual(new Set(['agent.phx']));
    for (const p of pushes) expect(p.user).not.toBeNull();
    await until(async () => (await status()).pendingCommands === 0, 'A synced');
    expect(await attention()).toEqual([]);
  });

  it("a supervisor releases another user's waiting commands: pushed under the supervisor's token, the author and the release recorded", async () => {
    const aIds = await aWorksOfflineAndSignsOut();
    await signInSynced('super.phx');
    // The supervisor sees what waits, with its author.
    const waiting = await call<{ items: { commandId: string; createdBy: string | null }[] }>('outbox:waiting');
    expect(waiting.items.map((w) => [w.commandId, w.createdBy])).toEqual(aIds.map((id) => [id, 'agent.phx']));
    await new Promise((r) => setTimeout(r, 200));
    for (const id of aIds) expect(pushedBy(id)).toEqual([]); // nothing goes out before the release
    // Act
    const r = await call<{ released: string[] }>('outbox:release', { commandIds: aIds });
    // Assess
    expect(r.released).toEqual(aIds);
    await until(() => aIds.every((id) => pushedIds().includes(id)), 'released commands pushed');
    for (const id of aIds) expect(new Set(pushedBy(id))).toEqual(new Set(['super.phx']));
    expect(fake.pushed.filter((p) => aIds.includes(p.commandId)).map((p) => p.status)).toEqual(['applied', 'applied']);
    // Released and pushed = confirmed and gone from the outbox; the audit of the release was on the row
    // while it waited (checked before the push in the agent test below), and in the desk log.
  });

  it("an agent cannot release other users' commands, and a release is recorded on the outbox row", async () => {
    const aIds = await aWorksOfflineAndSignsOut();
    await signInSynced('agent2.phx');
    expect(await callError('outbox:release', { commandIds: aIds })).toBe('FORBIDDEN');
    await call('session:signOut');
    // The release, recorded locally (who, when), with the author kept. Checked offline so the rows stay.
    await signInSynced('super.phx');
    network.up = false;
    await call('outbox:release', { commandIds: aIds });
    const rows = desk.db
      .prepare('SELECT command_id, created_by, push_as, released_by, released_at, desk_id FROM outbox ORDER BY seq')
      .all() as {
      command_id: string;
      created_by: string;
      push_as: string;
      released_by: string;
      released_at: string;
      desk_id: string;
    }[];
    expect(rows.map((r) => [r.command_id, r.created_by, r.push_as, r.released_by])).toEqual(
      aIds.map((id) => [id, 'agent.phx', 'super.phx', 'super.phx']),
    );
    expect(rows.every((r) => r.released_at && r.desk_id)).toBe(true);
  });

  it("a batch with one out-of-scope command applies the others and lands that one in its author's needs-attention", async () => {
    // Prepare: A has a command for DAL in the outbox (queued when A still held DAL) and two PHX notes.
    await signInSynced('agent.phx');
    network.up = false;
    const n1 = (await note(CASE1, 'before')).commandId;
    const dal: CommandEnvelope = {
      commandId: '01JD000000000000000000DA1X',
      type: 'addCaseNote',
      schemaVersion: 1,
      deskId: 'DESK-X',
      station: 'DAL',
      expectedVersions: {},
      payload: { caseId: CASE1, text: 'for DAL' },
      createdAt: new Date().toISOString(),
      offline: true,
    };
    new Outbox(desk.db).enqueue(dal, 'agent.phx');
    const n2 = (await note(CASE1, 'after')).commandId;
    // Act
    network.up = true;
    await call('sync:now');
    await until(() => [n1, dal.commandId, n2].every((id) => pushedIds().includes(id)), 'batch pushed');
    // Assess: one batch, the others applied, the DAL one in A's needs-attention with the server's reason.
    expect(pushes.find((p) => p.commands.length === 3)?.user).toBe('agent.phx');
    await until(async () => (await attention()).length === 1, 'one item');
    expect(await attention()).toMatchObject([
      { commandId: dal.commandId, code: 'FORBIDDEN_STATION', message: 'you do not hold station DAL', caseId: CASE1 },
    ]);
    expect(fake.pushed.filter((p) => p.status === 'applied').map((p) => p.commandId)).toEqual([n1, n2]);
    await until(async () => (await status()).pendingCommands === 0, 'queue drained');
    // Per user: B does not see A's item.
    await call('session:signOut');
    await signIn('agent2.phx');
    expect(await attention()).toEqual([]);
    expect((await status()).needsAttention).toBe(0);
    expect(await callError('attention:dismiss', { commandId: dal.commandId, note: 'not mine' })).toBe('NOT_FOUND');
  });
});

describe('needs-attention: retry and dismiss, recorded', () => {
  it('retry re-creates the command (new ULID), resolves the item and notes the resolution on the case', async () => {
    await signInSynced('agent.phx');
    rejectText = 'REJECT';
    const first = (await note(CASE1, 'REJECT this once')).commandId;
    await until(async () => (await attention()).length === 1, 'rejected');
    expect(await attention()).toMatchObject([{ commandId: first, code: 'VERSION_CONFLICT', caseId: CASE1 }]);
    rejectText = null;
    // Act
    const r = await call<{ commandId: string; noteCommandId: string | null }>('attention:retry', { commandId: first });
    // Assess
    expect(r.commandId).not.toBe(first);
    expect(r.noteCommandId).not.toBeNull();
    expect(await attention()).toEqual([]);
    await until(() => fake.pushed.some((p) => p.commandId === r.commandId && p.status === 'applied'), 'retry applied');
    const retried = fake.received.find((c) => c.commandId === r.commandId)!;
    expect(retried.payload).toEqual({ caseId: CASE1, text: 'REJECT this once' });
    const audit = fake.received.find((c) => c.commandId === r.noteCommandId)!;
    expect(AddCaseNotePayloadSchema.parse(audit.payload).text).toMatch(
      new RegExp(`agent\\.phx retried addCaseNote ${first} \\(rejected VERSION_CONFLICT.*as ${r.commandId}`),
    );
    const row = desk.db
      .prepare(
        'SELECT resolved_at, resolved_by, resolution, note, retry_command_id FROM attention WHERE command_id = ?',
      )
      .get(first);
    expect(row).toMatchObject({
      resolved_by: 'agent.phx',
      resolution: 'retried',
      note: null,
      retry_command_id: r.commandId,
    });
    expect((row as { resolved_at: string }).resolved_at).toBeTruthy();
    // A resolved item cannot be resolved again.
    expect(await callError('attention:retry', { commandId: first })).toBe('CONFLICT');
  });

  it('dismiss records the note and who dismissed, and notes it on the case', async () => {
    await signInSynced('agent.phx');
    rejectText = 'REJECT';
    const first = (await note(CASE2, 'REJECT me')).commandId;
    await until(async () => (await attention()).length === 1, 'rejected');
    rejectText = null;
    expect(await callError('attention:dismiss', { commandId: first, note: '  ' })).toBe('BAD_REQUEST');
    const r = await call<{ noteCommandId: string | null }>('attention:dismiss', {
      commandId: first,
      note: 'passenger left',
    });
    expect(await attention()).toEqual([]);
    expect((await status()).needsAttention).toBe(0);
    const row = desk.db.prepare('SELECT resolved_by, resolution, note FROM attention WHERE command_id = ?').get(first);
    expect(row).toEqual({ resolved_by: 'agent.phx', resolution: 'dismissed', note: 'passenger left' });
    await until(() => fake.received.some((c) => c.commandId === r.noteCommandId), 'audit note pushed');
    const audit = fake.received.find((c) => c.commandId === r.noteCommandId)!;
    expect(audit.payload).toMatchObject({ caseId: CASE2, text: expect.stringContaining('dismissed addCaseNote') });
    expect(AddCaseNotePayloadSchema.parse(audit.payload).text).toContain('Note: passenger left');
  });

  it('a retry that no longer applies leaves the item open', async () => {
    await signInSynced('agent.phx');
    // A rejected claim of a case that is now already the agent's: re-creating it is refused.
    rejectText = null;
    const claim = (await call<{ commandId: string }>('case:claim', { caseId: CASE1 })).commandId;
    await until(async () => (await attention()).length === 1, 'claim rejected by the fake');
    expect(await attention()).toMatchObject([{ commandId: claim, code: 'UNSUPPORTED_COMMAND' }]);
    // The claim's optimistic effect is cleared on rejection, so the retry is applicable: it is re-queued.
    const r = await call<{ commandId: string }>('attention:retry', { commandId: claim });
    expect(r.commandId).not.toBe(claim);
    // Now the item of the retried claim is rejected too; make the retry inapplicable: the case is closed locally.
    await until(async () => (await attention()).some((a) => a.commandId === r.commandId), 'second rejection');
    fake.commit(
      ['PHX', 'OAK'],
      [
        {
          ...cancelledFlight(1).find((c) => c.id === CASE1)!,
          version: 5,
          data: { ...cancelledFlight(1).find((c) => c.id === CASE1)!.data, status: 'CLOSED', version: 5 },
        },
      ],
    );
    await until(async () => {
      const v = await desk.dispatch('case:get', { caseId: CASE1 });
      return v.ok && (v.value as { case: { status: string } }).case.status === 'CLOSED';
    }, 'case closed');
    expect(await callError('attention:retry', { commandId: r.commandId })).toBe('CONFLICT');
    expect((await attention()).map((a) => a.commandId)).toContain(r.commandId);
  });
});

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthFailedError,
  ChallengeRequiredError,
  CognitoUnreachableError,
  cognitoAuthApi,
  type AuthTokens,
  type ChallengeResponses,
  type CognitoAuthApi,
  type SupportedChallenge,
} from '../../../src/main/auth/cognito.js';
import { readAuthEnv } from '../../../src/main/auth/config.js';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { createDesk, type Desk, type DeskConfig } from '../../../src/main/services.js';
import { cancelledFlight, tempDir } from './helpers/factories.js';

const PASSWORD = 'Jetway-demo-1';
const HOUR = 3_600_000;

const jwt = (claims: Record<string, unknown>): string =>
  ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

const USERS: Record<string, { group: string; stations: string }> = {
  'agent.phx': { group: 'agent', stations: 'PHX' },
  'super.phx': { group: 'supervisor', stations: 'PHX,OAK' },
  'new.agent': { group: 'agent', stations: 'PHX' },
  'mfa.agent': { group: 'agent', stations: 'PHX' },
};

/** Cognito through the desk's CognitoAuthApi seam: reachable or not, with the documented challenge shapes. */
class FakeCognito implements CognitoAuthApi {
  reachable = true;
  calls = 0;
  readonly passwords = new Map<string, string>([
    ['agent.phx', PASSWORD],
    ['super.phx', PASSWORD],
    ['new.agent', 'Temp-pass-1'],
    ['mfa.agent', PASSWORD],
  ]);
  /** Users in FORCE_CHANGE_PASSWORD. */
  readonly forceChange = new Set(['new.agent']);
  readonly mfa = new Set(['mfa.agent']);
  readonly totp = '123456';
  constructor(private readonly clock: () => Date) {}

  private tokens(username: string): AuthTokens {
    const u = USERS[username]!;
    const exp = Math.floor(this.clock().getTime() / 1000) + 3600;
    return {
      idToken: jwt({ exp, 'cognito:username': username, 'cognito:groups': [u.group], 'custom:stations': u.stations }),
      accessToken: 'access',
      refreshToken: 'refresh',
    };
  }

  async passwordAuth(username: string, password: string): Promise<AuthTokens> {
    this.calls += 1;
    if (!this.reachable) throw new CognitoUnreachableError('the sign-in service cannot be reached (ECONNREFUSED)');
    if (this.forceChange.has(username) && this.passwords.get(username) === password)
      throw new ChallengeRequiredError('NEW_PASSWORD_REQUIRED', `S-${username}-1`);
    if (this.passwords.get(username) !== password) throw new AuthFailedError('wrong username or password');
    if (this.mfa.has(username)) throw new ChallengeRequiredError('SOFTWARE_TOKEN_MFA', `S-${username}-2`);
    return this.tokens(username);
  }

  async refresh(): Promise<AuthTokens> {
    throw new AuthFailedError('not in these tests');
  }

  async respondToChallenge(
    challenge: SupportedChallenge,
    username: string,
    session: string,
    responses: ChallengeResponses,
  ): Promise<AuthTokens> {
    this.calls += 1;
    if (!this.reachable) throw new CognitoUnreachableError('unreachable');
    if (challenge === 'NEW_PASSWORD_REQUIRED') {
      if (session !== `S-${username}-1` || !('NEW_PASSWORD' in responses)) throw new AuthFailedError('bad session');
      this.passwords.set(username, responses.NEW_PASSWORD);
      this.forceChange.delete(username);
      if (this.mfa.has(username)) throw new ChallengeRequiredError('SOFTWARE_TOKEN_MFA', `S-${username}-2`);
      return this.tokens(username);
    }
    if (session !== `S-${username}-2` || !('SOFTWARE_TOKEN_MFA_CODE' in responses))
      throw new AuthFailedError('bad session');
    if (responses.SOFTWARE_TOKEN_MFA_CODE !== this.totp) throw new AuthFailedError('wrong or expired code');
    return this.tokens(username);
  }
}

interface Rig {
  dir: string;
  clock: { now: Date };
  cognito: FakeCognito;
  fetched: string[];
  open(over?: Partial<DeskConfig['auth']>): Desk;
  call(desk: Desk, channel: string, request?: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
}

const opened: Desk[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

function rig(): Rig {
  const dir = tempDir('jetway-offline-');
  const clock = { now: new Date('2026-12-02T08:00:00.000Z') };
  const cognito = new FakeCognito(() => clock.now);
  const fetched: string[] = [];
  return {
    dir,
    clock,
    cognito,
    fetched,
    open(over = {}) {
      const desk = createDesk({
        dataDir: dir,
        apiUrl: 'http://127.0.0.1:9',
        cognito: { region: 'us-east-1', clientId: 'x' },
        cognitoApi: cognito,
        // Every backend request is recorded and fails as a network error.
        fetch: (async (url: string | URL) => {
          fetched.push(String(url));
          throw new TypeError('fetch failed');
        }) as typeof fetch,
        sync: { backoff: { initialMs: 60_000, maxMs: 60_000 } },
        auth: { now: () => clock.now, ...over },
        log: () => undefined,
      });
      opened.push(desk);
      return desk;
    },
    call: (desk, channel, request = {}) => desk.dispatch(channel, request) as never,
  };
}

/** A desk that user `username` signed in to online, then restarted with Cognito unreachable. */
async function afterOnlineSignIn(r: Rig, username = 'agent.phx'): Promise<Desk> {
  const first = r.open();
  expect(await r.call(first, 'session:signIn', { username, password: PASSWORD })).toMatchObject({
    ok: true,
    value: { username, offline: false },
  });
  await first.close();
  opened.splice(opened.indexOf(first), 1);
  r.cognito.reachable = false;
  return r.open();
}

describe('offline sign-in', () => {
  it('stores a salted scrypt hash at online sign-in, never the password', async () => {
    const r = rig();
    const desk = r.open();
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    await r.call(desk, 'session:signIn', { username: 'super.phx', password: PASSWORD });
    const rows = desk.db
      .prepare('SELECT username, kdf, salt, hash, session FROM offline_credential ORDER BY username')
      .all() as { username: string; kdf: string; salt: Buffer; hash: Buffer; session: string }[];
    expect(rows.map((x) => x.username)).toEqual(['agent.phx', 'super.phx']);
    for (const row of rows) {
      expect(JSON.parse(row.kdf)).toEqual({ alg: 'scrypt', N: 32768, r: 8, p: 1, keyLen: 32 });
      expect(row.salt).toHaveLength(16);
      expect(row.hash).toHaveLength(32);
      expect(row.hash.toString('latin1')).not.toContain(PASSWORD);
      expect(row.session).not.toContain(PASSWORD);
      expect(JSON.parse(row.session)).not.toHaveProperty('idToken');
    }
    // Same password, different random salts → different hashes.
    expect(rows[0]!.salt.equals(rows[1]!.salt)).toBe(false);
    expect(rows[0]!.hash.equals(rows[1]!.hash)).toBe(false);
    // A new online sign-in re-salts.
    const before = rows[0]!.salt;
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    const after = desk.db
      .prepare(`SELECT salt FROM offline_credential WHERE username = 'agent.phx'`)
      .pluck()
      .get() as Buffer;
    expect(after.equals(before)).toBe(false);
    await desk.close();
    opened.length = 0;
    for (const f of fs.readdirSync(r.dir))
      expect(fs.readFileSync(path.join(r.dir, f)).includes(Buffer.from(PASSWORD)), f).toBe(false);
  });

  it('unlocks offline within the window after a restart, with the last session and offline: true', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r, 'super.phx');
    r.clock.now = new Date(r.clock.now.getTime() + 71 * HOUR);
    const calls = r.cognito.calls;
    const s = await r.call(desk, 'session:signIn', { username: 'super.phx', password: PASSWORD });
    expect(s).toEqual({
      ok: true,
      value: {
        username: 'super.phx',
        role: 'supervisor',
        groups: ['supervisor'],
        stations: ['PHX', 'OAK'],
        expiresAt: '2026-12-05T08:00:00.000Z',
        offline: true,
        locked: false,
      },
    });
    expect(r.cognito.calls).toBe(calls + 1); // Cognito was asked first
    expect(await r.call(desk, 'session:get')).toMatchObject({
      ok: true,
      value: { username: 'super.phx', offline: true },
    });
    expect(await r.call(desk, 'board:flights', { station: 'OAK' })).toMatchObject({ ok: true });
  });

  it('is refused after the window', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    r.clock.now = new Date(r.clock.now.getTime() + 72 * HOUR + 1000);
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('older than 72 h') },
    });
    expect(await r.call(desk, 'session:get')).toEqual({ ok: true, value: null });
  });

  it('takes its window from the config', async () => {
    const r = rig();
    await afterOnlineSignIn(r);
    const desk = r.open({ offlineWindowHours: 2 });
    r.clock.now = new Date(r.clock.now.getTime() + 2 * HOUR + 1000);
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('older than 2 h') },
    });
  });

  it('ends an offline session at the end of its window', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    r.clock.now = new Date(r.clock.now.getTime() + 71 * HOUR);
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    r.clock.now = new Date(r.clock.now.getTime() + 1 * HOUR + 1);
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a user who never signed in online here', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    expect(await r.call(desk, 'session:signIn', { username: 'super.phx', password: PASSWORD })).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('has not signed in online at this desk') },
    });
  });

  it('never falls back offline when Cognito refuses the password', async () => {
    const r = rig();
    const desk = r.open();
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    // Cognito reachable and the password changed there: the stored hash must not let the old one in.
    r.cognito.passwords.set('agent.phx', 'Changed-pass-2');
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: 'wrong username or password' },
    });
    // Network up: online sign-in goes to Cognito and gives an online session.
    const s = await r.call(desk, 'session:signIn', { username: 'agent.phx', password: 'Changed-pass-2' });
    expect(s).toMatchObject({ ok: true, value: { offline: false } });
  });

  it('refuses a wrong offline password and locks offline unlock after 5 tries, across a restart', async () => {
    const r = rig();
    let desk = await afterOnlineSignIn(r);
    for (let i = 1; i <= 4; i += 1)
      expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: `wrong-${i}` })).toEqual({
        ok: false,
        error: { code: 'AUTH_FAILED', message: 'wrong username or password' },
      });
    expect(await r.call(desk, 'session:get')).toEqual({ ok: true, value: null });
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: 'wrong-5' })).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('locked until 2026-12-02T08:30:00.000Z') },
    });
    // Even the right password is refused now, also after a restart.
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('locked until') },
    });
    await desk.close();
    opened.length = 0;
    desk = r.open();
    r.clock.now = new Date(r.clock.now.getTime() + 29 * 60_000);
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('locked until') },
    });
    r.clock.now = new Date(r.clock.now.getTime() + 2 * 60_000);
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: true,
      value: { offline: true },
    });
  });

  it('counts wrong tries in a row only: a right password resets the count', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 4; i += 1) await r.call(desk, 'session:signIn', { username: 'agent.phx', password: 'nope' });
      expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
        ok: true,
      });
    }
  });

  it('pushes and pulls nothing with an offline session: commands queue until an online sign-in', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    const cache = new CacheWriter(desk.db);
    desk.db.transaction(() => {
      for (const c of cancelledFlight(1)) cache.write(c);
    })();
    const caseId = desk.db.prepare('SELECT id FROM case_file LIMIT 1').pluck().get() as string;
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: true,
      value: { offline: true },
    });
    r.fetched.length = 0;
    expect(await r.call(desk, 'case:note', { caseId, text: 'offline note' })).toMatchObject({ ok: true });
    expect(await r.call(desk, 'sync:now')).toMatchObject({ ok: true, value: { online: false, pendingCommands: 1 } });
    await new Promise((res) => setTimeout(res, 200));
    expect(r.fetched).toEqual([]);
    expect(desk.engine.status().running).toBe(false);
    const envelope = JSON.parse(desk.db.prepare('SELECT envelope FROM outbox').pluck().get() as string);
    expect(envelope).toMatchObject({ type: 'addCaseNote', offline: true });
    // The network returns: an online sign-in (password again) starts the sync.
    r.cognito.reachable = true;
    expect(await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD })).toMatchObject({
      ok: true,
      value: { offline: false },
    });
    await new Promise((res) => setTimeout(res, 200));
    expect(r.fetched.some((u) => u.includes('/v1/sync/'))).toBe(true);
  });

  it('probes the backend for the "network is back" offer', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    expect(await r.call(desk, 'session:probe')).toEqual({ ok: true, value: { reachable: false } });
    expect(r.fetched.at(-1)).toBe('http://127.0.0.1:9/v1/health');
  });
});

describe('Cognito challenges (through the CognitoAuthApi seam)', () => {
  it('NEW_PASSWORD_REQUIRED: asks for a new password, answers it, and hashes the new one for offline use', async () => {
    const r = rig();
    const desk = r.open();
    expect(await r.call(desk, 'session:signIn', { username: 'new.agent', password: 'Temp-pass-1' })).toEqual({
      ok: true,
      value: { challenge: 'NEW_PASSWORD_REQUIRED', username: 'new.agent' },
    });
    expect(await r.call(desk, 'session:get')).toEqual({ ok: true, value: null });
    expect(
      await r.call(desk, 'session:respond', { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'short' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(
      await r.call(desk, 'session:respond', { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'Brand-new-pass-1' }),
    ).toMatchObject({ ok: true, value: { username: 'new.agent', role: 'agent', offline: false } });
    await desk.close();
    opened.length = 0;
    r.cognito.reachable = false;
    const again = r.open();
    expect(await r.call(again, 'session:signIn', { username: 'new.agent', password: 'Temp-pass-1' })).toMatchObject({
      ok: false,
    });
    expect(
      await r.call(again, 'session:signIn', { username: 'new.agent', password: 'Brand-new-pass-1' }),
    ).toMatchObject({
      ok: true,
      value: { offline: true },
    });
  });

  it('SOFTWARE_TOKEN_MFA: asks for the code; a wrong code is refused, the right one signs in', async () => {
    const r = rig();
    const desk = r.open();
    expect(await r.call(desk, 'session:signIn', { username: 'mfa.agent', password: PASSWORD })).toEqual({
      ok: true,
      value: { challenge: 'SOFTWARE_TOKEN_MFA', username: 'mfa.agent' },
    });
    expect(await r.call(desk, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: '12345' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await r.call(desk, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: '000000' })).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: 'wrong or expired code' },
    });
    expect(await r.call(desk, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' })).toMatchObject({
      ok: true,
      value: { username: 'mfa.agent', offline: false },
    });
  });

  it('refuses an answer with no pending challenge, and one older than 3 minutes', async () => {
    const r = rig();
    const desk = r.open();
    expect(await r.call(desk, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    await r.call(desk, 'session:signIn', { username: 'mfa.agent', password: PASSWORD });
    r.clock.now = new Date(r.clock.now.getTime() + 3 * 60_000 + 1);
    expect(await r.call(desk, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('expired') },
    });
  });
});

describe('idle lock', () => {
  async function signedIn(r: Rig, over: Partial<DeskConfig['auth']> = {}): Promise<Desk> {
    const desk = r.open(over);
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    return desk;
  }
  const minutes = (r: Rig, m: number): void => {
    r.clock.now = new Date(r.clock.now.getTime() + m * 60_000);
  };

  it('locks after 10 idle minutes: reads are refused, session:get says locked, the password unlocks', async () => {
    const r = rig();
    const desk = await signedIn(r);
    const events: unknown[] = [];
    desk.onEvent((e, p) => e === 'session:changed' && events.push(p));
    minutes(r, 9);
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({ ok: true });
    minutes(r, 1);
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await r.call(desk, 'session:get')).toMatchObject({
      ok: true,
      value: { username: 'agent.phx', locked: true },
    });
    expect(events).toEqual([expect.objectContaining({ username: 'agent.phx', locked: true })]);
    // Activity does not unlock.
    expect(await r.call(desk, 'session:activity')).toEqual({ ok: true, value: { locked: true } });
    expect(await r.call(desk, 'session:unlock', { password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    expect(await r.call(desk, 'session:unlock', { password: PASSWORD })).toMatchObject({
      ok: true,
      value: { username: 'agent.phx', locked: false },
    });
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({ ok: true });
  });

  it('activity postpones the lock', async () => {
    const r = rig();
    const desk = await signedIn(r);
    for (let i = 0; i < 5; i += 1) {
      minutes(r, 8);
      expect(await r.call(desk, 'session:activity')).toEqual({ ok: true, value: { locked: false } });
    }
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({ ok: true });
  });

  it('a command postpones the lock too (a desk driven through the RPC API only stays unlocked while it works)', async () => {
    const r = rig();
    const desk = await signedIn(r);
    const cache = new CacheWriter(desk.db);
    desk.db.transaction(() => {
      for (const c of cancelledFlight(1)) cache.write(c);
    })();
    const caseId = desk.db.prepare('SELECT id FROM case_file LIMIT 1').pluck().get() as string;
    minutes(r, 9);
    expect(await r.call(desk, 'case:note', { caseId, text: 'still here' })).toMatchObject({ ok: true });
    minutes(r, 9);
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({ ok: true });
    minutes(r, 1);
    // Reads do not count (the console refreshes by itself): 10 minutes after the command it locks.
    expect(await r.call(desk, 'board:flights', { station: 'PHX' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('takes its idle time from the config; 0 never locks', async () => {
    const r = rig();
    const desk = await signedIn(r, { idleLockMinutes: 2 });
    minutes(r, 2);
    expect(await r.call(desk, 'session:get')).toMatchObject({ value: { locked: true } });
    const r2 = rig();
    const never = await signedIn(r2, { idleLockMinutes: 0 });
    minutes(r2, 600);
    expect(await r2.call(never, 'session:get')).toMatchObject({ value: { locked: false } });
  });

  it('also unlocks an offline session, against the stored hash', async () => {
    const r = rig();
    const desk = await afterOnlineSignIn(r);
    await r.call(desk, 'session:signIn', { username: 'agent.phx', password: PASSWORD });
    minutes(r, 11);
    expect(await r.call(desk, 'session:get')).toMatchObject({ value: { offline: true, locked: true } });
    expect(await r.call(desk, 'session:unlock', { password: PASSWORD })).toMatchObject({
      ok: true,
      value: { offline: true, locked: false },
    });
  });

  it('signs the locked session out after too many wrong passwords', async () => {
    const r = rig();
    const desk = await signedIn(r);
    minutes(r, 10);
    for (let i = 0; i < 4; i += 1) await r.call(desk, 'session:unlock', { password: 'wrong' });
    expect(await r.call(desk, 'session:unlock', { password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.stringContaining('signed out') },
    });
    expect(await r.call(desk, 'session:get')).toEqual({ ok: true, value: null });
  });

  it('another user may sign the locked session out; its queued command stays in the outbox', async () => {
    const r = rig();
    const desk = await signedIn(r);
    const cache = new CacheWriter(desk.db);
    desk.db.transaction(() => {
      for (const c of cancelledFlight(1)) cache.write(c);
    })();
    const caseId = desk.db.prepare('SELECT id FROM case_file LIMIT 1').pluck().get() as string;
    expect(await r.call(desk, 'case:note', { caseId, text: 'before the lock' })).toMatchObject({ ok: true });
    minutes(r, 10);
    expect(await r.call(desk, 'session:signOut')).toEqual({ ok: true, value: { signedOut: true } });
    expect(await r.call(desk, 'session:get')).toEqual({ ok: true, value: null });
    expect(desk.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    expect(await r.call(desk, 'session:signIn', { username: 'super.phx', password: PASSWORD })).toMatchObject({
      ok: true,
      value: { username: 'super.phx', locked: false },
    });
  });
});

describe('auth settings from the environment', () => {
  it('reads JETWAY_OFFLINE_WINDOW_HOURS and JETWAY_IDLE_LOCK_MINUTES, and refuses bad values', () => {
    expect(readAuthEnv({})).toEqual({});
    expect(readAuthEnv({ JETWAY_OFFLINE_WINDOW_HOURS: '24', JETWAY_IDLE_LOCK_MINUTES: '0' })).toEqual({
      offlineWindowHours: 24,
      idleLockMinutes: 0,
    });
    expect(() => readAuthEnv({ JETWAY_OFFLINE_WINDOW_HOURS: 'soon' })).toThrow(/JETWAY_OFFLINE_WINDOW_HOURS/);
    expect(() => readAuthEnv({ JETWAY_IDLE_LOCK_MINUTES: '-5' })).toThrow(/JETWAY_IDLE_LOCK_MINUTES/);
  });
});

describe('cognitoAuthApi: what Cognito answers, through the real SDK client', () => {
  /** A stand-in HTTP endpoint answering InitiateAuth / RespondToAuthChallenge as Cognito's JSON protocol does. */
  async function endpoint(answer: (target: string, body: Record<string, unknown>) => [number, unknown]) {
    const seen: { target: string; body: Record<string, unknown> }[] = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        seen.push({ target, body });
        const [status, payload] = answer(target, body);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const api = cognitoAuthApi({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      clientId: 'client',
    });
    return { api, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('a challenge becomes ChallengeRequiredError with its session; the answer goes to RespondToAuthChallenge', async () => {
    const e = await endpoint((target) =>
      target.endsWith('InitiateAuth')
        ? [200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'cog-session-1', ChallengeParameters: {} }]
        : [200, { AuthenticationResult: { IdToken: 'id', AccessToken: 'acc', RefreshToken: 'ref' } }],
    );
    try {
      const err = await e.api.passwordAuth('new.agent', 'Temp-pass-1').catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ChallengeRequiredError);
      expect(err).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED', cognitoSession: 'cog-session-1' });
      const tokens = await e.api.respondToChallenge!('NEW_PASSWORD_REQUIRED', 'new.agent', 'cog-session-1', {
        NEW_PASSWORD: 'Brand-new-1',
      });
      expect(tokens).toEqual({ idToken: 'id', accessToken: 'acc', refreshToken: 'ref' });
      expect(e.seen[1]).toEqual({
        target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
        body: {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          ClientId: 'client',
          Session: 'cog-session-1',
          ChallengeResponses: { USERNAME: 'new.agent', NEW_PASSWORD: 'Brand-new-1' },
        },
      });
    } finally {
      await e.close();
    }
  });

  it.each([
    [400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }, AuthFailedError],
    [400, { __type: 'CodeMismatchException', message: 'Invalid code' }, AuthFailedError],
    [200, { ChallengeName: 'SMS_MFA', Session: 's', ChallengeParameters: {} }, AuthFailedError],
    [500, { __type: 'InternalErrorException', message: 'boom' }, CognitoUnreachableError],
  ])('HTTP %i %j → %s', async (status, payload, type) => {
    const e = await endpoint(() => [status, payload]);
    try {
      await expect(e.api.passwordAuth('agent.phx', PASSWORD)).rejects.toBeInstanceOf(type);
    } finally {
      await e.close();
    }
  });

  it('a closed port is CognitoUnreachableError (never a refusal)', async () => {
    const api = cognitoAuthApi({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', clientId: 'client' });
    await expect(api.passwordAuth('agent.phx', PASSWORD)).rejects.toBeInstanceOf(CognitoUnreachableError);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import { webKeyProvider } from '../../../src/main/db/keys.js';
import { startDeskServer, type DeskServer } from '../../../src/main/web/server.js';
import type { Channel, RpcResult } from '../../../src/shared/rpc/contract.js';
import { cancelledFlight, tempDir } from '../../unit/desk/helpers/factories.js';
import { startDeskOnFakeBackend } from './fake-desk-server.js';
import { startFakeBackend, type FakeBackend } from '../../unit/desk/helpers/fake-backend.js';

// Real: cognito-local (helper B's service), the desk server, SQLite, the WebSocket transport.
// FAKE: the sync backend (test/unit/desk/helpers/fake-backend.ts, protocol only); it accepts
// any token, since the point here is the desk side. The real backend is covered by the e2e.

let cognito: CognitoLocal;
let fake: FakeBackend;
let server: DeskServer;

/**
 * A minimal RPC client over the desk's WebSocket: by default with the server's token and its
 * exact Origin, as the renderer opened from the printed URL does.
 */
async function connect(s: DeskServer, opts: { rpcUrl?: string; origin?: string | null } = {}) {
  const origin = opts.origin === undefined ? s.origin : opts.origin;
  const ws = new WebSocket(opts.rpcUrl ?? s.rpcUrl, origin === null ? {} : { origin });
  const events: { event: string; payload: unknown }[] = [];
  const pending = new Map<number, (r: RpcResult<unknown>) => void>();
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw)) as {
      type: string;
      id?: number;
      result?: RpcResult<unknown>;
      event?: string;
      payload?: unknown;
    };
    if (f.type === 'reply') pending.get(f.id!)?.(f.result!);
    else events.push({ event: f.event!, payload: f.payload });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  return {
    events,
    raw: ws,
    call(channel: Channel | string, request: unknown = {}): Promise<RpcResult<unknown>> {
      const i = ++id;
      return new Promise((resolve) => {
        pending.set(i, resolve);
        ws.send(JSON.stringify({ type: 'call', id: i, channel, request }));
      });
    },
    close: () => ws.close(),
  };
}

beforeAll(async () => {
  cognito = await startCognitoLocal();
  fake = await startFakeBackend();
  fake.commit(['PHX', 'OAK'], cancelledFlight(3));
  server = await startDeskOnFakeBackend(fake.apiUrl, cognito);
});

afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  await cognito?.stop();
});

describe('desk server (web mode)', () => {
  it('refuses calls before sign-in and rejects a wrong password with AUTH_FAILED', async () => {
    const c = await connect(server);
    expect(await c.call('board:flights', { station: 'PHX' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await c.call('session:signIn', { username: 'agent.phx', password: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    expect(await c.call('session:get')).toEqual({ ok: true, value: null });
    c.close();
  });

  it('signs in against cognito-local, syncs the station and answers the board, flight and case calls', async () => {
    const c = await connect(server);
    const signed = await c.call('session:signIn', { username: 'super.phx', password: 'Jetway-demo-1' });
    expect(signed).toMatchObject({
      ok: true,
      value: { username: 'super.phx', role: 'supervisor', stations: ['PHX', 'OAK'] },
    });
    const board = await waitFor(async () => {
      const r = (await c.call('board:flights', { station: 'PHX' })) as RpcResult<{ counts: { cancelled: number } }>;
      return r.ok && r.value.counts.cancelled === 1 ? r.value : null;
    });
    expect(board.counts).toEqual({ total: 1, disrupted: 1, cancelled: 1, delayed: 0 });
    const pax = (await c.call('flight:passengers', { flightId: 'SW9012-2026-11-24' })) as RpcResult<{
      counts: unknown;
      rows: { case: { id: string } }[];
    }>;
    expect(pax).toMatchObject({ ok: true, value: { counts: { passengers: 3, cases: 3, issued: 0 } } });
    expect(await c.call('board:flights', { station: 'LHR' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const status = (await c.call('sync:status')) as RpcResult<{ stations: { station: string }[]; online: boolean }>;
    expect(status.ok && status.value.stations.map((s) => s.station).sort()).toEqual(['OAK', 'PHX']);
    expect(c.events.some((e) => e.event === 'data:changed')).toBe(true);
    c.close();
  });

  it.each([
    ['unknown channel', 'fs:readFile', { path: '/etc/passwd' }, 'UNKNOWN_CHANNEL'],
    ['missing field', 'session:signIn', { username: 'agent.phx' }, 'BAD_REQUEST'],
    ['wrong type', 'board:flights', { station: 42 }, 'BAD_REQUEST'],
    ['bad station code', 'board:flights', { station: 'phx; DROP TABLE flight' }, 'BAD_REQUEST'],
    ['extra keys on an empty request', 'sync:status', { admin: true }, 'BAD_REQUEST'],
  ])('signed in, validates every argument: %s → %s', async (_name, channel, request, code) => {
    const c = await connect(server);
    const r = await c.call(channel, request);
    c.close();
    expect(r).toMatchObject({ ok: false, error: { code } });
  });

  it('issues an entitlement: pending at once, synced after the round trip, CONFLICT on a second issue', async () => {
    const c = await connect(server);
    const ent = `CASE-SW9012-2026-11-24-P002/goodwill/meal/day1`;
    const first = await c.call('entitlement:issue', { entitlementId: ent });
    expect(first).toMatchObject({ ok: true, value: { syncState: 'pending' } });
    const again = await c.call('entitlement:issue', { entitlementId: ent });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const view = await waitFor(async () => {
      const r = (await c.call('case:get', { caseId: 'CASE-SW9012-2026-11-24-P002' })) as RpcResult<{
        entitlements: { syncState: string; voucherSerial: string | null }[];
      }>;
      return r.ok && r.value.entitlements[0]?.syncState === 'synced' ? r.value : null;
    });
    expect(view.entitlements[0]?.voucherSerial).toMatch(/^V-/);
    expect(fake.pushed.filter((p) => p.status === 'applied')).toHaveLength(1);
    expect(await c.call('entitlement:issue', { entitlementId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    c.close();
  });

  it('finds passengers by PNR and by name prefix', async () => {
    const c = await connect(server);
    const byPnr = (await c.call('passenger:search', { query: 'pnr003' })) as RpcResult<{
      hits: { passenger: { id: string } }[];
    }>;
    expect(byPnr.ok && byPnr.value.hits.map((h) => h.passenger.id)).toEqual(['P003']);
    const byName = (await c.call('passenger:search', { query: 'Ann Last00' })) as RpcResult<{ hits: unknown[] }>;
    expect(byName.ok && byName.value.hits).toHaveLength(3);
    c.close();
  });

  it('prints a URL carrying a random per-launch token and names its exact origin', () => {
    expect(server.url).toBe(`${server.origin}/?t=${server.token}`);
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
  });

  it.each<[string, () => string, () => string | null | undefined, RegExp]>([
    ['no token', () => `${server.origin.replace('http', 'ws')}/rpc`, () => undefined, /401/],
    ['an empty token', () => `${server.origin.replace('http', 'ws')}/rpc?t=`, () => undefined, /401/],
    [
      'a wrong token',
      () => server.rpcUrl.replace(/t=./, (m) => (m.endsWith('A') ? 't=B' : 't=A')),
      () => undefined,
      /401/,
    ],
    ['a token prefix', () => server.rpcUrl.slice(0, -1), () => undefined, /401/],
    ['no Origin', () => server.rpcUrl, () => null, /403/],
    ['another origin', () => server.rpcUrl, () => 'https://evil.example', /403/],
    [
      'localhost instead of the printed host',
      () => server.rpcUrl,
      () => server.origin.replace('127.0.0.1', 'localhost'),
      /403/,
    ],
    ['the origin with a trailing slash', () => server.rpcUrl, () => `${server.origin}/`, /403/],
  ])('refuses a WebSocket with %s', async (_name, rpcUrl, origin, status) => {
    const o = origin();
    await expect(connect(server, { rpcUrl: rpcUrl(), ...(o === undefined ? {} : { origin: o }) })).rejects.toThrow(
      status,
    );
  });

  it("a second desk server on the same machine has its own token: the first one's is refused", async () => {
    const dataDir = path.join(tempDir(), 'desk2');
    const other = await startDeskServer({
      dataDir,
      keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
      apiUrl: fake.apiUrl,
      cognito,
      rendererDir: tempDir(),
      log: () => undefined,
    });
    try {
      expect(other.token).not.toBe(server.token);
      const borrowed = other.rpcUrl.replace(other.token, server.token);
      await expect(connect(other, { rpcUrl: borrowed })).rejects.toThrow(/401/);
      const ok = await connect(other);
      expect(await ok.call('session:get')).toEqual({ ok: true, value: null });
      ok.close();
    } finally {
      await other.stop();
    }
  });

  it('does not serve files outside the renderer folder', async () => {
    const r = await fetch(`${server.origin}/..%2f..%2fpackage.json`);
    expect([403, 503]).toContain(r.status);
    expect(await r.text()).not.toContain('"name"');
  });
});

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

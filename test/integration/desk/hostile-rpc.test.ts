import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import { webKeyProvider } from '../../../src/main/db/keys.js';
import { PUBLIC_CHANNELS } from '../../../src/main/rpc/dispatch.js';
import { startDeskServer, type DeskServer } from '../../../src/main/web/server.js';
import { contract, type RpcResult } from '../../../src/shared/rpc/contract.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { startFakeBackend, TOKEN, type FakeBackend } from '../../unit/desk/helpers/fake-backend.js';

// Real: cognito-local, the desk server, SQLite, the WebSocket transport. FAKE: the sync backend
// (protocol only), as in web-server.test.ts. Hostile frames that test does not send.

let cognito: CognitoLocal;
let fake: FakeBackend;
let server: DeskServer;
/** The renderer folder, with a sibling whose name starts with the same characters. */
const webRoot = tempDir();
const rendererDir = path.join(webRoot, 'renderer');
fs.mkdirSync(rendererDir);
fs.mkdirSync(path.join(webRoot, 'renderer-secret'));
fs.writeFileSync(path.join(webRoot, 'renderer-secret', 'secret.txt'), 'TOP-SECRET');

beforeAll(async () => {
  cognito = await startCognitoLocal();
  fake = await startFakeBackend();
  const dataDir = path.join(tempDir(), 'desk');
  server = await startDeskServer({
    dataDir,
    keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
    apiUrl: fake.apiUrl,
    cognito,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
      }),
    rendererDir,
    sync: { waitSeconds: 2, minPollIntervalMs: 100 },
    log: () => undefined,
  });
});
afterAll(async () => {
  await server?.stop();
  await fake?.stop();
  await cognito?.stop();
});

async function open(): Promise<WebSocket> {
  const ws = new WebSocket(server.rpcUrl, { origin: server.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Sends one raw frame; resolves with the first reply frame or the close code. */
function exchange(
  ws: WebSocket,
  data: string | Buffer,
  binary = false,
): Promise<{ reply?: { id: unknown; result: RpcResult<unknown> }; close?: number }> {
  return new Promise((resolve) => {
    ws.once('message', (raw) =>
      resolve({ reply: JSON.parse(String(raw)) as { id: unknown; result: RpcResult<unknown> } }),
    );
    ws.once('close', (code) => resolve({ close: code }));
    ws.on('error', () => undefined); // the server may close mid-send
    ws.send(data, { binary });
  });
}

/** The server still answers a fresh connection (it did not crash or wedge). */
async function stillServes(): Promise<void> {
  const ws = await open();
  const r = await exchange(ws, JSON.stringify({ type: 'call', id: 1, channel: 'session:get', request: {} }));
  ws.close();
  expect(r.reply?.result).toEqual({ ok: true, value: null });
}

describe('desk RPC over WebSocket with hostile frames', () => {
  it.each([
    [
      'a frame over the 1 MB limit',
      () =>
        JSON.stringify({ type: 'call', id: 1, channel: 'session:get', request: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
      false,
      1009,
    ],
    ['a text frame that is not UTF-8', () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false, 1007],
    ['not JSON', () => '{"type":"call",', false, 1003],
    ['a JSON array', () => '[1,2,3]', false, 1003],
    ['a reply frame from the client', () => JSON.stringify({ type: 'reply', id: 1, result: {} }), false, 1003],
    [
      'a fractional id',
      () => JSON.stringify({ type: 'call', id: 1.5, channel: 'session:get', request: {} }),
      false,
      1003,
    ],
    ['binary junk', () => Buffer.from([0x00, 0x01, 0x02, 0xff]), true, 1003],
  ])('%s closes that socket only; the server goes on', async (_name, make, binary, code) => {
    const ws = await open();
    const r = await exchange(ws, make(), binary);
    expect(r.close).toBe(code);
    await stillServes();
  });

  it.each([
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['a 100,000-character name', 'x'.repeat(100_000)],
  ])('channel %s is UNKNOWN_CHANNEL with a short message', async (_name, channel) => {
    const code = 'UNKNOWN_CHANNEL';
    const ws = await open();
    const r = await exchange(ws, JSON.stringify({ type: 'call', id: 7, channel, request: {} }));
    ws.close();
    expect(r.reply?.id).toBe(7);
    expect(r.reply?.result).toMatchObject({ ok: false, error: { code } });
    expect(JSON.stringify(r.reply).length).toBeLessThan(1000);
  });

  it('answers a JSON call sent as a binary frame like a text one', async () => {
    const ws = await open();
    const r = await exchange(
      ws,
      Buffer.from(JSON.stringify({ type: 'call', id: 3, channel: 'session:get', request: {} })),
      true,
    );
    ws.close();
    expect(r.reply).toMatchObject({ id: 3, result: { ok: true, value: null } });
  });

  it.each([
    ['board:flights', { station: 'PHX' }],
    ['entitlement:issue', { entitlementId: 'E1', expectedVersion: 1 }],
    ['sync:now', {}],
  ])('before sign-in, %s is refused (UNAUTHENTICATED or BAD_REQUEST), never INTERNAL', async (channel, request) => {
    const ws = await open();
    const r = await exchange(ws, JSON.stringify({ type: 'call', id: 9, channel, request }));
    ws.close();
    expect(r.reply?.result.ok).toBe(false);
    if (r.reply && !r.reply.result.ok) expect(['UNAUTHENTICATED', 'BAD_REQUEST']).toContain(r.reply.result.error.code);
  });

  const privateChannels = Object.keys(contract).filter((c) => !PUBLIC_CHANNELS.has(c));
  it.each(privateChannels)(
    'before sign-in, %s is UNAUTHENTICATED whatever its request (checked before the schema)',
    async (channel) => {
      const ws = await open();
      for (const [id, request] of [
        [1, {}],
        [2, { station: 'PHX', caseId: 'CASE-1', flightId: 'SW1-2026-01-01', query: 'x' }],
      ] as const) {
        const r = await exchange(ws, JSON.stringify({ type: 'call', id, channel, request }));
        expect(r.reply?.result).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'sign in first' } });
      }
      ws.close();
    },
  );

  it("before sign-in, the sign-in screen's calls answer: session:get, sync:status (no station)", async () => {
    expect(privateChannels).toContain('attention:list');
    expect(privateChannels.length).toBeGreaterThan(15);
    const ws = await open();
    expect(
      (await exchange(ws, JSON.stringify({ type: 'call', id: 1, channel: 'session:get', request: {} }))).reply?.result,
    ).toEqual({ ok: true, value: null });
    const status = (await exchange(ws, JSON.stringify({ type: 'call', id: 2, channel: 'sync:status', request: {} })))
      .reply?.result;
    expect(status).toMatchObject({ ok: true, value: { signedIn: false, stations: [] } });
    ws.close();
  });

  it('a __proto__ key in a request neither pollutes nor crashes', async () => {
    const ws = await open();
    const r = await exchange(
      ws,
      '{"type":"call","id":4,"channel":"session:signIn","request":{"__proto__":{"polluted":true},"username":"agent.phx","password":"nope"}}',
    );
    ws.close();
    expect(r.reply?.result).toMatchObject({ ok: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('desk static files', () => {
  it.each([
    '/..%2frenderer-secret%2fsecret.txt',
    '/%2e%2e/renderer-secret/secret.txt',
    '/..%5crenderer-secret%5csecret.txt',
  ])('%s does not reach a sibling folder', async (p) => {
    const r = await fetch(`${server.origin}${p}`);
    expect(await r.text()).not.toContain('TOP-SECRET');
    expect(r.status).toBeGreaterThanOrEqual(400);
  });
});

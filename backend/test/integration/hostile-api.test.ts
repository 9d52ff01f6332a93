import { connect } from 'node:net';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId } from '../../../src/shared/domain/index.js';
import { readHead } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { seedDemoData } from '../../src/data/seed.js';
import type { BackendApp } from '../../src/local/app.js';
import { scanCount as countItems } from '../helpers/scan.js';
import { apiClient, issueCommand } from '../helpers/api.js';
import { signPushBody } from '../helpers/desk-signing.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { idToken, startApp, startServices, type Services } from '../helpers/stack.js';

/** Hostile HTTP requests not covered by api.test.ts: a clear 4xx JSON error, no leaked internals, nothing written. */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
const tokens: Record<string, string> = {};
const flight = fpInstance('SW9012');
const STATIONS = ['PHX', 'OAK', 'DAL'];

const scanCount = (prefix: string): Promise<number> => countItems(ctx, prefix);
const snapshot = async () => ({
  cmds: await scanCount('CMD#'),
  heads: await Promise.all(STATIONS.map((st) => readHead(ctx, st))),
});

beforeAll(async () => {
  s = await startServices({ cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  await seedDemoData(ctx, flightpulseData());
  app = await startApp(s, prefix, { ingest: false });
  api = apiClient(app.apiUrl);
  for (const u of ['agent.phx', 'agent.dal']) tokens[u] = await idToken(s, u);
});
afterAll(async () => {
  await app?.stop();
  await s?.stop();
});

/** One HTTP/1.1 GET with a raw header line; resolves with the status and body, rejects when no HTTP answer comes. */
function rawGet(baseUrl: string, path: string, headerLine: Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    sock.setTimeout(10_000, () => sock.destroy(new Error('no answer in 10 s')));
    sock.on('connect', () => {
      sock.write(
        Buffer.concat([
          Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n`),
          headerLine,
          Buffer.from('\r\n\r\n'),
        ]),
      );
    });
    sock.on('data', (c: Buffer) => chunks.push(c));
    const answer = (): { status: number; body: string } | null => {
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      return m ? { status: Number(m[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) } : null;
    };
    // node:http answers an oversized header (431) and resets the connection while the client is still
    // writing it (Node 24 does so reliably): the answer already read counts, a reset without one does not.
    sock.on('error', (err) => {
      const a = answer();
      if (a) resolve(a);
      else reject(err);
    });
    sock.on('close', () => {
      const a = answer();
      if (!a) return reject(new Error(`no HTTP answer: ${JSON.stringify(Buffer.concat(chunks).toString('utf8').slice(0, 80))}`));
      resolve(a);
    });
  });
}

const cmd = (over: Record<string, unknown> = {}) => ({
  ...issueCommand({
    entitlementId: `${caseId(flight, 'GX0001')}/goodwill/meal/EVENT`,
    version: 1,
    station: 'PHX',
    deskId: 'd',
  }),
  ...over,
});

describe('POST /v1/sync/push with hostile bodies', () => {
  const dup = ulid();
  it.each([
    ['a JSON array', [cmd()], 400, 'validation_failed'],
    ['a JSON number', 42, 400, 'validation_failed'],
    ['JSON null', 'null', 400, 'validation_failed'],
    ['__proto__ at the root', `{"__proto__":{"commands":[${JSON.stringify(cmd())}]}}`, 400, 'validation_failed'],
    ['a fullwidth station (unicode lookalike)', { commands: [cmd({ station: 'ＰＨＸ' })] }, 400, 'validation_failed'],
    ['negative expected version', { commands: [cmd({ expectedVersions: { a: -1 } })] }, 400, 'validation_failed'],
    [
      'duplicate commandIds with different content in one batch',
      { commands: [cmd({ commandId: dup }), cmd({ commandId: dup, deskId: 'other' })] },
      400,
      'validation_failed',
    ],
  ] as const)('%s', async (_name, body, status, code) => {
    const before = await snapshot();
    const r = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: body as string | object });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: { code } });
    expect(await snapshot()).toEqual(before);
  });

  it('a command for another station in a batch is refused alone (FORBIDDEN_STATION); the others are answered on their own merits', async () => {
    const a = cmd();
    const b = cmd({ station: 'DAL' });
    const dalHead = await readHead(ctx, 'DAL');
    const r = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [a, b] } });
    expect(r.status).toBe(200);
    // No cancellation was ingested in this suite: the entitlement does not exist.
    expect(r.json).toEqual({
      results: [
        expect.objectContaining({ commandId: a.commandId, status: 'rejected', code: 'NOT_FOUND' }),
        expect.objectContaining({ commandId: b.commandId, status: 'rejected', code: 'FORBIDDEN_STATION' }),
      ],
    });
    // DAL's log is untouched: the refusal is not written to a log of a station the user cannot read.
    expect(await readHead(ctx, 'DAL')).toBe(dalHead);
  });

  it('an entitlement id too long for a DynamoDB key is a committed INVALID_PAYLOAD rejection, never looked up', async () => {
    // DynamoDB Local accepts oversized keys; AWS answers ValidationException (a 500), so the bound is asserted.
    const c = cmd({ payload: { entitlementId: 'E'.repeat(5000), voucherSerial: null } });
    const r = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [c] } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      results: [expect.objectContaining({ commandId: c.commandId, status: 'rejected', code: 'INVALID_PAYLOAD' })],
    });
    expect(r.text).not.toContain('EEEEEEEE');
  });

  it.each([
    ['a lone surrogate in deskId', '{"deskId":"\\ud800"}'],
    ['a lone surrogate in the entitlement id', '{"payload":{"entitlementId":"\\udfff","voucherSerial":null}}'],
    ['a NUL and a right-to-left override in deskId', '{"deskId":"a\\u0000\\u202eb"}'],
  ])('%s is answered, never a 500', async (_name, over) => {
    const c = { ...cmd(), ...(JSON.parse(over) as Record<string, unknown>) };
    const r = await api.call('POST', '/v1/sync/push', { token: tokens['agent.phx'], body: { commands: [c] } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ results: [expect.objectContaining({ commandId: c.commandId, status: 'rejected' })] });
  });

  it('a huge expectedVersions map is refused before anything is written', async () => {
    const before = await snapshot();
    const expectedVersions = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`entitlement:${i}`, i]));
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: { commands: [cmd({ expectedVersions })] },
    });
    expect(r.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['text/plain (a bare fetch)', 'text/plain;charset=UTF-8', 415, 'unsupported_media_type'],
    ['multipart', 'multipart/form-data; boundary=x', 415, 'unsupported_media_type'],
  ])('content-type %s → %i', async (_name, type, status, code) => {
    const before = await snapshot();
    const res = await fetch(`${app.apiUrl}/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['agent.dal']!}`, 'content-type': type },
      body: JSON.stringify({ commands: [cmd()] }),
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(await snapshot()).toEqual(before);
  });

  it('JSON with a charset is read as JSON (agent.dal: the PHX command is a committed FORBIDDEN_STATION)', async () => {
    const c = cmd();
    const res = await fetch(`${app.apiUrl}/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['agent.dal']!}`, 'content-type': 'application/json; charset=utf-8' },
      // Signed by an enrolled desk for agent.dal (else BAD_SIGNATURE comes first).
      body: JSON.stringify(await signPushBody(app.apiUrl, tokens['agent.dal']!, { commands: [c] })),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [expect.objectContaining({ commandId: c.commandId, status: 'rejected', code: 'FORBIDDEN_STATION' })],
    });
  });

  it('a 10 MB body is 413 JSON', async () => {
    const r = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx'],
      body: 'x'.repeat(10 * 1024 * 1024),
    });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});

describe('GET /v1/sync/pull with hostile query strings and headers', () => {
  it.each([
    ['negative cursor', 'station=PHX&cursor=-1', 400],
    ['NaN cursor', 'station=PHX&cursor=NaN', 400],
    ['cursor beyond safe integers', 'station=PHX&cursor=99999999999999999999', 400],
    ['huge limit', 'station=PHX&limit=1000000', 400],
    ['wait=1e9', 'station=PHX&wait=1e9', 400],
    ['repeated station', 'station=PHX&station=DAL', 400],
    ['repeated cursor', 'station=PHX&cursor=1&cursor=2', 400],
    ['no station', 'cursor=0', 400],
    ['lower-case station', 'station=phx', 400],
    ['__proto__ and constructor params', '__proto__=x&constructor=y&hasOwnProperty=z&toString=w&station=P%C3%BCX', 400],
  ])('%s is a 4xx JSON error', async (_name, qs, status) => {
    const r = await api.call('GET', `/v1/sync/pull?${qs}`, { token: tokens['agent.phx'] });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('Object.prototype names as query params do not disturb a valid pull', async () => {
    const r = await api.call(
      'GET',
      '/v1/sync/pull?__proto__=x&constructor=y&hasOwnProperty=z&toString=w&valueOf=v&station=PHX',
      { token: tokens['agent.phx'] },
    );
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ station: 'PHX', resync: false });
  });

  it.each([
    ['no scheme', (t: string) => t],
    ['Basic scheme', (t: string) => `Basic ${t}`],
    ['two tokens', (t: string) => `Bearer ${t} ${t}`],
    ['empty bearer', () => 'Bearer '],
    ['garbage', () => 'Bearer \u0000\u202e<script>'],
    ['a 64 KB token', () => `Bearer ${'a'.repeat(64 * 1024)}`],
  ])('malformed Authorization (%s) → 401 JSON', async (_name, make) => {
    // Sent as raw bytes (fetch refuses NUL and non-Latin-1 header values on the client side), and a
    // failed request fails the test (no early return): every malformed header gets an HTTP answer.
    const res = await rawGet(app.apiUrl, '/v1/me', Buffer.from(`Authorization: ${make(tokens['agent.phx']!)}`, 'utf8'));
    // A header node:http refuses outright (400 bad characters, 431 too large) is fine too: the point is no 500.
    expect([400, 401, 431]).toContain(res.status);
    // (the body may be chunked: look for the error code in it)
    if (res.status === 401) expect(res.body).toMatch(/"error":\{"code":"unauthorized"/);
  });
});

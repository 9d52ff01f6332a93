import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import {
  electronKeyProvider,
  osKeyStoreUsable,
  webKeyProvider,
  type SafeStorageLike,
} from '../../../src/main/db/keys.js';
import { MIGRATIONS } from '../../../src/main/db/migrations/index.js';
import { DatabaseKeyError, migrate, noKey, openDatabase, type KeyProvider } from '../../../src/main/db/open.js';
import { exportOutbox, verifyOutboxExport } from '../../../src/main/db/outbox-export.js';
import { createDesk, type Desk } from '../../../src/main/services.js';
import { startDeskServer } from '../../../src/main/web/server.js';
import type { RpcResult } from '../../../src/shared/rpc/contract.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { cancelledFlight, tempDir } from '../../unit/desk/helpers/factories.js';
import { startFakeBackend, TOKEN, type FakeBackend } from '../../unit/desk/helpers/fake-backend.js';

// Real: cognito-local, the desk (composition root and web server), SQLite with SQLCipher, the
// sync path that writes the data. FAKE: the sync backend (protocol only, as in web-server.test.ts)
// and Electron's safeStorage (an object with the same four methods; Electron cannot run here).

/** Distinctive passenger names, written through the sync path and searched for in the files. */
const FIRST = 'Belvedere';
const LAST = ['Quixotica', 'Zanzibarre', 'Oleandrova'];
const FLIGHT = 'SW9012-2026-11-24';

function seed(): Change[] {
  let n = 0;
  return cancelledFlight(3, FLIGHT).map((c) => {
    if (c.kind !== 'passenger' || c.op !== 'put') return c;
    return { ...c, data: { ...c.data, firstName: FIRST, lastName: LAST[n++ % LAST.length] } };
  });
}

/** Every name of the seed, read back from the data written (not from the constants). */
const seededNames = (changes: Change[]): string[] =>
  changes.flatMap((c) =>
    c.kind === 'passenger' && c.op === 'put' && c.data ? [String(c.data.firstName), String(c.data.lastName)] : [],
  );

/** Files of a data dir (recursively) in which any needle appears, case-insensitively, in UTF-8 or UTF-16. */
function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = fs.readFileSync(file);
    const utf8 = bytes.toString('latin1').toLowerCase();
    const utf16 = bytes.toString('utf16le').toLowerCase();
    const utf16odd = bytes.subarray(1).toString('utf16le').toLowerCase();
    if (needles.some((n) => [utf8, utf16, utf16odd].some((t) => t.includes(n.toLowerCase()))))
      hits.push(path.relative(dir, file));
  }
  return hits;
}

/** Electron's safeStorage, faked: AES-GCM under a per-fake key, with a chosen Linux backend. */
function fakeSafeStorage(backend: string, available = true) {
  const k = crypto.randomBytes(32);
  const calls = { encrypt: 0, decrypt: 0 };
  const ss: SafeStorageLike = {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      calls.encrypt++;
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf) {
      calls.decrypt++;
      const d = crypto.createDecipheriv('aes-256-gcm', k, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
  return { ss, calls };
}

let cognito: CognitoLocal;
let fake: FakeBackend;
const changes = seed();
const names = seededNames(changes);
const fetchWithFakeToken: typeof fetch = (input, init) =>
  fetch(input, {
    ...init,
    headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
  });

beforeAll(async () => {
  cognito = await startCognitoLocal();
  fake = await startFakeBackend();
  fake.commit(['PHX', 'OAK'], changes);
});
afterAll(async () => {
  await fake?.stop();
  await cognito?.stop();
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

/**
 * Signs in through the desk's dispatch, waits until the seeded passengers are searchable (the
 * sync path wrote them), queues one command (outbox), then writes a migration backup through
 * the real `migrate` (VACUUM INTO) so a `.bak` exists too.
 */
async function fillDesk(dispatch: Desk['dispatch'], db: Desk['db'], dataDir: string): Promise<void> {
  expect(await dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })).toMatchObject({
    ok: true,
  });
  await waitFor(async () => {
    const r = (await dispatch('passenger:search', { query: LAST[0]! })) as RpcResult<{ hits: unknown[] }>;
    return r.ok && r.value.hits.length > 0 ? true : null;
  });
  const issue = await dispatch('entitlement:issue', { entitlementId: `CASE-${FLIGHT}-P002/goodwill/meal/day1` });
  expect(issue).toMatchObject({ ok: true });
  const latest = MIGRATIONS.at(-1)!.version;
  migrate(db, path.join(dataDir, 'desk.db'), [{ version: latest + 1, name: 'test-noop', up: () => undefined }]);
  expect(fs.existsSync(path.join(dataDir, `desk.db.v${latest}.bak`))).toBe(true);
}

describe('no seeded passenger name in plaintext in any desk file', () => {
  it('control: the scan finds the names in an unencrypted desk (the check can fail)', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const desk = createDesk({
      dataDir,
      apiUrl: fake.apiUrl,
      cognito,
      fetch: fetchWithFakeToken,
      keyProvider: noKey,
      log: () => undefined,
    });
    try {
      expect(names).toEqual(expect.arrayContaining([FIRST, ...LAST]));
      await fillDesk(desk.dispatch, desk.db, dataDir);
      const hits = filesContaining(dataDir, names);
      expect(hits).toContain('desk.db-wal');
      expect(hits.some((f) => f.endsWith('.bak'))).toBe(true);
    } finally {
      await desk.close();
    }
  });

  it('Electron mode, OS key store (fake safeStorage, libsecret): desk.db, -wal, -shm, .bak', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const { ss, calls } = fakeSafeStorage('gnome_libsecret');
    const keyProvider = electronKeyProvider({ dir: dataDir, safeStorage: ss, platform: 'linux', secret: () => null });
    const desk = createDesk({
      dataDir,
      apiUrl: fake.apiUrl,
      cognito,
      fetch: fetchWithFakeToken,
      keyProvider,
      log: () => undefined,
    });
    try {
      await fillDesk(desk.dispatch, desk.db, dataDir);
      const files = fs.readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['desk.db', 'desk.db-wal', 'desk.db-shm', 'desk.key']));
      expect(files.some((f) => f.endsWith('.bak'))).toBe(true);
      expect(filesContaining(dataDir, names)).toEqual([]);
      expect(calls.encrypt).toBe(1); // the key was wrapped by the OS store …
    } finally {
      await desk.close();
    }
    expect(filesContaining(dataDir, names)).toEqual([]);
    // … the wrapped file is not the key, and the data opens again only through the store.
    const key = keyProvider.getKey()!;
    expect(fs.readFileSync(path.join(dataDir, 'desk.key')).toString('latin1')).not.toContain(key.slice(2, 40));
    const again = openDatabase(path.join(dataDir, 'desk.db'), { keyProvider });
    expect(again.prepare('SELECT count(*) FROM passenger').pluck().get()).toBe(3);
    again.close();
    expect(() => openDatabase(path.join(dataDir, 'desk.db'))).toThrow(DatabaseKeyError);
  });

  it('Electron mode, Linux basic_text: safeStorage is not used; the key comes from the desk secret', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const { ss, calls } = fakeSafeStorage('basic_text');
    const keyProvider = electronKeyProvider({
      dir: dataDir,
      safeStorage: ss,
      platform: 'linux',
      secret: () => 'desk secret at enrolment',
    });
    const desk = createDesk({
      dataDir,
      apiUrl: fake.apiUrl,
      cognito,
      fetch: fetchWithFakeToken,
      keyProvider,
      log: () => undefined,
    });
    try {
      await fillDesk(desk.dispatch, desk.db, dataDir);
      expect(filesContaining(dataDir, names)).toEqual([]);
    } finally {
      await desk.close();
    }
    expect(calls).toEqual({ encrypt: 0, decrypt: 0 });
    expect(fs.existsSync(path.join(dataDir, 'desk.key'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'desk.keyinfo.json'), 'utf8'))).toMatchObject({
      method: 'secret',
    });
    // Another secret is a wrong key: a clear error, not SQLITE_NOTADB.
    const wrong = electronKeyProvider({
      dir: dataDir,
      safeStorage: ss,
      platform: 'linux',
      secret: () => 'another secret!',
    });
    expect(() => openDatabase(path.join(dataDir, 'desk.db'), { keyProvider: wrong })).toThrow(DatabaseKeyError);
  });

  it('web mode (desk server, generated secret file): desk.db, -wal, -shm, .bak', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const server = await startDeskServer({
      dataDir,
      keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
      apiUrl: fake.apiUrl,
      cognito,
      fetch: fetchWithFakeToken,
      rendererDir: tempDir(),
      log: () => undefined,
    });
    try {
      // Through the WebSocket, as the renderer does.
      const ws = new WebSocket(server.rpcUrl, { origin: server.origin });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      let id = 0;
      const pending = new Map<number, (r: RpcResult<unknown>) => void>();
      ws.on('message', (raw) => {
        const f = JSON.parse(String(raw)) as { type: string; id: number; result: RpcResult<unknown> };
        if (f.type === 'reply') pending.get(f.id)?.(f.result);
      });
      const dispatch: Desk['dispatch'] = (channel, request) =>
        new Promise((resolve) => {
          const i = ++id;
          pending.set(i, resolve);
          ws.send(JSON.stringify({ type: 'call', id: i, channel, request: request ?? {} }));
        });
      await fillDesk(dispatch, server.desk.db, dataDir);
      ws.close();
      expect(filesContaining(dataDir, names)).toEqual([]);
      expect(fs.statSync(path.join(dataDir, 'desk.secret')).mode & 0o777).toBe(0o600);
    } finally {
      await server.stop();
    }
    expect(filesContaining(dataDir, names)).toEqual([]);
  });
});

describe('keys and refusals', () => {
  it.each([
    ['linux, basic_text', 'linux', 'basic_text', true, false],
    ['linux, unknown (before app ready)', 'linux', 'unknown', true, false],
    ['linux, libsecret', 'linux', 'gnome_libsecret', true, true],
    ['linux, kwallet5', 'linux', 'kwallet5', true, true],
    ['linux, libsecret but encryption unavailable', 'linux', 'gnome_libsecret', false, false],
    ['macOS keychain', 'darwin', 'unknown', true, true],
    ['Windows DPAPI unavailable', 'win32', 'unknown', false, false],
  ] as const)('OS key store usable: %s → %s', (_name, platform, backend, available, usable) => {
    expect(osKeyStoreUsable(fakeSafeStorage(backend, available).ss, platform)).toBe(usable);
  });

  it('Electron without an OS key store and without a desk secret refuses (no plaintext fallback)', () => {
    const dataDir = tempDir();
    const { ss } = fakeSafeStorage('basic_text');
    const keyProvider = electronKeyProvider({ dir: dataDir, safeStorage: ss, platform: 'linux', secret: () => null });
    expect(() => openDatabase(path.join(dataDir, 'desk.db'), { keyProvider })).toThrow(
      /no OS key store .*JETWAY_DESK_SECRET/,
    );
    expect(fs.existsSync(path.join(dataDir, 'desk.db'))).toBe(false);
  });

  it('a desk whose key the OS store wrapped refuses when that store is gone', () => {
    const dataDir = tempDir();
    const { ss } = fakeSafeStorage('gnome_libsecret');
    openDatabase(path.join(dataDir, 'desk.db'), {
      keyProvider: electronKeyProvider({ dir: dataDir, safeStorage: ss, platform: 'linux', secret: () => null }),
    }).close();
    const gone = electronKeyProvider({
      dir: dataDir,
      safeStorage: fakeSafeStorage('basic_text').ss,
      platform: 'linux',
      secret: () => 'a secret here',
    });
    expect(() => gone.getKey()).toThrow(/wrapped by the OS key store, which is not available/);
  });

  it('web mode refuses to start without JETWAY_DESK_SECRET or a secret file, with a clear message', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const saved = process.env.JETWAY_DESK_SECRET;
    delete process.env.JETWAY_DESK_SECRET;
    try {
      await expect(
        startDeskServer({ dataDir, apiUrl: fake.apiUrl, cognito, rendererDir: tempDir(), log: () => undefined }),
      ).rejects.toThrow(/web mode needs a key for the desk database: set JETWAY_DESK_SECRET/);
    } finally {
      if (saved !== undefined) process.env.JETWAY_DESK_SECRET = saved;
    }
    expect(fs.existsSync(path.join(dataDir, 'desk.db'))).toBe(false);
  });

  it('web mode with JETWAY_DESK_SECRET; another secret later is a clear wrong-key error', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const open = (secret: string): Database.Database =>
      openDatabase(path.join(dataDir, 'desk.db'), {
        keyProvider: webKeyProvider({ dataDir, env: { JETWAY_DESK_SECRET: secret } }),
      });
    const db = open('first desk secret');
    db.prepare(`INSERT INTO meta (key, value) VALUES ('probe', ?)`).run(`${FIRST} ${LAST[0]}`);
    db.close();
    let err: unknown;
    try {
      open('second desk secret').close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseKeyError);
    expect((err as Error).message).toMatch(/cannot be opened with this key: the desk secret is wrong/);
    expect(((err as Error).cause as { code?: string }).code).toBe('SQLITE_NOTADB');
    const again = open('first desk secret');
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'probe'`).pluck().get()).toBe(`${FIRST} ${LAST[0]}`);
    again.close();
    expect(filesContaining(dataDir, names)).toEqual([]);
  });

  it('a plaintext desk database from an earlier version is encrypted in place; its plaintext .bak files go', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'desk.db');
    const old = openDatabase(file, { keyProvider: noKey, migrations: MIGRATIONS.slice(0, 2) });
    old.close();
    const plain = openDatabase(file, { keyProvider: noKey }); // writes a plaintext desk.db.v<n>.bak
    plain.prepare(`INSERT INTO meta (key, value) VALUES ('probe', ?)`).run(`${FIRST} ${LAST[1]}`);
    plain.close();
    fs.copyFileSync(file, `${file}.v999.bak`);
    expect(filesContaining(dataDir, names).length).toBeGreaterThan(0);
    const keyProvider: KeyProvider = webKeyProvider({ dataDir, env: { JETWAY_DESK_SECRET: 'upgrade secret' } });
    const db = openDatabase(file, { keyProvider });
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'probe'`).pluck().get()).toBe(`${FIRST} ${LAST[1]}`);
    db.close();
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    expect(filesContaining(dataDir, names)).toEqual([]);
    expect(() => openDatabase(file, { keyProvider: noKey })).toThrow(DatabaseKeyError);
  });

  it('the outbox exports signed (desk Ed25519 key) with the right key only; tampering is detected', async () => {
    const dataDir = path.join(tempDir(), 'desk');
    const file = path.join(dataDir, 'desk.db');
    const keyProvider = webKeyProvider({ dataDir, env: { JETWAY_DESK_SECRET: 'export secret one' } });
    const desk = createDesk({
      dataDir,
      apiUrl: fake.apiUrl,
      cognito,
      fetch: fetchWithFakeToken,
      keyProvider,
      log: () => undefined,
    });
    const ent = `CASE-${FLIGHT}-P003/goodwill/meal/day1`;
    try {
      expect(await desk.dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })).toMatchObject(
        { ok: true },
      );
      await waitFor(async () => {
        const r = (await desk.dispatch('case:get', { caseId: `CASE-${FLIGHT}-P003` })) as RpcResult<unknown>;
        return r.ok ? true : null;
      });
      fake.fail(100_000); // the backend is down: the command stays unsent
      expect(await desk.dispatch('entitlement:issue', { entitlementId: ent })).toMatchObject({ ok: true });
    } finally {
      await desk.close();
      fake.fail(0);
    }
    const bundle = exportOutbox(file, { keyProvider, now: () => new Date('2026-12-02T12:00:00Z') });
    const body = verifyOutboxExport(bundle);
    expect(body.deskId).toMatch(/^DESK-/);
    expect(body.commands.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(body.commands.map((c) => c.envelope))).toContain(ent);
    expect(verifyOutboxExport(JSON.parse(JSON.stringify(bundle)), bundle.publicKey)).toEqual(body);
    // The same desk key signs the next export (it lives in the encrypted database).
    expect(exportOutbox(file, { keyProvider }).publicKey).toBe(bundle.publicKey);
    expect(() => verifyOutboxExport({ ...bundle, body: bundle.body.replace(ent, `${ent}x`) })).toThrow(/bad signature/);
    const other = crypto
      .generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64');
    expect(() => verifyOutboxExport(bundle, other)).toThrow(/another desk key/);
    expect(() =>
      exportOutbox(file, { keyProvider: webKeyProvider({ dataDir, env: { JETWAY_DESK_SECRET: 'not the secret' } }) }),
    ).toThrow(DatabaseKeyError);
    expect(filesContaining(dataDir, names)).toEqual([]);
  });
});

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatabaseKeyError, type KeyProvider } from './open.js';

/**
 * Where the desk database key comes from (docs/decisions.md, "Encryption everywhere"):
 * - `safeStorage`: a random 32-byte key, stored only wrapped by the OS key store through
 *   Electron's safeStorage — used only when that store is real (Keychain, DPAPI, libsecret,
 *   KWallet). On Linux, safeStorage's `basic_text` backend is a hard-coded password, not
 *   encryption, and counts as unavailable.
 * - `secret`: a key derived with scrypt from the desk secret (entered at enrolment; for now
 *   JETWAY_DESK_SECRET or a secret file) and a random salt kept next to the database.
 * The method chosen for a database is recorded in `desk.keyinfo.json` (no secret in it), so a
 * desk never silently switches method, and never falls back to plaintext.
 */

/** The part of Electron's `safeStorage` we use (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

/** Linux safeStorage backends that do not encrypt with a user secret (`unknown` = before app ready). */
const NOT_A_KEY_STORE = new Set(['basic_text', 'unknown']);

/** True only when safeStorage encrypts with a real OS key store. */
export function osKeyStoreUsable(ss: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!ss.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = ss.getSelectedStorageBackend?.() ?? 'unknown';
  return !NOT_A_KEY_STORE.has(backend);
}

const KeyInfoSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('safeStorage') }),
  z.object({ method: z.literal('secret'), salt: z.string().min(16), kdf: z.literal('scrypt-N32768-r8-p1') }),
]);
type KeyInfo = z.infer<typeof KeyInfoSchema>;

const KEYINFO = 'desk.keyinfo.json';
const WRAPPED_KEY = 'desk.key';
const KDF = 'scrypt-N32768-r8-p1' as const;

function readKeyInfo(dir: string): KeyInfo | null {
  const file = path.join(dir, KEYINFO);
  if (!fs.existsSync(file)) return null;
  const r = KeyInfoSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!r.success) throw new DatabaseKeyError(`${file} is not a valid key description: ${r.error.message}`);
  return r.data;
}

function writeKeyInfo(dir: string, info: KeyInfo): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, KEYINFO), JSON.stringify(info), { mode: 0o600 });
}

/** The SQLCipher raw key (`x'…'`, 256 bits): no second KDF inside SQLCipher. */
const rawKey = (key: Buffer): string => `x'${key.toString('hex')}'`;

/** scrypt (N=2^15, r=8, p=1: ~32 MB, ~0.1 s) of the desk secret with the database's salt. */
export function deriveKey(secret: string, salt: Buffer): string {
  if (secret.length < 8) throw new DatabaseKeyError('the desk secret must be at least 8 characters');
  return rawKey(
    crypto.scryptSync(secret.normalize('NFC'), salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }),
  );
}

function secretKey(dir: string, info: KeyInfo | null, secret: string | null, missing: string): string {
  if (secret === null) throw new DatabaseKeyError(missing);
  if (info?.method === 'secret') return deriveKey(secret, Buffer.from(info.salt, 'base64'));
  const salt = crypto.randomBytes(16);
  const key = deriveKey(secret, salt);
  writeKeyInfo(dir, { method: 'secret', salt: salt.toString('base64'), kdf: KDF });
  return key;
}

export interface ElectronKeyOptions {
  /** The desk's data folder (key files live next to `desk.db`). */
  dir: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  /** The desk secret (enrolment; JETWAY_DESK_SECRET for now), asked only when needed. */
  secret: () => string | null;
}

/**
 * Electron: a safeStorage-wrapped random key where a real OS key store exists, otherwise a
 * key derived from the desk secret; without either, a clear error instead of a plaintext file.
 */
export function electronKeyProvider(o: ElectronKeyOptions): KeyProvider {
  return {
    getKey() {
      let info = readKeyInfo(o.dir);
      const wrapped = path.join(o.dir, WRAPPED_KEY);
      // A desk from before keyinfo existed whose key was wrapped by safeStorage.
      if (info === null && fs.existsSync(wrapped)) info = { method: 'safeStorage' };
      const usable = osKeyStoreUsable(o.safeStorage, o.platform);
      if (info?.method === 'safeStorage' || (info === null && usable)) {
        if (!usable)
          throw new DatabaseKeyError(
            "this desk's key is wrapped by the OS key store, which is not available now (no keyring, another OS user): " +
              'unlock the key store, or re-enrol the desk',
          );
        if (fs.existsSync(wrapped)) return o.safeStorage.decryptString(fs.readFileSync(wrapped));
        const key = rawKey(crypto.randomBytes(32));
        fs.mkdirSync(o.dir, { recursive: true });
        fs.writeFileSync(wrapped, o.safeStorage.encryptString(key), { mode: 0o600 });
        writeKeyInfo(o.dir, { method: 'safeStorage' });
        return key;
      }
      return secretKey(
        o.dir,
        info,
        o.secret(),
        "no OS key store is available to protect the desk database (on Linux: no keyring; safeStorage's basic_text is not encryption): " +
          'set the desk secret (JETWAY_DESK_SECRET) given at enrolment',
      );
    },
  };
}

export interface WebKeyOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Demo only (`npm run start:web`): with no JETWAY_DESK_SECRET, generate a random secret and
   * keep it in `<dataDir>/desk.secret` (0600). The key then sits next to the data, so it only
   * protects against copying the database files alone, not the whole folder.
   */
  generateSecretFile?: boolean;
}

/** `<dataDir>/desk.secret`, or JETWAY_DESK_SECRET_FILE. */
export const secretFilePath = (dataDir: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.JETWAY_DESK_SECRET_FILE ?? path.join(dataDir, 'desk.secret');

/**
 * Web mode requires a key: JETWAY_DESK_SECRET, else a secret file (JETWAY_DESK_SECRET_FILE or
 * `<dataDir>/desk.secret`); with neither it refuses to start (unless `generateSecretFile`).
 */
export function webKeyProvider(o: WebKeyOptions): KeyProvider {
  const env = o.env ?? process.env;
  return {
    getKey() {
      const file = secretFilePath(o.dataDir, env);
      let secret = env.JETWAY_DESK_SECRET ?? null;
      if (secret === null && fs.existsSync(file)) secret = fs.readFileSync(file, 'utf8').trim();
      if (secret === null && o.generateSecretFile) {
        secret = crypto.randomBytes(32).toString('base64url');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      }
      return secretKey(
        o.dataDir,
        readKeyInfo(o.dataDir),
        secret,
        `web mode needs a key for the desk database: set JETWAY_DESK_SECRET (at least 8 characters), or put a secret in ${file} (mode 0600)`,
      );
    },
  };
}

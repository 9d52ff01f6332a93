import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

/**
 * Supplies the SQLCipher key for the desk database, or null for an unencrypted file.
 * The app never returns null: Electron and web mode use the providers of `db/keys.ts`
 * (a safeStorage-wrapped random key with a real OS key store, else a key derived from the
 * desk secret), which throw {@link DatabaseKeyError} rather than fall back to plaintext.
 * `noKey` (plaintext) is for unit tests of SQL only.
 */
export interface KeyProvider {
  getKey(): string | null;
}

export const noKey: KeyProvider = { getKey: () => null };

/** The database cannot be opened with the key we have (or we have none): a clear, typed error. */
export class DatabaseKeyError extends Error {
  override name = 'DatabaseKeyError';
}

const WRONG_KEY_MESSAGE =
  'the desk database cannot be opened with this key: the desk secret is wrong, or the key store ' +
  'that held its key changed (another OS user, a reset keychain). The data was not changed. ' +
  'Enter the right desk secret, or re-enrol the desk; unsent commands stay in the file for export. ' +
  '(SQLite: file is not a database)';

const PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** True if `file` exists and is an unencrypted SQLite database (its header is readable). */
export function isPlaintextDatabase(file: string): boolean {
  if (file === ':memory:' || !fs.existsSync(file)) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    return fs.readSync(fd, head, 0, 16, 0) === 16 && head.equals(PLAINTEXT_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

function applyKey(db: Db, key: string, pragma: 'key' | 'rekey'): void {
  db.pragma(`cipher=${quote('sqlcipher')}`);
  db.pragma('legacy=4');
  db.pragma(`${pragma}=${quote(key)}`);
}

/**
 * Applies the key and checks it. A wrong key (or a key for a plaintext file, or none for an
 * encrypted one) fails with "file is not a database" at the first read: say what it means.
 */
function unlock(db: Db, key: string | null): void {
  if (key !== null) applyKey(db, key, 'key');
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB')
      throw new DatabaseKeyError(
        key === null
          ? 'the desk database is encrypted and no key was given (SQLite: file is not a database)'
          : WRONG_KEY_MESSAGE,
        { cause: err },
      );
    throw err;
  }
}

/**
 * Opens an existing desk database with its key, without migrating and read-only unless asked
 * (e.g. to export the outbox of a desk about to be re-enrolled, whatever its schema version).
 */
export function openExisting(
  file: string,
  opts: Pick<OpenOptions, 'keyProvider' | 'nativeBinding'> & { readonly?: boolean } = {},
): Db {
  if (!fs.existsSync(file)) throw new Error(`no desk database at ${file}`);
  const key = opts.keyProvider?.getKey() ?? null;
  const db = new Database(file, {
    readonly: opts.readonly ?? true,
    fileMustExist: true,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  try {
    unlock(db, key);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Encrypts, in place, a desk database written unencrypted by an earlier version (before
 * "encryption everywhere"): SQLite3MultipleCiphers' `rekey` on the plaintext file, which needs
 * a rollback journal (not WAL). Its plaintext `.bak` copies are deleted: they cannot be
 * re-keyed in place and the encrypted file now holds everything they did.
 */
function encryptPlaintext(file: string, key: string, opts: OpenOptions): void {
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    db.pragma('journal_mode = DELETE');
    applyKey(db, key, 'rekey');
  } finally {
    db.close();
  }
  const dir = path.dirname(file);
  for (const f of fs.readdirSync(dir))
    if (f.startsWith(`${path.basename(file)}.`) && f.endsWith('.bak')) fs.rmSync(path.join(dir, f), { force: true });
}

export interface OpenOptions {
  keyProvider?: KeyProvider;
  /** Migrations to run (tests may pass a prefix to test one step). Defaults to all. */
  migrations?: readonly Migration[];
  /**
   * Path of the compiled addon to load instead of the one in node_modules: Electron needs a
   * build for its own ABI while tests and web mode use Node's (one install serves both).
   */
  nativeBinding?: string;
}

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Opens (creating if needed) the desk cache, applies the key, sets WAL and runs pending
 * migrations. The connection defaults to synchronous=NORMAL (the cache can always be
 * re-pulled); outbox writes go through {@link durably}, which uses synchronous=FULL.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = opts.keyProvider?.getKey() ?? null;
  if (key !== null && isPlaintextDatabase(file)) encryptPlaintext(file, key, opts);
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    unlock(db, key);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, opts.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Current schema version (PRAGMA user_version). */
export const schemaVersion = (db: Db): number => db.pragma('user_version', { simple: true }) as number;

/**
 * Runs every migration newer than user_version, each in its own transaction together with
 * the version bump. Before upgrading an existing file it writes a backup next to it
 * (`<file>.v<old>.bak`, via VACUUM INTO: SQLite3MultipleCiphers writes it with the main
 * database's cipher and key, so a backup is never plaintext; test/integration/desk/encryption.test.ts
 * checks the bytes).
 */
export function migrate(db: Db, file: string, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  if (current > 0 && file !== ':memory:') {
    const backup = `${file}.v${current}.bak`;
    fs.rmSync(backup, { force: true });
    db.prepare('VACUUM INTO ?').run(backup);
  }
  for (const m of pending) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * Runs `fn` in one transaction committed with synchronous=FULL (WAL + NORMAL can lose the
 * last commits on power loss; a command the user was told is queued must not be).
 */
export function durably<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

/**
 * Supplies the SQLCipher key for the desk database, or null for an unencrypted file.
 * In Electron the key is generated once and stored wrapped by `safeStorage` (shell only);
 * under Node (tests, web mode) it may come from the environment or be absent.
 */
export interface KeyProvider {
  getKey(): string | null;
}

export const noKey: KeyProvider = { getKey: () => null };

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
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    const key = opts.keyProvider?.getKey() ?? null;
    if (key !== null) {
      db.pragma(`cipher=${quote('sqlcipher')}`);
      db.pragma('legacy=4');
      db.pragma(`key=${quote(key)}`);
    }
    // Fails with "file is not a database" on a wrong key: check before anything else.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
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
 * (`<file>.v<old>.bak`, via VACUUM INTO, so it carries the same key).
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

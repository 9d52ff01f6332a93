import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema, type Session } from '../../shared/rpc/contract.js';
import type { Db } from '../db/open.js';
import { AuthFailedError } from './cognito.js';

/** scrypt parameters (RFC 7914): N = 2^15, r = 8, p = 1 needs 128·N·r = 32 MiB per hash. */
export interface KdfParams {
  N: number;
  r: number;
  p: number;
  keyLen: number;
}

export const DEFAULT_KDF: KdfParams = { N: 2 ** 15, r: 8, p: 1, keyLen: 32 };

const KdfSchema = z.object({
  alg: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  keyLen: z.number().int().min(16),
});

/** What is kept of the last online session (never a token). */
const StoredSessionSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  groups: z.array(z.string()),
  stations: z.array(z.string()),
});

const RowSchema = z.object({
  username: z.string(),
  kdf: z.string(),
  salt: z.instanceof(Uint8Array),
  hash: z.instanceof(Uint8Array),
  session: z.string(),
  signed_in_at: z.string(),
  failed_attempts: z.number().int(),
  locked_until: z.string().nullable(),
});

export interface OfflineOptions {
  /** How long after the last online sign-in at this desk a user may unlock offline. */
  windowHours: number;
  /** Wrong offline passwords in a row before offline unlock is locked for that user. */
  maxAttempts: number;
  /** How long the offline lockout lasts. */
  lockoutMinutes: number;
  kdf: KdfParams;
}

export const DEFAULT_OFFLINE: OfflineOptions = {
  windowHours: 72,
  maxAttempts: 5,
  lockoutMinutes: 30,
  kdf: DEFAULT_KDF,
};

/** An offline unlock refused (no credential, past the window, wrong password, locked out). */
export class OfflineRefusedError extends AuthFailedError {
  override name = 'OfflineRefusedError';
  constructor(
    message: string,
    readonly reason: 'NO_CREDENTIAL' | 'WINDOW_EXPIRED' | 'WRONG_PASSWORD' | 'LOCKED_OUT',
  ) {
    super(message);
  }
}

export function deriveKey(password: string, salt: Buffer, k: KdfParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: k.N, r: k.r, p: k.p, maxmem: 256 * k.N * k.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, k.keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * The offline credentials of this desk, in its (encrypted) SQLite database: a salted scrypt
 * hash of the password of each user who signed in online here, their last session and when,
 * and a persisted count of wrong offline passwords.
 */
export class OfflineCredentials {
  private readonly o: OfflineOptions;

  constructor(
    private readonly db: Db,
    opts: Partial<OfflineOptions> = {},
  ) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULT_OFFLINE, ...given };
  }

  get options(): OfflineOptions {
    return this.o;
  }

  /** After a successful online sign-in: (re)hash the password with a fresh salt; clears the failure count. */
  async remember(session: Session, password: string, at: Date): Promise<void> {
    const salt = randomBytes(16);
    const hash = await deriveKey(password, salt, this.o.kdf);
    const stored = StoredSessionSchema.parse(session);
    this.db
      .prepare(
        `INSERT INTO offline_credential (username, kdf, salt, hash, session, signed_in_at, failed_attempts, locked_until)
         VALUES (?, ?, ?, ?, ?, ?, 0, NULL)
         ON CONFLICT(username) DO UPDATE SET kdf = excluded.kdf, salt = excluded.salt, hash = excluded.hash,
           session = excluded.session, signed_in_at = excluded.signed_in_at, failed_attempts = 0, locked_until = NULL`,
      )
      .run(
        stored.username,
        JSON.stringify({ alg: 'scrypt', ...this.o.kdf }),
        salt,
        hash,
        JSON.stringify(stored),
        at.toISOString(),
      );
  }

  /** Drops a user's offline credential (e.g. Cognito said the password is wrong now). */
  forget(username: string): void {
    this.db.prepare('DELETE FROM offline_credential WHERE username = ?').run(username);
  }

  has(username: string): boolean {
    return this.db.prepare('SELECT 1 FROM offline_credential WHERE username = ?').get(username) !== undefined;
  }

  /**
   * Checks a password against the stored hash (timing-safe). Success → the stored session
   * (marked offline, expiring at the end of the window) and the failure count reset; a wrong
   * password counts, and the Nth in a row locks offline unlock for this user.
   */
  async verify(username: string, password: string, now: Date): Promise<Session> {
    const raw = this.db.prepare('SELECT * FROM offline_credential WHERE username = ?').get(username);
    if (raw === undefined)
      throw new OfflineRefusedError(
        `the sign-in service cannot be reached and ${username} has not signed in online at this desk`,
        'NO_CREDENTIAL',
      );
    const row = RowSchema.parse(raw);
    if (row.locked_until !== null && Date.parse(row.locked_until) > now.getTime())
      throw new OfflineRefusedError(
        `too many wrong passwords: offline sign-in for ${username} is locked until ${row.locked_until}`,
        'LOCKED_OUT',
      );
    const windowEnd = Date.parse(row.signed_in_at) + this.o.windowHours * 3_600_000;
    if (now.getTime() > windowEnd)
      throw new OfflineRefusedError(
        `the sign-in service cannot be reached and ${username}'s last online sign-in at this desk is older than ${this.o.windowHours} h: sign in online`,
        'WINDOW_EXPIRED',
      );
    const kdf = KdfSchema.parse(JSON.parse(row.kdf));
    const expected = Buffer.from(row.hash);
    const actual = await deriveKey(password, Buffer.from(row.salt), kdf);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      const failed = row.failed_attempts + 1;
      const lock = failed >= this.o.maxAttempts;
      const until = lock ? new Date(now.getTime() + this.o.lockoutMinutes * 60_000).toISOString() : null;
      this.db
        .prepare('UPDATE offline_credential SET failed_attempts = ?, locked_until = ? WHERE username = ?')
        .run(lock ? 0 : failed, until, username);
      throw new OfflineRefusedError(
        lock
          ? `too many wrong passwords: offline sign-in for ${username} is locked until ${until}`
          : 'wrong username or password',
        lock ? 'LOCKED_OUT' : 'WRONG_PASSWORD',
      );
    }
    this.db
      .prepare('UPDATE offline_credential SET failed_attempts = 0, locked_until = NULL WHERE username = ?')
      .run(username);
    const s = StoredSessionSchema.parse(JSON.parse(row.session));
    return { ...s, expiresAt: new Date(windowEnd).toISOString(), offline: true, locked: false };
  }
}

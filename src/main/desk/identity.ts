import crypto from 'node:crypto';
import { blockSerial, commandSigningBytes, releaseSigningBytes } from '../../shared/sync/desk-signing.js';
import type { CommandEnvelope } from '../../shared/sync/protocol.js';
import { deskId, deskPublicKeySpki, deskSigningKey } from '../db/meta.js';
import type { Db } from '../db/open.js';
import { CommandConflictError } from '../errors.js';
import {
  DeskEnrolResponseSchema,
  HttpError,
  SerialBlockResponseSchema,
  type DeskEnrolResponse,
  type SerialBlockResponse,
} from '../sync/backend.js';

/** What the desk needs of the backend for its identity (BackendClient implements it). */
export interface DeskApi {
  enrol(body: { publicKey: string; name: string }): Promise<DeskEnrolResponse>;
  refillSerials(deskId: string, count: number): Promise<SerialBlockResponse>;
}

export interface DeskIdentityOptions {
  /** Refill when fewer serials than this are left (50). */
  refillBelow?: number;
  /** Serials asked for per refill (200; the server allows up to 1000). */
  blockSize?: number;
  /** The name the desk is enrolled under (default: `desk <id>`). */
  name?: string;
  now?: () => Date;
}

/** No serial left for an offline issue: the desk must go online to refill its block. */
export class NoSerialsError extends CommandConflictError {
  constructor() {
    super(
      'this desk has no voucher serials left for offline issues: go online (the desk refills its serial block automatically) and try again',
      'NO_SERIALS',
    );
  }
}

/**
 * This desk's identity (issue #10, "Desk enrolment"): its Ed25519 key pair (private key in the
 * encrypted database, `meta.desk_signing_key`), its id (derived from the public key), its
 * enrolment with the server, the signatures of its commands and releases, and its voucher
 * serial blocks for offline issues.
 */
export class DeskIdentity {
  readonly deskId: string;
  /** The server confirmed the enrolment in this session (see {@link ensure}, {@link reconfirm}). */
  private confirmed = false;
  private readonly privateKey: crypto.KeyObject;
  private readonly o: Required<Omit<DeskIdentityOptions, 'name'>> & { name: string };

  constructor(
    private readonly db: Db,
    opts: DeskIdentityOptions = {},
  ) {
    this.privateKey = deskSigningKey(db).privateKey;
    this.deskId = deskId(db);
    this.o = {
      refillBelow: opts.refillBelow ?? 50,
      blockSize: opts.blockSize ?? 200,
      name: opts.name ?? `desk ${this.deskId}`,
      now: opts.now ?? (() => new Date()),
    };
  }

  enrolment(): { deskId: string; enrolledAt: string; enrolledBy: string; status: 'active' | 'revoked' } | null {
    const r = this.db
      .prepare('SELECT desk_id, enrolled_at, enrolled_by, status FROM desk_enrolment WHERE desk_id = ?')
      .get(this.deskId) as { desk_id: string; enrolled_at: string; enrolled_by: string; status: 'active' | 'revoked' } | undefined;
    return r ? { deskId: r.desk_id, enrolledAt: r.enrolled_at, enrolledBy: r.enrolled_by, status: r.status } : null;
  }

  isEnrolled(): boolean {
    return this.enrolment()?.status === 'active';
  }

  /** Signs a new command as this desk for its author (the user who created it). */
  sign(env: CommandEnvelope, author: string): CommandEnvelope {
    const { signature: _s, release: _r, ...rest } = env;
    const base = { ...rest, deskId: this.deskId, author };
    const signature = crypto.sign(null, commandSigningBytes(base), this.privateKey).toString('base64');
    return { ...base, signature };
  }

  /** Records (signed) that a queued command of another user was released to supervisor `by`. */
  signRelease(env: CommandEnvelope, by: string, at: string): CommandEnvelope {
    if (!env.author || !env.signature) return env; // queued unsigned, before desks signed: the server refuses it anyway
    const bytes = releaseSigningBytes({ commandId: env.commandId, deskId: env.deskId, author: env.author, by, at });
    return { ...env, release: { by, at, signature: crypto.sign(null, bytes, this.privateKey).toString('base64') } };
  }

  serialsLeft(): number {
    return (
      (this.db
        .prepare('SELECT COALESCE(SUM(size - next + 1), 0) FROM serial_block WHERE desk_id = ? AND next <= size')
        .pluck()
        .get(this.deskId) as number) ?? 0
    );
  }

  /**
   * The next serial of this desk's oldest block, consumed. Call inside the transaction that
   * queues the command (Outbox.enqueue's builder), so a serial is used exactly when its command
   * is queued. Throws {@link NoSerialsError} when every block is used up.
   */
  takeSerial(): string {
    const row = this.db
      .prepare('SELECT block_no, next FROM serial_block WHERE desk_id = ? AND next <= size ORDER BY block_no LIMIT 1')
      .get(this.deskId) as { block_no: number; next: number } | undefined;
    if (!row) throw new NoSerialsError();
    this.db.prepare('UPDATE serial_block SET next = next + 1 WHERE block_no = ? AND next = ?').run(row.block_no, row.next);
    return blockSerial(row.block_no, row.next);
  }

  needsRefill(): boolean {
    return this.serialsLeft() < this.o.refillBelow;
  }

  /**
   * Online housekeeping, before pushing: enrol this desk's key if it is not enrolled yet (any
   * signed-in user with a role may; the server records who), then refill the serial block when
   * it runs low. An enrolment failure throws (pushes wait for it); a refill failure is logged.
   */
  async ensure(api: DeskApi, log: (m: string) => void = () => undefined): Promise<void> {
    // Enrolment is confirmed with the server once per session (idempotent for the same key): a
    // backend that lost the desk (a reset local cloud, a restore) gets it back before the first
    // push, and a revoked desk stops pushing (409) instead of collecting DESK_REVOKED rejections.
    if (!this.confirmed || !this.isEnrolled()) {
      let answer: DeskEnrolResponse;
      try {
        answer = await api.enrol({ publicKey: deskPublicKeySpki(this.db), name: this.o.name });
      } catch (err) {
        if (err instanceof HttpError && err.code === 'desk_revoked') {
          this.db
            .prepare(
              `INSERT INTO desk_enrolment (desk_id, enrolled_at, enrolled_by, status) VALUES (?, ?, '', 'revoked')
               ON CONFLICT(desk_id) DO UPDATE SET status = 'revoked'`,
            )
            .run(this.deskId, this.o.now().toISOString());
          log(`[desk] ${this.deskId} was revoked by the server: nothing is pushed; export the outbox and re-enrol`);
        }
        throw err;
      }
      const r = DeskEnrolResponseSchema.parse(answer);
      if (r.deskId !== this.deskId) throw new Error(`the server enrolled this desk as ${r.deskId}, expected ${this.deskId}`);
      this.db
        .prepare(
          `INSERT INTO desk_enrolment (desk_id, enrolled_at, enrolled_by, status) VALUES (?, ?, ?, ?)
           ON CONFLICT(desk_id) DO UPDATE SET status = excluded.status`,
        )
        .run(r.deskId, r.enrolledAt, r.enrolledBy, r.status);
      if (!this.confirmed) log(`[desk] enrolled as ${r.deskId} (by ${r.enrolledBy} at ${r.enrolledAt})`);
      this.confirmed = true;
    }
    if (this.needsRefill()) {
      try {
        const b = SerialBlockResponseSchema.parse(await api.refillSerials(this.deskId, this.o.blockSize));
        this.db
          .prepare('INSERT INTO serial_block (block_no, desk_id, size, allocated_at) VALUES (?, ?, ?, ?) ON CONFLICT(block_no) DO NOTHING')
          .run(b.blockNo, this.deskId, b.count, b.allocatedAt);
        log(`[desk] serial block ${b.blockNo} (${b.count} serials) allocated; ${this.serialsLeft()} left`);
      } catch (err) {
        log(`[desk] serial refill failed (retried on the next sync): ${(err as Error).message}`);
      }
    }
  }

  /** A new session (online sign-in): the next {@link ensure} asks the server again. */
  reconfirm(): void {
    this.confirmed = false;
  }

  info(): { deskId: string; enrolled: boolean; serialsLeft: number } {
    return { deskId: this.deskId, enrolled: this.isEnrolled(), serialsLeft: this.serialsLeft() };
  }
}

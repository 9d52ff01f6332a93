import {
  CommandResultSchema,
  type CommandEnvelope,
  type EntityKind,
  type PullResponse,
} from '../../shared/sync/protocol.js';
import { planApply } from '../../shared/sync/apply.js';
import type { CacheWriter } from '../db/cache.js';
import { ENTITY_TABLES } from '../db/entities.js';
import type { Db } from '../db/open.js';
import type { Outbox } from '../db/outbox.js';
import { HttpError, isPermanent, NetworkError, type BackendClient } from './backend.js';

export interface StationCursor {
  station: string;
  epoch: string | null;
  cursor: number;
  head: number;
  lastPullAt: string | null;
}

export interface EngineStatus {
  running: boolean;
  online: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
}

export interface SyncEngineOptions {
  db: Db;
  cache: CacheWriter;
  outbox: Outbox;
  backend: Pick<BackendClient, 'pull' | 'push'>;
  /** Long-poll seconds asked of the server once a station is caught up (≤ 20). */
  waitSeconds?: number;
  /** Floor between two empty pulls, in case the server answers a long-poll at once. */
  minPollIntervalMs?: number;
  pageSize?: number;
  backoff?: { initialMs: number; maxMs: number };
  /**
   * The signed-in user (null: nobody). When given, the engine pushes only that user's commands
   * (their own, or released to them), only under their token, and stops pushing as soon as the
   * user changes. Omitted: every command (single-user test harness).
   */
  currentUser?: () => string | null;
  now?: () => Date;
  onChange?: (kinds: string[], stations: string[]) => void;
  onStatus?: () => void;
  log?: (msg: string) => void;
}

/** What a pushed batch may have changed on this desk (confirmation or rejection clears optimistic marks). */
const KINDS_OF: Record<CommandEnvelope['type'], EntityKind[]> = {
  issueEntitlement: ['entitlement', 'case'],
  requestApproval: ['entitlement', 'case', 'approval'],
  decideApproval: ['approval', 'entitlement', 'case'],
  voidIssuance: ['issuance', 'entitlement', 'case'],
  claimCase: ['case'],
  assignCase: ['case'],
  releaseCase: ['case'],
  closeCase: ['case'],
  addCaseNote: ['case', 'audit'],
};
const changedKinds = (batch: readonly CommandEnvelope[]): string[] => [
  ...new Set(['entitlement', 'command', ...batch.flatMap((c) => KINDS_OF[c.type])]),
];

/** An interruptible sleep: resolves after `ms` or as soon as `wake()` is called. */
class Sleeper {
  private wakeFn: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeFn = () => resolve();
      this.timer = setTimeout(resolve, ms);
    }).finally(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.wakeFn = null;
    });
  }
  wake(): void {
    this.wakeFn?.();
  }
}

/**
 * The desk's sync loop: one pull loop per station (long-poll, page by page, each page applied
 * with its cursor in one SQLite transaction) and one push loop draining the outbox in order.
 * Every failure re-arms its own retry timer with exponential backoff (never waits for the
 * next local write). Online = the last request reached the backend.
 */
export class SyncEngine {
  private running = false;
  private generation = 0;
  private online = false;
  private lastSyncAt: string | null = null;
  private lastError: string | null = null;
  private readonly sleepers = new Map<string, Sleeper>();
  private readonly caughtUp = new Set<string>();
  private aborter = new AbortController();
  private loops: Promise<void>[] = [];
  private pushTimer: NodeJS.Timeout | null = null;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pushFailures = 0;
  /** Commands to push one at a time, to find the one a whole batch failed permanently for. */
  private isolate = 0;
  /** Whose commands are pushed: the signed-in user at start (null: nobody's; undefined: all). */
  private user: string | null | undefined = undefined;
  private readonly o: Required<Omit<SyncEngineOptions, 'onChange' | 'onStatus' | 'log' | 'currentUser'>> &
    SyncEngineOptions;

  constructor(opts: SyncEngineOptions) {
    this.o = {
      waitSeconds: 20,
      minPollIntervalMs: 400,
      pageSize: 200,
      backoff: { initialMs: 500, maxMs: 30_000 },
      now: () => new Date(),
      ...opts,
    };
  }

  /**
   * Starts syncing the given stations (restarts if already running), pushing the commands of
   * the user signed in now (see `currentUser`).
   */
  async start(stations: readonly string[]): Promise<void> {
    if (this.running) await this.stop();
    this.user = this.o.currentUser ? this.o.currentUser() : undefined;
    this.isolate = 0;
    this.running = true;
    this.generation += 1;
    this.aborter = new AbortController();
    const gen = this.generation;
    this.loops = stations.map((s) => this.pullLoop(s, gen));
    this.schedulePush(0);
    this.o.onStatus?.();
  }

  /** Stops all loops and aborts requests in flight; resolves when they have ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.user = undefined;
    this.generation += 1;
    this.aborter.abort();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    for (const s of this.sleepers.values()) s.wake();
    const loops = this.loops;
    const gen = this.generation;
    this.loops = [];
    await Promise.allSettled([...loops, this.pushing ?? Promise.resolve()]);
    if (gen !== this.generation) return; // restarted meanwhile: the new run owns the state
    this.sleepers.clear();
    this.caughtUp.clear();
    this.online = false;
    this.o.onStatus?.();
  }

  /** A command was queued: push it now. */
  kickPush(): void {
    this.schedulePush(0);
  }

  /** Pull every station now (ends current waits) and push the outbox. */
  async syncNow(): Promise<void> {
    for (const s of this.sleepers.values()) s.wake();
    this.schedulePush(0);
    await this.pushing;
  }

  status(): EngineStatus {
    return { running: this.running, online: this.online, lastSyncAt: this.lastSyncAt, lastError: this.lastError };
  }

  cursors(): StationCursor[] {
    const rows = this.o.db
      .prepare('SELECT station, epoch, cursor, head, last_pull_at FROM sync_cursor ORDER BY station')
      .all() as {
      station: string;
      epoch: string | null;
      cursor: number;
      head: number;
      last_pull_at: string | null;
    }[];
    return rows.map((r) => ({
      station: r.station,
      epoch: r.epoch,
      cursor: r.cursor,
      head: r.head,
      lastPullAt: r.last_pull_at,
    }));
  }

  /**
   * Backoff after `n` consecutive failures, with full jitter: a uniform draw in
   * [0, min(max, initial·2^(n-1))] (many desks of a station coming back at once spread out).
   */
  backoffMs(n: number, random: () => number = Math.random): number {
    const cap = Math.min(this.o.backoff.maxMs, this.o.backoff.initialMs * 2 ** Math.max(0, n - 1));
    return Math.round(cap * random());
  }

  /** Applies one pull response: a page in one transaction, or a full resync. Exposed for tests. */
  applyPull(station: string, res: PullResponse): { changed: EntityKind[] } {
    const { db, cache, outbox } = this.o;
    const stored = this.cursorOf(station);
    const epochChanged = stored.epoch !== null && res.epoch !== stored.epoch;
    if (res.resync || epochChanged) {
      // Epoch changed = server restored from a backup: what it acknowledged after the
      // restore point may be gone, so those commands go out again (the server dedupes).
      if (epochChanged) outbox.requeueAcked();
      db.transaction(() => {
        cache.clearAll();
        db.prepare('DELETE FROM sync_cursor').run();
      })();
      this.caughtUp.clear();
      this.log(`full resync (station ${station}, epoch ${stored.epoch ?? '-'} → ${res.epoch})`);
      for (const s of this.sleepers.values()) s.wake();
      return { changed: ['flight'] };
    }
    // A desk starting from nothing takes the log from its retention floor on (older entries
    // were compacted into later snapshots); otherwise every sequence must follow the cursor.
    const from = stored.cursor === 0 ? Math.max(0, res.retention.minSeq - 1) : stored.cursor;
    const plan = planApply(res.entries, from, (kind, id) => cache.versionOf(kind, id));
    db.transaction(() => {
      for (const w of plan.writes) cache.write(w);
      db.prepare(
        `INSERT INTO sync_cursor (station, epoch, cursor, head, last_pull_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(station) DO UPDATE SET epoch = excluded.epoch, cursor = excluded.cursor, head = excluded.head, last_pull_at = excluded.last_pull_at`,
      ).run(station, res.epoch, Math.max(from, plan.cursor), res.head, this.o.now().toISOString());
      outbox.reconcile(
        (ref) => this.refVersion(ref),
        (commandId) => {
          const raw = db.prepare('SELECT data FROM command_result WHERE id = ?').pluck().get(commandId) as
            string | undefined;
          if (raw === undefined) return undefined;
          const parsed = CommandResultSchema.safeParse(JSON.parse(raw));
          return parsed.success ? parsed.data : undefined;
        },
      );
    })();
    return { changed: [...new Set(plan.writes.map((w) => w.kind))] };
  }

  /** Cached version of `kind:id`, or undefined. */
  private refVersion(ref: string): number | undefined {
    const i = ref.indexOf(':');
    const kind = ref.slice(0, i);
    if (!(kind in ENTITY_TABLES)) return undefined;
    return this.o.cache.versionOf(kind as EntityKind, ref.slice(i + 1));
  }

  private cursorOf(station: string): StationCursor {
    return (
      this.cursors().find((c) => c.station === station) ?? {
        station,
        epoch: null,
        cursor: 0,
        head: 0,
        lastPullAt: null,
      }
    );
  }

  private sleeper(station: string): Sleeper {
    let s = this.sleepers.get(station);
    if (!s) {
      s = new Sleeper();
      this.sleepers.set(station, s);
    }
    return s;
  }

  private async pullLoop(station: string, gen: number): Promise<void> {
    let failures = 0;
    const sleeper = this.sleeper(station);
    while (this.running && gen === this.generation) {
      const started = Date.now();
      try {
        const c = this.cursorOf(station);
        const wait = this.caughtUp.has(station) ? this.o.waitSeconds : 0;
        const res = await this.o.backend.pull(
          { station, cursor: c.cursor, epoch: c.epoch, limit: this.o.pageSize },
          wait,
          this.aborter.signal,
        );
        if (gen !== this.generation) return;
        const { changed } = this.applyPull(station, res);
        failures = 0;
        this.markSuccess();
        if (changed.length > 0) this.o.onChange?.(changed, [station]);
        // Anything still pending (e.g. re-queued after a restore) goes out now; a push retry
        // that is already armed keeps its backoff.
        if (!this.pushing && !this.pushTimer && this.o.outbox.pendingCount() > 0) this.schedulePush(0);
        if (res.hasMore || res.resync) {
          this.caughtUp.delete(station);
          continue;
        }
        this.caughtUp.add(station);
        const elapsed = Date.now() - started;
        if (res.entries.length === 0 && elapsed < this.o.minPollIntervalMs)
          await sleeper.sleep(this.o.minPollIntervalMs - elapsed);
      } catch (err) {
        if (!this.running || gen !== this.generation) return;
        failures += 1;
        this.markFailure(err, `pull ${station}`);
        // Always re-armed: the next attempt does not depend on anything else happening.
        await sleeper.sleep(this.backoffMs(failures));
      }
    }
  }

  private schedulePush(delayMs: number): void {
    if (!this.running) return;
    if (this.pushTimer) {
      if (delayMs > 0) return; // a retry is already armed
      clearTimeout(this.pushTimer);
    }
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      void this.runPush();
    }, delayMs);
  }

  private async runPush(): Promise<void> {
    if (this.pushing) {
      this.pushAgain = true;
      return this.pushing;
    }
    this.pushing = (async () => {
      do {
        this.pushAgain = false;
        for (;;) {
          if (!this.running) return;
          const user = this.user;
          // Nobody signed in, or another user now: nothing of this run's user goes out any more.
          if (user === null || (this.o.currentUser && this.o.currentUser() !== user)) return;
          const batch = this.o.outbox.nextBatch(this.isolate > 0 ? 1 : 50, user);
          if (batch.length === 0) break;
          const ids = batch.map((c) => c.commandId);
          try {
            const res = await this.o.backend.push(batch, this.aborter.signal, user);
            if (!this.running || user !== this.user) return;
            const answered = res.results.filter((r) => ids.includes(r.commandId));
            if (answered.length === 0) throw new Error('push answered none of the commands sent');
            this.o.outbox.recordResults(answered, (ref) => this.refVersion(ref));
            if (this.isolate > 0) this.isolate -= 1;
            this.pushFailures = 0;
            this.markSuccess();
            this.o.onChange?.(changedKinds(batch), [...new Set(batch.map((c) => c.station))]);
            for (const s of this.sleepers.values()) s.wake();
          } catch (err) {
            if (!this.running || user !== this.user) return;
            if (isPermanent(err)) {
              // The server will never accept this request as is: retrying blocks the queue for ever.
              this.log(`push: permanent error for ${ids.length} command(s): ${(err as Error).message}`);
              if (batch.length > 1) {
                // Which command is it? Push this batch's commands one at a time.
                this.isolate = batch.length;
                continue;
              }
              const code = err instanceof HttpError ? err.code : 'BAD_RESPONSE';
              this.o.outbox.recordPermanentFailure(ids, code, (err as Error).message);
              if (this.isolate > 0) this.isolate -= 1;
              this.log(`push: ${ids[0]} moved to needs-attention (${code})`);
              this.o.onChange?.(changedKinds(batch), [...new Set(batch.map((c) => c.station))]);
              continue;
            }
            this.o.outbox.recordFailure(ids, (err as Error).message);
            this.pushFailures += 1;
            this.markFailure(err, 'push');
            // Re-armed after every failure, whatever happens next.
            this.schedulePush(this.backoffMs(this.pushFailures));
            return;
          }
        }
      } while (this.pushAgain);
    })().finally(() => {
      this.pushing = null;
    });
    return this.pushing;
  }

  private markSuccess(): void {
    const changed = !this.online || this.lastError !== null;
    this.online = true;
    this.lastError = null;
    this.lastSyncAt = this.o.now().toISOString();
    if (changed) this.log('online');
    this.o.onStatus?.();
  }

  private markFailure(err: unknown, what: string): void {
    if (err instanceof NetworkError) this.online = false;
    this.lastError = `${what}: ${(err as Error).message}`;
    this.log(this.lastError);
    this.o.onStatus?.();
  }

  private log(msg: string): void {
    this.o.log?.(`[sync] ${msg}`);
  }
}

import {
  CommandResultSchema,
  type CommandEnvelope,
  type EntityKind,
  type PullResponse,
  type SnapshotResponse,
} from '../../shared/sync/protocol.js';
import { planApply } from '../../shared/sync/apply.js';
import type { CacheWriter } from '../db/cache.js';
import { ENTITY_TABLES } from '../db/entities.js';
import type { Db } from '../db/open.js';
import type { Outbox } from '../db/outbox.js';
import { BackendTimeoutError, HttpError, isPermanent, NetworkError, type BackendClient } from './backend.js';

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

/** A station being bootstrapped from the server's snapshot (migration 0090). */
export interface BootstrapState {
  station: string;
  epoch: string | null;
  /** The first page's asOf: the log continues from here (null before the first page). */
  asOf: number | null;
  /** Opaque token of the next page to fetch (null: the first one). */
  nextPage: string | null;
  applied: number;
  /** Approximate size of the whole snapshot (0 before the first page). */
  total: number;
  pages: number;
}

export interface SyncEngineOptions {
  db: Db;
  cache: CacheWriter;
  outbox: Outbox;
  backend: Pick<BackendClient, 'pull' | 'push' | 'snapshot'>;
  /** Snapshot items asked per page during a bootstrap (≤ 5000; the server's pages stop at ~1 MB anyway). */
  snapshotPageSize?: number;
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
  /**
   * Runs before each push (only when something is to be pushed): the desk enrols itself and
   * refills its serial block there. A failure is temporary: nothing is sent, the push is retried
   * with backoff (pushes wait until the desk is enrolled).
   */
  beforePush?: () => Promise<void>;
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
  recordChoice: ['case', 'entitlement', 'booking', 'audit'],
};
const changedKinds = (batch: readonly CommandEnvelope[]): string[] => [
  ...new Set(['entitlement', 'command', ...batch.flatMap((c) => KINDS_OF[c.type])]),
];

/** The most commands in one push (the server's PushRequestSchema allows 50). */
const MAX_PUSH_BATCH = 50;

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
  /** Snapshot page requested ahead, per station (bootstrap pipelining). */
  private readonly prefetched = new Map<string, { page: string; gen: number; promise: Promise<SnapshotResponse> }>();
  private aborter = new AbortController();
  private loops: Promise<void>[] = [];
  private pushTimer: NodeJS.Timeout | null = null;
  /** Commands per push: MAX_PUSH_BATCH, halved after a push timed out, +5 after each success. */
  private batchLimit = MAX_PUSH_BATCH;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pushFailures = 0;
  /** Commands to push one at a time, to find the one a whole batch failed permanently for. */
  private isolate = 0;
  /** Whose commands are pushed: the signed-in user at start (null: nobody's; undefined: all). */
  private user: string | null | undefined = undefined;
  private readonly o: Required<
    Omit<SyncEngineOptions, 'onChange' | 'onStatus' | 'log' | 'currentUser' | 'beforePush'>
  > &
    SyncEngineOptions;

  constructor(opts: SyncEngineOptions) {
    this.o = {
      waitSeconds: 20,
      minPollIntervalMs: 400,
      pageSize: 200,
      snapshotPageSize: 5000,
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
    this.prefetched.clear();
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

  /** Stations being bootstrapped from a snapshot, with their progress. */
  bootstraps(): BootstrapState[] {
    const rows = this.o.db
      .prepare('SELECT station, epoch, as_of, next_page, applied, total, pages FROM sync_bootstrap ORDER BY station')
      .all() as {
      station: string;
      epoch: string | null;
      as_of: number | null;
      next_page: string | null;
      applied: number;
      total: number;
      pages: number;
    }[];
    return rows.map((r) => ({
      station: r.station,
      epoch: r.epoch,
      asOf: r.as_of,
      nextPage: r.next_page,
      applied: r.applied,
      total: Math.max(r.total, r.applied),
      pages: r.pages,
    }));
  }

  private bootstrapOf(station: string): BootstrapState | undefined {
    return this.bootstraps().find((b) => b.station === station);
  }

  /**
   * Starts (or restarts) a snapshot bootstrap of `station`, in the caller's transaction. `lost`:
   * the server lost data (restored), so what the desk cached may be NEWER than the server's state
   * now: every station's cache and cursor go (the outbox stays), as a full resync always did.
   * Otherwise (the cursor fell out of the log's retention, or a new desk on a trimmed log) the
   * cache stays: the snapshot's states and tombstones are applied by version over it, and the
   * desk's other stations are untouched.
   */
  private beginBootstrap(station: string, lost: boolean): void {
    const { db, cache } = this.o;
    if (lost) {
      cache.clearAll();
      db.prepare('DELETE FROM sync_cursor').run();
      db.prepare('DELETE FROM sync_bootstrap').run();
    } else {
      db.prepare('DELETE FROM sync_cursor WHERE station = ?').run(station);
      db.prepare('DELETE FROM sync_bootstrap WHERE station = ?').run(station);
    }
    const at = this.o.now().toISOString();
    db.prepare(
      `INSERT INTO sync_bootstrap (station, epoch, as_of, next_page, applied, total, pages, started_at, updated_at)
       VALUES (?, NULL, NULL, NULL, 0, 0, 0, ?, ?)`,
    ).run(station, at, at);
  }

  /**
   * Applies one snapshot page in one SQLite transaction together with the progress row, so a
   * crash resumes after the last committed page. The last page sets the station's cursor to the
   * first page's asOf (the log goes on from there) and rebases the outbox. Exposed for tests.
   */
  applySnapshotPage(station: string, res: SnapshotResponse): { done: boolean; changed: EntityKind[] } {
    const { db, cache, outbox } = this.o;
    const st = this.bootstrapOf(station);
    if (!st) return { done: true, changed: [] };
    if (st.epoch !== null && res.epoch !== st.epoch) {
      // Restored while bootstrapping: start over on the new epoch.
      outbox.requeueAcked();
      db.transaction(() => this.beginBootstrap(station, true))();
      this.log(`bootstrap ${station}: epoch changed (${st.epoch} → ${res.epoch}), starting over`);
      return { done: false, changed: ['flight'] };
    }
    const asOf = st.asOf ?? res.asOf;
    const epoch = st.epoch ?? res.epoch;
    const changed = new Set<EntityKind>();
    const at = this.o.now().toISOString();
    db.transaction(() => {
      for (const k of cache.applySnapshotChanges(res.changes)) changed.add(k);
      if (res.nextPage === null) {
        db.prepare(
          `INSERT INTO sync_cursor (station, epoch, cursor, head, last_pull_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(station) DO UPDATE SET epoch = excluded.epoch, cursor = excluded.cursor, head = excluded.head, last_pull_at = excluded.last_pull_at`,
        ).run(station, epoch, asOf, asOf, at);
        db.prepare('DELETE FROM sync_bootstrap WHERE station = ?').run(station);
        this.reconcile();
      } else {
        db.prepare(
          `UPDATE sync_bootstrap SET epoch = ?, as_of = ?, next_page = ?, applied = applied + ?, total = ?, pages = pages + 1, updated_at = ?
           WHERE station = ?`,
        ).run(epoch, asOf, res.nextPage, res.changes.length, res.total, at, station);
      }
    })();
    if (res.nextPage === null)
      this.log(`bootstrap ${station}: done at seq ${asOf} (${st.applied + res.changes.length} items)`);
    return { done: res.nextPage === null, changed: [...changed] };
  }

  private fetchSnapshotPage(station: string, page: string | null): Promise<SnapshotResponse> {
    return this.o.backend.snapshot({ station, page, limit: this.o.snapshotPageSize }, this.aborter.signal);
  }

  /**
   * Fetches and applies the next snapshot page of a station being bootstrapped. The page after
   * it is requested before this one is applied, so the server's read overlaps the SQLite work
   * (a prefetched page is used only if it is the one the stored progress asks for).
   */
  private async bootstrapStep(station: string, gen: number): Promise<void> {
    const st = this.bootstrapOf(station);
    if (!st) return;
    const ahead = this.prefetched.get(station);
    this.prefetched.delete(station);
    let res: SnapshotResponse;
    try {
      res = await (ahead && ahead.page === st.nextPage && ahead.gen === gen
        ? ahead.promise
        : this.fetchSnapshotPage(station, st.nextPage));
      if (res.nextPage !== null && gen === this.generation) {
        const promise = this.fetchSnapshotPage(station, res.nextPage);
        promise.catch(() => undefined); // its error, if any, surfaces when it is awaited
        this.prefetched.set(station, { page: res.nextPage, gen, promise });
      }
    } catch (err) {
      if (st.nextPage !== null && err instanceof HttpError && (err.status === 400 || err.status === 410)) {
        // The server no longer understands the stored page token (e.g. upgraded), or the packed
        // snapshot it names was replaced and deleted (410): start the pages again; re-applying
        // what is already in the cache is a no-op (version rule), and asOf is the new first page's.
        this.o.db
          .prepare('UPDATE sync_bootstrap SET next_page = NULL, as_of = NULL, applied = 0, pages = 0 WHERE station = ?')
          .run(station);
        this.log(`bootstrap ${station}: page token refused (${err.status}), restarting the pages`);
      }
      throw err;
    }
    if (gen !== this.generation) return;
    const { changed } = this.applySnapshotPage(station, res);
    this.markSuccess();
    if (changed.length > 0) this.o.onChange?.(changed, [station]);
  }

  /** Rebase: confirm acked commands whose effects arrived, re-apply every queued optimistic effect. */
  private reconcile(): void {
    const { db, outbox } = this.o;
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
  }

  /**
   * Backoff after `n` consecutive failures, with full jitter: a uniform draw in
   * [0, min(max, initial·2^(n-1))] (many desks of a station coming back at once spread out).
   */
  backoffMs(n: number, random: () => number = Math.random): number {
    const cap = Math.min(this.o.backoff.maxMs, this.o.backoff.initialMs * 2 ** Math.max(0, n - 1));
    return Math.round(cap * random());
  }

  /**
   * Applies one pull response: a page in one transaction, or the start of a snapshot bootstrap
   * (resync). Exposed for tests.
   */
  applyPull(station: string, res: PullResponse): { changed: EntityKind[]; bootstrap: boolean } {
    const { db, cache, outbox } = this.o;
    const stored = this.cursorOf(station);
    const epochChanged = stored.epoch !== null && res.epoch !== stored.epoch;
    // A desk starting from nothing on a log that no longer starts at 1 cannot replay it (what was
    // compacted away would be lost): it bootstraps from the snapshot too.
    const trimmedForNewDesk = stored.cursor === 0 && res.retention.minSeq > 1;
    if (res.resync || epochChanged || trimmedForNewDesk) {
      // Epoch changed = server restored from a backup: what it acknowledged after the
      // restore point may be gone, so those commands go out again (the server dedupes).
      // A cursor ahead of the server's head is the same loss without an epoch change.
      const lost = epochChanged || stored.cursor > res.head;
      if (epochChanged) outbox.requeueAcked();
      db.transaction(() => this.beginBootstrap(station, lost))();
      if (lost) this.caughtUp.clear();
      else this.caughtUp.delete(station);
      this.log(
        `resync of ${station} from its snapshot (${lost ? 'server restored: cache cleared' : 'cursor past retention'}; epoch ${stored.epoch ?? '-'} → ${res.epoch})`,
      );
      for (const s of this.sleepers.values()) s.wake();
      return { changed: lost ? ['flight'] : [], bootstrap: true };
    }
    const from = stored.cursor;
    const plan = planApply(res.entries, from, (kind, id) => cache.versionOf(kind, id));
    db.transaction(() => {
      for (const w of plan.writes) cache.write(w);
      db.prepare(
        `INSERT INTO sync_cursor (station, epoch, cursor, head, last_pull_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(station) DO UPDATE SET epoch = excluded.epoch, cursor = excluded.cursor, head = excluded.head, last_pull_at = excluded.last_pull_at`,
      ).run(station, res.epoch, Math.max(from, plan.cursor), res.head, this.o.now().toISOString());
      this.reconcile();
    })();
    return { changed: [...new Set(plan.writes.map((w) => w.kind))], bootstrap: false };
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
        if (this.bootstrapOf(station)) {
          // Snapshot bootstrap under way (also after a restart): one page per turn, resumable.
          await this.bootstrapStep(station, gen);
          failures = 0;
          continue;
        }
        const c = this.cursorOf(station);
        const wait = this.caughtUp.has(station) ? this.o.waitSeconds : 0;
        const res = await this.o.backend.pull(
          { station, cursor: c.cursor, epoch: c.epoch, limit: this.o.pageSize },
          wait,
          this.aborter.signal,
        );
        if (gen !== this.generation) return;
        const { changed, bootstrap } = this.applyPull(station, res);
        failures = 0;
        this.markSuccess();
        if (changed.length > 0) this.o.onChange?.(changed, [station]);
        // Anything still pending (e.g. re-queued after a restore) goes out now; a push retry
        // that is already armed keeps its backoff.
        if (!this.pushing && !this.pushTimer && this.o.outbox.pendingCount() > 0) this.schedulePush(0);
        if (res.hasMore || bootstrap) {
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
          const batch = this.o.outbox.nextBatch(this.isolate > 0 ? 1 : this.batchLimit, user);
          if (batch.length === 0) break;
          const ids = batch.map((c) => c.commandId);
          if (this.o.beforePush) {
            try {
              await this.o.beforePush();
            } catch (err) {
              if (!this.running || user !== this.user) return;
              this.pushFailures += 1;
              this.markFailure(err, 'desk enrolment');
              this.schedulePush(this.backoffMs(this.pushFailures));
              return;
            }
            if (!this.running || user !== this.user) return;
          }
          try {
            const res = await this.o.backend.push(batch, this.aborter.signal, user);
            if (!this.running || user !== this.user) return;
            const answered = res.results.filter((r) => ids.includes(r.commandId));
            if (answered.length === 0) throw new Error('push answered none of the commands sent');
            this.o.outbox.recordResults(answered, (ref) => this.refVersion(ref));
            if (this.isolate > 0) this.isolate -= 1;
            this.pushFailures = 0;
            // Additive increase after a timeout halved the batch (AIMD, like TCP's window).
            this.batchLimit = Math.min(MAX_PUSH_BATCH, this.batchLimit + 5);
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
            // A slow backend: the abandoned batch may still be applied there (the retry is
            // deduplicated by commandId); send less at a time so each push fits in the timeout.
            if (err instanceof BackendTimeoutError) this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
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
    // A timeout is a slow backend, not a lost network: the desk stays online (it pulls fine).
    if (err instanceof NetworkError && !(err instanceof BackendTimeoutError)) this.online = false;
    this.lastError = `${what}: ${(err as Error).message}`;
    this.log(this.lastError);
    this.o.onStatus?.();
  }

  private log(msg: string): void {
    this.o.log?.(`[sync] ${msg}`);
  }
}

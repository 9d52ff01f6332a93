import path from 'node:path';
import { parseBoardingPass } from '../shared/boarding-pass.js';
import type { EventName, EventPayload, Session, StationChoice, SyncStatus } from '../shared/rpc/contract.js';
import { adminHandlers } from './admin/policy-admin.js';
import { cognitoAuthApi, type CognitoAuthApi, type CognitoConfig } from './auth/cognito.js';
import { OfflineCredentials } from './auth/offline.js';
import { AuthService, NotSignedInError } from './auth/session.js';
import { BulkCare } from './commands/bulk.js';
import { CommandService } from './commands/service.js';
import { ForbiddenError } from './errors.js';
import { CacheWriter } from './db/cache.js';
import { openDatabase, noKey, type Db, type KeyProvider } from './db/open.js';
import { Outbox } from './db/outbox.js';
import { CacheQueries } from './db/queries.js';
import { BoardStatsQuery } from './db/board-stats.js';
import { DeskIdentity } from './desk/identity.js';
import { createDispatch, type Dispatch, type RpcHandlers } from './rpc/dispatch.js';
import { BackendClient } from './sync/backend.js';
import { SyncEngine, type SyncEngineOptions } from './sync/engine.js';
import { VoucherService } from './voucher/service.js';

export interface DeskConfig {
  /** Folder for the desk database (`desk.db`). */
  dataDir: string;
  /** Backend base URL, e.g. `http://127.0.0.1:4100`. */
  apiUrl: string;
  cognito: CognitoConfig;
  keyProvider?: KeyProvider;
  /** Electron-ABI build of the SQLite addon (see openDatabase); omitted under Node. */
  nativeBinding?: string;
  /** Stations an admin (`custom:stations` = `*`) syncs; none by default. */
  adminStations?: string[];
  fetch?: typeof fetch;
  /** Test seam: a stand-in for Cognito. The app always uses the real SDK client. */
  cognitoApi?: CognitoAuthApi;
  sync?: Partial<Pick<SyncEngineOptions, 'waitSeconds' | 'minPollIntervalMs' | 'pageSize' | 'snapshotPageSize' | 'backoff'>>;
  /** Offline sign-in and idle lock (env: JETWAY_OFFLINE_WINDOW_HOURS, JETWAY_IDLE_LOCK_MINUTES). */
  auth?: {
    /** Hours after the last online sign-in at this desk during which a user may unlock offline (72). */
    offlineWindowHours?: number;
    /** Idle minutes before the session locks (10); 0 = never. */
    idleLockMinutes?: number;
    /** Wrong offline passwords before offline unlock is locked for that user (5), and for how long (30 min). */
    offlineMaxAttempts?: number;
    offlineLockoutMinutes?: number;
    /** Test seam: scrypt parameters (tests may lower N). */
    kdf?: { N: number; r: number; p: number; keyLen: number };
    /** Test seam: the clock of sign-in, the offline window and the idle lock. */
    now?: () => Date;
  };
  /**
   * The desk's enrolment and voucher serial blocks (issue #10): the name it enrols under, and
   * when and by how much its serial block is refilled (below 50 left → 200 more).
   */
  desk?: { name?: string; refillBelow?: number; blockSize?: number };
  /**
   * Electron's print path for `voucher:print` (the shell passes webContents.print of the desk window);
   * absent in web mode, where the renderer prints with window.print().
   */
  print?: (format: 'page' | 'receipt') => Promise<{ printed: boolean; reason: string | null }>;
  log?: (msg: string) => void;
}

export type DeskEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The running desk: what a transport needs (dispatch + events) and a way to shut it down. */
export interface Desk {
  dispatch: Dispatch;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  db: Db;
  engine: SyncEngine;
  close(): Promise<void>;
}

/**
 * The composition root: builds every desk service once, with its dependencies passed in.
 * Used by the Electron shell (src/main/index.ts) and by web mode (src/main/web/server.ts).
 */
export function createDesk(cfg: DeskConfig): Desk {
  const log = cfg.log ?? ((m: string) => console.log(m));
  const db = openDatabase(path.join(cfg.dataDir, 'desk.db'), {
    keyProvider: cfg.keyProvider ?? noKey,
    ...(cfg.nativeBinding ? { nativeBinding: cfg.nativeBinding } : {}),
  });
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const emit = (event: EventName, payload: unknown): void => {
    for (const l of listeners) l(event, payload);
  };

  const cache = new CacheWriter(db);
  const outbox = new Outbox(db);
  // The viewer (signed-in user + online state) decides money controls, queues and approvals.
  const queries = new CacheQueries(db, {
    viewer: () => {
      const s = auth.session();
      return s === null
        ? null
        : { username: s.username, role: s.role, stations: s.stations, online: !s.offline && engine.status().online };
    },
  });
  const boardStats = new BoardStatsQuery(db);
  const offlineCredentials = new OfflineCredentials(db, {
    windowHours: cfg.auth?.offlineWindowHours,
    maxAttempts: cfg.auth?.offlineMaxAttempts,
    lockoutMinutes: cfg.auth?.offlineLockoutMinutes,
    kdf: cfg.auth?.kdf,
  });
  const idleLockMs = (cfg.auth?.idleLockMinutes ?? 10) * 60_000;
  const auth = new AuthService(cfg.cognitoApi ?? cognitoAuthApi(cfg.cognito), cfg.auth?.now, {
    offline: offlineCredentials,
    idleLockMs,
    onChange: (s) => emit('session:changed', s),
  });
  // Idle lock: checked on every read and by this timer (so the screen clears while nobody touches it).
  const idleTimer =
    idleLockMs > 0 ? setInterval(() => auth.checkIdle(), Math.min(15_000, Math.max(1000, idleLockMs / 4))) : null;
  idleTimer?.unref();
  const backend = new BackendClient({ apiUrl: cfg.apiUrl, tokens: auth, ...(cfg.fetch ? { fetch: cfg.fetch } : {}) });
  // This desk's key, enrolment and serial blocks. Enrolment happens online, transparently, with
  // the first signed-in user's token (at sign-in and before any push: pushes wait for it).
  const desk = new DeskIdentity(db, cfg.desk ?? {});
  let ensuring: Promise<void> | null = null;
  const ensureDesk = (): Promise<void> =>
    (ensuring ??= desk.ensure(backend, log).finally(() => {
      ensuring = null;
      statusChanged();
    }));

  let statusTimer: NodeJS.Timeout | null = null;
  const syncStatus = (): SyncStatus => {
    const s = engine.status();
    const session = auth.session();
    return {
      signedIn: session !== null,
      online: s.online,
      // The signed-in user's commands only (other users' wait for them; see outbox:waiting).
      pendingCommands: session === null ? 0 : outbox.count(session.username),
      stations: engine.cursors().filter((c) => syncedStations(session).includes(c.station)),
      lastSyncAt: s.lastSyncAt,
      lastError: s.lastError ?? (session === null ? null : outbox.lastError(session.username)),
      needsAttention: session === null ? 0 : commands.attention(session).length,
      bootstrap: engine
        .bootstraps()
        .filter((b) => syncedStations(session).includes(b.station))
        .map((b) => ({ station: b.station, applied: b.applied, total: b.total })),
    };
  };
  // Coalesce bursts (every pull reports) into at most ~10 status events a second.
  let closed = false;
  const statusChanged = (): void => {
    if (statusTimer || closed) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      emit('sync:status', syncStatus());
    }, 100);
  };

  const engine = new SyncEngine({
    db,
    cache,
    outbox,
    backend,
    ...cfg.sync,
    // Commands belong to their author: the engine pushes only the signed-in user's, under their token.
    currentUser: () => auth.session()?.username ?? null,
    beforePush: ensureDesk,
    onChange: (kinds, stations) => emit('data:changed', { kinds, stations }),
    onStatus: statusChanged,
    log,
  });
  const commands = new CommandService({
    outbox,
    queries,
    deskId: desk.deskId,
    desk,
    onQueued: () => engine.kickPush(),
    // An offline session (unlocked against the stored hash) is offline whatever the network.
    isOnline: () => auth.session()?.offline !== true && engine.status().online,
  });
  // Bulk care (issue #12): item by item through the same command service, progress as events.
  const bulk = new BulkCare({
    commands,
    queries,
    session: () => requireSession(),
    isOnline: () => auth.session()?.offline !== true && engine.status().online,
    progress: (p) => emit('care:bulkProgress', p),
    changed: () => {
      emit('data:changed', { kinds: ['entitlement', 'case'], stations: [] });
      statusChanged();
    },
    log,
  });

  // Printed vouchers (issue #12): from the cache; each print is a note on the case (the audit trail).
  const vouchers = new VoucherService({
    queries,
    outbox,
    addCaseNote: (caseId, text, session) => commands.addCaseNote(caseId, text, session),
  });

  // An admin (`*`) syncs the configured admin stations plus the one picked in the top bar.
  let pick: { user: string; station: string | null } | null = null;
  const pickOf = (s: Session | null): string | null => (s !== null && pick?.user === s.username ? pick.station : null);
  const syncedStations = (s: Session | null): string[] =>
    s === null
      ? []
      : s.stations.includes('*')
        ? [...new Set([...(cfg.adminStations ?? []), ...(pickOf(s) ? [pickOf(s)!] : [])])]
        : s.stations;
  const stationChoice = async (): Promise<StationChoice> => {
    const s = requireSession();
    const any = s.stations.includes('*');
    const synced = syncedStations(s);
    if (!any) return { any, synced, selected: null, choices: synced };
    const known = new Set([...synced, ...engine.cursors().map((c) => c.station)]);
    // Stations named in the user pool (online admins only; best effort, the picker also takes a typed code).
    if (s.role === 'admin' && !s.offline)
      await Promise.resolve()
        .then(() => admin['user:list']({}))
        .then((r) => r.users.flatMap((u) => u.stations).forEach((x) => x !== '*' && known.add(x)))
        .catch(() => undefined);
    return { any, synced, selected: pickOf(s), choices: [...known].sort() };
  };
  /** Online session: sync its stations; offline session: nothing is pushed or pulled until an online sign-in. */
  const startSessionSync = async (s: Session): Promise<void> => {
    if (s.offline) await engine.stop();
    else {
      desk.reconfirm();
      await engine.start(syncedStations(s));
      // Enrol (first online sign-in) and refill serials now, not only when a command is pushed.
      void ensureDesk().catch((err: unknown) => log(`[desk] enrolment failed (retried before the next push): ${(err as Error).message}`));
    }
    statusChanged();
  };
  const requireSession = (): Session => {
    const s = auth.session();
    if (!s) throw new NotSignedInError('sign in first');
    return s;
  };

  /** A command was queued: tell the renderer what to re-query and refresh the status bar. */
  const queued = <T>(kinds: string[], ack: T): T => {
    auth.touch(); // a command is a user action: it postpones the idle lock (reads may be automatic)
    emit('data:changed', { kinds, stations: [] });
    statusChanged();
    return ack;
  };

  const admin = adminHandlers({ backend, session: () => auth.session() });

  const handlers: RpcHandlers = {
    ...admin,
    'station:list': () => stationChoice(),
    'station:select': async ({ station }) => {
      const s = requireSession();
      if (!s.stations.includes('*')) throw new ForbiddenError('only an admin picks any station');
      pick = { user: s.username, station };
      log(`[desk] ${s.username} shows station ${station ?? '(none)'}`);
      if (!s.offline) await engine.start(syncedStations(s));
      statusChanged();
      return stationChoice();
    },
    'session:signIn': async ({ username, password }) => {
      const r = await auth.signIn(username, password);
      if (!('challenge' in r)) await startSessionSync(r);
      return r;
    },
    'session:respond': async (answer) => {
      const r = await auth.respond(answer);
      if (!('challenge' in r)) await startSessionSync(r);
      return r;
    },
    'session:unlock': ({ password }) => auth.unlock(password),
    'session:activity': () => ({ locked: auth.touch() }),
    'session:probe': async () => {
      // Is the backend reachable again? (An offline session then offers an online sign-in to sync.)
      try {
        const r = await (cfg.fetch ?? fetch)(`${cfg.apiUrl.replace(/\/$/, '')}/v1/health`, {
          signal: AbortSignal.timeout(3000),
        });
        return { reachable: r.ok };
      } catch {
        return { reachable: false };
      }
    },
    'session:get': () => auth.state(),
    'session:signOut': async () => {
      pick = null;
      await engine.stop();
      auth.signOut();
      statusChanged();
      return { signedOut: true };
    },
    'board:flights': ({ station }) => {
      const session = requireSession();
      if (!syncedStations(session).includes(station))
        throw new ForbiddenError(`station ${station} is not one of your stations`);
      return queries.board(station);
    },
    'board:stats': ({ station, day }) => {
      const session = requireSession();
      if (!syncedStations(session).includes(station))
        throw new ForbiddenError(`station ${station} is not one of your stations`);
      return boardStats.stats(station, day);
    },
    'flight:get': ({ flightId }) => {
      requireSession();
      return queries.flight(flightId);
    },
    'flight:passengers': ({ flightId }) => {
      requireSession();
      return queries.flightPassengers(flightId);
    },
    'passenger:search': ({ query, limit, offset }) => {
      requireSession();
      return queries.search(query, limit, offset);
    },
    'passenger:scan': ({ barcode }) => {
      requireSession();
      // Decoded here, not in the renderer: one rule for what a readable pass is and whose it is.
      const read = parseBoardingPass(barcode);
      if (!read.ok) return { status: 'unreadable', code: read.code, field: read.field, reason: read.reason };
      return queries.scan(read.pass);
    },
    'case:get': ({ caseId }) => {
      requireSession();
      return queries.caseView(caseId);
    },
    'entitlement:issue': ({ entitlementId, confirmation, care }) =>
      queued(['entitlement', 'case'], commands.issueEntitlement(entitlementId, requireSession(), confirmation, care)),
    'approval:request': ({ entitlementId, reason, confirmation }) =>
      queued(['entitlement', 'case'], commands.requestApproval(entitlementId, reason, requireSession(), confirmation)),
    'approval:decide': ({ approvalId, decision, reason }) =>
      queued(
        ['approval', 'entitlement', 'case'],
        commands.decideApproval(approvalId, decision, reason, requireSession()),
      ),
    'approval:list': ({ station }) => {
      requireSession();
      return { items: queries.approvalList(station) };
    },
    'issuance:void': ({ issuanceId, reason }) =>
      queued(['issuance', 'entitlement', 'case'], commands.voidIssuance(issuanceId, reason, requireSession())),
    'case:claim': ({ caseId }) => queued(['case'], commands.claimCase(caseId, requireSession())),
    'case:release': ({ caseId }) => queued(['case'], commands.releaseCase(caseId, requireSession())),
    'case:assign': ({ caseId, assignee }) => queued(['case'], commands.assignCase(caseId, assignee, requireSession())),
    'case:close': ({ caseId, reason }) => queued(['case'], commands.closeCase(caseId, reason, requireSession())),
    'case:note': ({ caseId, text }) => queued(['case'], commands.addCaseNote(caseId, text, requireSession())),
    'case:choice': ({ caseId, choice, reason }) =>
      queued(['case'], commands.recordChoice(caseId, choice, reason, requireSession())),
    'case:cotravellers': ({ caseId }) => {
      requireSession();
      queries.caseView(caseId); // the case must be one of the user's stations
      return queries.coTravellers(caseId);
    },
    'voucher:document': ({ issuanceId, printId }) => {
      const r = vouchers.document(issuanceId, printId, requireSession());
      return r.noteQueued ? queued(['case'], r.doc) : r.doc;
    },
    'voucher:print': ({ format }) => {
      requireSession();
      if (!cfg.print) throw new ForbiddenError('printing through the main process is for the desktop app; web mode prints from the browser');
      return cfg.print(format);
    },
    'care:bulkPlan': ({ flightId, type, passengerIds }) => bulk.plan(flightId, type, passengerIds),
    'care:bulkIssue': ({ flightId, type, passengerIds, confirmation }) =>
      queued([], bulk.start(flightId, type, passengerIds, confirmation)),
    'care:bulkRun': ({ runId }) => bulk.get(runId),
    'care:bulkRetry': ({ runId, confirmation }) => queued([], bulk.retry(runId, confirmation)),
    'queue:list': ({ queue, station, limit, offset }) => {
      requireSession();
      return queries.queue(queue, station, limit, offset);
    },
    'team:load': ({ station }) => {
      requireSession();
      return queries.teamLoad(station);
    },
    'sync:status': () => syncStatus(),
    'desk:info': () => {
      requireSession();
      return desk.info();
    },
    'sync:now': async () => {
      requireSession();
      await engine.syncNow();
      return syncStatus();
    },
    'attention:list': () => ({
      // The signed-in user's items only (supervisors also see items queued before authors were recorded).
      items: commands.attention(requireSession()).map((a) => ({
        commandId: a.commandId,
        type: a.type,
        entitlementId: queries.entitlementOfRef(a.entityRef),
        code: a.code,
        message: a.message,
        createdAt: a.createdAt,
        caseId: a.caseId,
      })),
    }),
    'attention:retry': ({ commandId }) =>
      queued(['entitlement', 'case', 'approval', 'issuance'], commands.retryAttention(commandId, requireSession())),
    'attention:dismiss': ({ commandId, note }) =>
      queued(['case'], commands.dismissAttention(commandId, note, requireSession())),
    'outbox:waiting': () => ({
      items: commands.waiting(requireSession()).map((w) => ({
        commandId: w.commandId,
        type: w.type,
        station: w.station,
        createdBy: w.createdBy,
        createdAt: w.createdAt,
      })),
    }),
    'outbox:release': ({ commandIds }) => {
      const session = requireSession();
      const r = commands.releaseCommands(commandIds, session);
      log(`[outbox] ${session.username} released ${r.released.length} command(s) of other users: ${r.released.join(', ')}`);
      return queued([], r);
    },
  };

  return {
    dispatch: createDispatch(handlers, (msg, err) => log(`${msg}: ${(err as Error)?.stack ?? String(err)}`), {
      // Signed in and not idle-locked: only PUBLIC_CHANNELS answer otherwise.
      signedIn: () => {
        const s = auth.session();
        return s !== null && !('locked' in s && s.locked === true);
      },
    }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    db,
    engine,
    async close() {
      bulk.stop();
      await engine.stop();
      closed = true;
      if (statusTimer) clearTimeout(statusTimer);
      if (idleTimer) clearInterval(idleTimer);
      listeners.clear();
      db.close();
    },
  };
}

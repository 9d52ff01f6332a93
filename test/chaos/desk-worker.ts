/**
 * One chaos desk: the desk's services (createDesk, the composition root the Electron shell and
 * web mode use) in their own Node process, on their own data dir and desk secret, driven only
 * through the desk RPC `dispatch`. The chaos runner (./run.ts) forks it with an IPC channel:
 *
 *   node --import tsx test/chaos/desk-worker.ts '<json WorkerArgs>'
 *
 * and sends it requests ({@link WorkerRequest}); it answers each with a reply and reports every
 * command it creates twice: over IPC, and as a line appended (and fsynced) to
 * `<dataDir>/created.jsonl` so a SIGKILL loses nothing the runner must later check.
 * "Offline" is a fetch wrapper that fails while the network is cut (the desk's only seam).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createRng, type Rng } from '../../backend/src/local/demo/prng.js';
import { ENTITY_TABLES } from '../../src/main/db/entities.js';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { createDesk, type Desk } from '../../src/main/services.js';
import type {
  ApprovalView,
  BoardResponse,
  CaseView,
  Channel,
  EntitlementView,
  FlightPassengersResponse,
  RpcResult,
  SyncStatus,
} from '../../src/shared/rpc/contract.js';
import { canonicalHash, type TableDigest } from './hash.js';

export interface WorkerArgs {
  index: number;
  dataDir: string;
  secret: string;
  apiUrl: string;
  cognito: { endpoint: string; region: string; clientId: string; userPoolId: string };
  station: string;
  /** The station's users that may sign in at this desk. */
  users: string[];
  password: string;
}

export type WorkerRequest =
  | { t: 'signIn'; user: string }
  | { t: 'signOut' }
  | { t: 'net'; up: boolean }
  | { t: 'act'; count: number; seed: string; paceMs: number }
  | { t: 'drain'; timeoutMs: number }
  | { t: 'catchUp'; heads: Record<string, number>; timeoutMs: number }
  | { t: 'attention' }
  | { t: 'digest' }
  | { t: 'outbox' }
  | { t: 'stop' };

export interface CreatedCommand {
  desk: number;
  commandId: string;
  author: string;
  channel: Channel;
  at: string;
}

/** A case the desk can act on, with what it showed last time we looked. */
interface Target {
  caseId: string;
  view: CaseView | null;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const network = { up: true };
const createdLog = openSync(path.join(args.dataDir, 'created.jsonl'), 'a');
const say = (line: string) => process.send?.({ t: 'log', desk: args.index, line });

const desk: Desk = createDesk({
  dataDir: args.dataDir,
  keyProvider: webKeyProvider({ dataDir: args.dataDir, env: { JETWAY_DESK_SECRET: args.secret } }),
  apiUrl: args.apiUrl,
  cognito: args.cognito,
  fetch: async (input, init) => {
    if (!network.up) throw new TypeError('fetch failed (chaos: desk offline)');
    if (!process.env.JETWAY_CHAOS_DESK_LOG || !String(input).includes('/v1/sync/push')) return fetch(input, init);
    const t0 = Date.now();
    const res = await fetch(input, init);
    const n = (JSON.parse(String(init?.body)) as { commands: unknown[] }).commands.length;
    say(`push of ${n} command(s): HTTP ${res.status} in ${Date.now() - t0} ms`);
    return res;
  },
  sync: { waitSeconds: 1, minPollIntervalMs: 150, backoff: { initialMs: 200, maxMs: 2000 } },
  auth: { idleLockMinutes: 0 },
  log: process.env.JETWAY_CHAOS_DESK_LOG ? (m) => say(m) : () => undefined,
});

async function rpc<T>(channel: Channel, request: unknown = {}): Promise<RpcResult<T>> {
  return (await desk.dispatch(channel, request)) as RpcResult<T>;
}
async function call<T>(channel: Channel, request: unknown = {}): Promise<T> {
  const r = await rpc<T>(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let user: string | null = null;

function record(channel: Channel, commandId: string): void {
  const c: CreatedCommand = { desk: args.index, commandId, author: user!, channel, at: new Date().toISOString() };
  // Durable before the runner hears of it: the runner reads these files after the run.
  writeSync(createdLog, `${JSON.stringify(c)}\n`);
  fsyncSync(createdLog);
  process.send?.({ t: 'created', command: c });
}

/**
 * An ONLINE sign-in. While the cloud restarts, Cognito is down and the desk unlocks offline
 * against its stored password hash (a session that never syncs until an online sign-in, by
 * design): sign that session out and try again, as a user would once the network is back.
 */
async function signIn(u: string): Promise<unknown> {
  const end = Date.now() + 120_000;
  for (;;) {
    const r = await rpc<{ offline?: boolean }>('session:signIn', { username: u, password: args.password });
    if (r.ok && r.value.offline !== true) {
      user = u;
      return r.value;
    }
    if (r.ok) await rpc('session:signOut');
    if (Date.now() > end) throw new Error(`sign-in ${u}: ${r.ok ? 'only an offline session' : `${r.error.code} ${r.error.message}`}`);
    await sleep(500);
  }
}

// --- what there is to act on (read through the RPC, like the UI) ---

let targets: Target[] = [];
let targetsAt = 0;
async function refreshTargets(): Promise<void> {
  const board = await call<BoardResponse>('board:flights', { station: args.station });
  const next: Target[] = [];
  for (const f of board.flights.filter((x) => x.caseCount > 0)) {
    const fp = await call<FlightPassengersResponse>('flight:passengers', { flightId: f.id });
    for (const row of fp.rows) if (row.case) next.push({ caseId: row.case.id, view: null });
  }
  targets = next;
  targetsAt = Date.now();
}

async function caseView(rng: Rng): Promise<CaseView | null> {
  if (targets.length === 0 || Date.now() - targetsAt > 5000) await refreshTargets();
  if (targets.length === 0) return null;
  const t = rng.pick(targets);
  const r = await rpc<CaseView>('case:get', { caseId: t.caseId });
  return r.ok ? r.value : null;
}

const REASONS = ['stranded overnight', 'checked the clause', 'passenger asked twice', 'chaos run', 'duplicate check'];
const METHODS = ['bank_transfer', 'cheque', 'cash', 'travel_voucher'] as const;

function confirmationFor(e: EntitlementView, rng: Rng): unknown {
  if (!e.controls?.needsConfirmation) return null;
  const paymentMethod = e.type === 'cash' ? rng.pick(METHODS) : 'in_kind_voucher';
  const agreement =
    paymentMethod === 'travel_voucher' && e.controls.voucherNeedsAgreement ? 'passenger agreed to a voucher' : null;
  return { paymentMethod, passengerAgreement: agreement };
}

type Action = 'note' | 'claim' | 'release' | 'assign' | 'issue' | 'request' | 'decide' | 'void';

/** One random action through the RPC; returns the channel and command id it created, or null (refused locally). */
async function actOnce(rng: Rng): Promise<{ channel: Channel; commandId: string } | null> {
  const session = await call<{ role: string; stations: string[] } | null>('session:get');
  if (!session) return null;
  const supervisor = session.role === 'supervisor' || session.role === 'admin';
  const action = rng.weighted<Action>([
    ['note', 3],
    ['claim', 2],
    ['release', 1.5],
    ['assign', supervisor ? 1.5 : 0],
    ['issue', 4],
    ['request', supervisor ? 0 : 3],
    ['decide', supervisor ? 4 : 0],
    ['void', supervisor ? 1.5 : 0],
  ]);
  const send = async (channel: Channel, request: unknown) => {
    const r = await rpc<{ commandId: string }>(channel, request);
    return r.ok ? { channel, commandId: r.value.commandId } : null;
  };
  if (action === 'decide') {
    const list = await call<{ items: ApprovalView[] }>('approval:list', { station: args.station });
    const open = list.items.filter((a) => a.canDecide && a.status === 'PENDING' && a.pendingDecision === null);
    if (open.length === 0) return null;
    const a = rng.pick(open);
    return send('approval:decide', {
      approvalId: a.id,
      decision: rng.chance(0.75) ? 'approve' : 'deny',
      reason: rng.pick(REASONS),
    });
  }
  const v = await caseView(rng);
  if (!v) return null;
  const caseId = v.case.id;
  switch (action) {
    case 'note':
      return send('case:note', { caseId, text: `chaos note ${rng.int(1, 1_000_000)}` });
    case 'claim':
      return send('case:claim', { caseId });
    case 'release':
      return send('case:release', { caseId });
    case 'assign':
      return send('case:assign', { caseId, assignee: rng.pick(args.users) });
    case 'issue': {
      const ents = v.entitlements.filter((e) => e.effectiveStatus === 'OFFERED' && e.syncState !== 'pending');
      if (ents.length === 0) return null;
      // Mostly what the desk allows; sometimes a blocked one (the desk refuses it locally).
      const e = rng.pick(ents);
      return send('entitlement:issue', { entitlementId: e.id, confirmation: confirmationFor(e, rng) });
    }
    case 'request': {
      const ents = v.entitlements.filter((e) => e.controls?.canRequestApproval && e.syncState !== 'pending');
      if (ents.length === 0) return null;
      const e = rng.pick(ents);
      return send('approval:request', {
        entitlementId: e.id,
        reason: rng.pick(REASONS),
        confirmation: confirmationFor(e, rng),
      });
    }
    case 'void': {
      const valid = v.issuances.filter((i) => i.status === 'VALID');
      if (valid.length === 0) return null;
      return send('issuance:void', { issuanceId: rng.pick(valid).id, reason: rng.pick(REASONS) });
    }
  }
  return null;
}

async function act(count: number, seed: string, paceMs: number): Promise<{ created: number; attempts: number }> {
  const rng = createRng(seed);
  let created = 0;
  let attempts = 0;
  while (created < count && attempts < count * 6) {
    attempts++;
    const r = await actOnce(rng);
    if (r) {
      record(r.channel, r.commandId);
      created++;
    }
    if (paceMs > 0) await sleep(rng.int(0, paceMs));
  }
  return { created, attempts };
}

// --- convergence ---

async function status(): Promise<SyncStatus> {
  return call<SyncStatus>('sync:status');
}

/** Online and signed in: wait until none of the signed-in user's commands waits for the server. */
async function drain(timeoutMs: number): Promise<SyncStatus> {
  const end = Date.now() + timeoutMs;
  const session = await call<{ offline: boolean } | null>('session:get');
  if (user && session?.offline) await signIn(user); // an offline session never syncs
  for (;;) {
    const s = await call<SyncStatus>('sync:now').catch(() => null);
    if (s && s.online && s.pendingCommands === 0) return s;
    if (Date.now() > end) throw new Error(`drain timed out for ${user}: ${JSON.stringify(s ?? (await status()))}`);
    await sleep(300);
  }
}

/** Wait until every listed station's cursor reached the server's head the runner read. */
async function catchUp(heads: Record<string, number>, timeoutMs: number): Promise<SyncStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await call<SyncStatus>('sync:now').catch(() => null);
    const behind = Object.entries(heads).filter(([st, h]) => (s?.stations.find((c) => c.station === st)?.cursor ?? -1) < h);
    if (s && s.pendingCommands === 0 && behind.length === 0) return s;
    if (Date.now() > end) throw new Error(`catch-up timed out: behind ${JSON.stringify(behind)} ${JSON.stringify(s)}`);
    await sleep(300);
  }
}

/** Per cache table: entity id → (version, data hash), and the station cursors. Read-only. */
function digest(): { tables: Record<string, TableDigest>; stations: string[] } {
  const tables: Record<string, TableDigest> = {};
  for (const [kind, def] of Object.entries(ENTITY_TABLES)) {
    const rows = desk.db.prepare(`SELECT id, version, data FROM ${def.table}`).all() as {
      id: string;
      version: number;
      data: string;
    }[];
    const t: TableDigest = {};
    for (const r of rows) t[r.id] = [r.version, canonicalHash(JSON.parse(r.data))];
    tables[kind] = t;
  }
  const stations = (desk.db.prepare('SELECT station FROM sync_cursor').pluck().all() as string[]).sort();
  return { tables, stations };
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.t) {
    case 'signIn':
      return signIn(req.user);
    case 'signOut':
      user = null;
      return call('session:signOut');
    case 'net':
      network.up = req.up;
      return { up: network.up };
    case 'act':
      return act(req.count, req.seed, req.paceMs);
    case 'drain':
      return drain(req.timeoutMs);
    case 'catchUp':
      return catchUp(req.heads, req.timeoutMs);
    case 'attention':
      return call('attention:list');
    case 'digest':
      return digest();
    case 'outbox':
      // What the outbox still holds (a command created just before a SIGKILL, before its log line).
      return desk.db.prepare('SELECT command_id FROM outbox').pluck().all();
    case 'stop':
      await desk.close();
      closeSync(createdLog);
      setTimeout(() => process.exit(0), 10);
      return { stopped: true };
  }
}

process.on('message', (m: { id: number; req: WorkerRequest }) => {
  handle(m.req).then(
    (value) => process.send?.({ t: 'reply', id: m.id, ok: true, value }),
    (e: unknown) => process.send?.({ t: 'reply', id: m.id, ok: false, error: (e as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ t: 'ready', desk: args.index });

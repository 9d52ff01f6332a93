/**
 * Chaos simulation (issue #10): several desk processes (./desk-worker.ts: createDesk driven
 * through its RPC) against the local cloud in its own process (./cloud-process.ts, persistent
 * data dir, fixed ports), with random commands, offline periods, SIGKILLed desks (restarted on
 * the same data dir and secret), SIGKILLed and restarted clouds, and user switches on a desk.
 * Every random choice comes from one seed; the timing of processes does not, so a replay
 * repeats the same plan (commands, users, cuts, kills), not the same interleaving.
 *
 * After the chaos: every desk goes online, signs in as each author in turn (commands wait for
 * their author) and drains, then catches up to the server's heads. Checks:
 *   1. each desk's cache equals the server's state for its stations (per table: id, version, data);
 *   2. every command created has a server result (CMD#<id> RESULT), pushed under its author;
 *   3. at most one valid issuance per issuance key; every issuance's serial has its SERIAL# item;
 *   4. every rejected command is in its author's needs-attention list on its desk.
 *
 * `runChaos` is used by ./chaos.test.ts (CI and soak sizes) and by ./main.ts (`npm run chaos`).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchGetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Kafka, logLevel } from 'kafkajs';
import { createDataContext, type DataContext } from '../../backend/src/data/client.js';
import { keys } from '../../backend/src/data/keys.js';
import { demoData } from '../../backend/src/local/demo/index.js';
import { createRng, type Rng } from '../../backend/src/local/demo/prng.js';
import { freePort, isPortFree } from '../../backend/src/local/services/ports.js';
import { isPidAlive } from '../../backend/src/local/services/process.js';
import { buildJetwayEvent, jetwayEventKey } from '../../backend/src/simulator/jetway-event.js';
import { ENTITY_TABLES } from '../../src/main/db/entities.js';
import type { Change, EntityKind, PullResponse, SnapshotResponse } from '../../src/shared/sync/protocol.js';
import type { CloudProcessArgs } from './cloud-process.js';
import type { CreatedCommand, WorkerArgs, WorkerRequest } from './desk-worker.js';
import { canonicalHash, tableHash, type TableDigest } from './hash.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const PASSWORD = 'Jetway-demo-1';
/** Each desk works for one station; `widest` holds every station the others do (its stations: `widestStations`). */
const STATION_USERS: Record<
  string,
  { agents: string[]; supervisors: string[]; widest: string; widestStations: string[] }
> = {
  PHX: {
    agents: ['agent.phx'],
    supervisors: ['super.phx', 'super2.phx'],
    widest: 'super.phx',
    widestStations: ['PHX', 'OAK'],
  },
  LHR: { agents: ['agent.lhr'], supervisors: ['super.lhr'], widest: 'super.lhr', widestStations: ['LHR'] },
};
const DESK_STATIONS = ['PHX', 'PHX', 'LHR'];

export interface ChaosOptions {
  seed: string;
  desks: number;
  commands: number;
  deskKills: number;
  cloudRestarts: number;
  /** Flights cancelled at the start (their passengers' cases are what the desks work on). */
  cancellations?: number;
  /** Generated demo passengers (the CLI seeds 5,000; fewer seed faster). Default 1,000. */
  passengers?: number;
  /** Commands per desk per round. */
  perRound?: number;
  /** Max random pause between two actions of a desk, ms. */
  paceMs?: number;
  workDir?: string;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: string;
  ok: boolean;
  failures: string[];
  created: number;
  byChannel: Record<string, number>;
  results: { applied: number; rejected: number; rejectedByCode: Record<string, number> };
  deskKills: number;
  cloudRestarts: number;
  offlinePeriods: number;
  userSwitches: number;
  issuances: { valid: number; void: number };
  tableHashes: Record<string, Record<string, string>>;
  seconds: { total: number; startup: number; chaos: number; converge: number; checks: number };
  replay: string;
  workDir: string;
}

export const replayCommand = (o: Pick<ChaosOptions, 'seed' | 'desks' | 'commands' | 'deskKills' | 'cloudRestarts'>) =>
  `JETWAY_CHAOS_SEED=${o.seed} npm run chaos -- --desks ${o.desks} --commands ${o.commands} --desk-kills ${o.deskKills} --cloud-restarts ${o.cloudRestarts}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the cloud process

interface CloudInfo {
  apiUrl: string;
  cognito: { endpoint: string; region: string; clientId: string; userPoolId: string };
  kafkaBrokers: string[];
  dynamodbEndpoint: string;
  tablePrefix: string;
  pids: number[];
}

class CloudProcess {
  private proc: ChildProcess | null = null;
  info: CloudInfo | null = null;
  restarts = 0;
  constructor(
    private readonly args: CloudProcessArgs,
    private readonly logFile: string,
    private readonly log: (l: string) => void,
  ) {}

  async start(): Promise<CloudInfo> {
    const t0 = Date.now();
    // The previous run's JVMs are taken down by the service reaper; their ports must be free.
    for (const port of Object.values(this.args.ports)) {
      const end = Date.now() + 30_000;
      while (!(await isPortFree(port))) {
        if (Date.now() > end) throw new Error(`port ${port} still in use after the cloud was killed`);
        await sleep(200);
      }
    }
    const out = openSync(this.logFile, 'a');
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/chaos/cloud-process.ts', JSON.stringify(this.args)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', out],
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    closeSync(out); // the child holds its own copy
    this.proc = proc;
    this.info = await new Promise<CloudInfo>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(
        () => reject(new Error(`the cloud did not start in 240 s (log ${this.logFile})`)),
        240_000,
      );
      proc.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /CHAOS_CLOUD (\{.*\})/.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(JSON.parse(m[1]!) as CloudInfo);
        }
      });
      proc.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`the cloud exited during start (code ${code}, signal ${sig}); log ${this.logFile}`));
      });
    });
    this.log(`cloud up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${this.info.apiUrl})`);
    return this.info;
  }

  /** SIGKILL: no clean shutdown (the reaper stops DynamoDB Local, Kafka and cognito-local). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    const end = Date.now() + 30_000;
    while ((this.info?.pids ?? []).some(isPidAlive) && Date.now() < end) await sleep(200);
    this.proc = null;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    const end = Date.now() + 15_000;
    while ((this.info?.pids ?? []).some(isPidAlive) && Date.now() < end) await sleep(200);
  }
}

// ---------------------------------------------------------------- desk processes

class DeskProcess {
  private proc: ChildProcess | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  user: string | null = null;
  online = true;
  kills = 0;
  constructor(
    readonly args: WorkerArgs,
    private readonly onCreated: (c: CreatedCommand) => void,
    private readonly log: (l: string) => void,
  ) {}

  get station(): string {
    return this.args.station;
  }

  async start(): Promise<void> {
    const proc = fork(path.join(root, 'test/chaos/desk-worker.ts'), [JSON.stringify(this.args)], {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    this.proc = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    proc.on(
      'message',
      (m: {
        t: string;
        id?: number;
        ok?: boolean;
        value?: unknown;
        error?: string;
        command?: CreatedCommand;
        line?: string;
      }) => {
        if (m.t === 'created' && m.command) this.onCreated(m.command);
        else if (m.t === 'log') this.log(`desk${this.args.index}: ${m.line}`);
        else if (m.t === 'reply' && m.id !== undefined) {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.ok) p?.resolve(m.value);
          else p?.reject(new Error(`desk${this.args.index}: ${m.error}`));
        }
      },
    );
    proc.once('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`desk${this.args.index} exited (code ${code}, signal ${signal}) ${signal ? '' : stderr}`));
      this.pending.clear();
    });
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: { t: string }) => {
        if (m.t === 'ready') {
          proc.off('message', onMsg);
          resolve();
        }
      };
      proc.on('message', onMsg);
      proc.once('exit', () => reject(new Error(`desk${this.args.index} failed to start: ${stderr}`)));
    });
    if (!this.online) await this.request({ t: 'net', up: false });
    if (this.user) await this.request({ t: 'signIn', user: this.user });
  }

  request<T = unknown>(req: WorkerRequest): Promise<T> {
    const proc = this.proc;
    if (!proc?.connected) return Promise.reject(new Error(`desk${this.args.index} is not running`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ id, req });
    });
  }

  async signIn(user: string): Promise<void> {
    if (this.user === user) return;
    if (this.user) await this.request({ t: 'signOut' });
    this.user = null;
    await this.request({ t: 'signIn', user });
    this.user = user;
  }

  async setOnline(up: boolean): Promise<void> {
    this.online = up;
    await this.request({ t: 'net', up });
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    await this.request({ t: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- the server's view

async function idToken(cloud: CloudInfo, username: string): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    region: cloud.cognito.region,
    endpoint: cloud.cognito.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const r = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cloud.cognito.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: PASSWORD },
      }),
    );
    return r.AuthenticationResult!.IdToken!;
  } finally {
    client.destroy();
  }
}

type Fold = Map<string, { kind: EntityKind; id: string; version: number; data: Record<string, unknown> | null }>;

/**
 * A station's state through the desk's own APIs: the latest change of every entity, and the head.
 * The whole log from cursor 0 while it is complete; once compaction trimmed it (retention
 * minSeq > 1), the snapshot route's pages and then the log from the snapshot's `asOf`.
 */
async function pullStation(
  cloud: CloudInfo,
  token: string,
  station: string,
): Promise<{ fold: Fold; head: number; minSeq: number }> {
  const fold: Fold = new Map();
  const get = async <T>(route: string): Promise<T> => {
    const res = await fetch(`${cloud.apiUrl}${route}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const put = (c: Change) => {
    const ref = `${c.kind}:${c.id}`;
    const prev = fold.get(ref);
    if (prev && prev.version > c.version) return;
    fold.set(ref, { kind: c.kind, id: c.id, version: c.version, data: c.op === 'delete' ? null : c.data });
  };
  const first = await get<PullResponse>(`/v1/sync/pull?station=${station}&cursor=0&limit=1`);
  const minSeq = first.retention?.minSeq ?? 1;
  let cursor = 0;
  if (minSeq > 1) {
    let page: string | null = null;
    let asOf = 0;
    do {
      const q: string = page ? `&page=${page}` : '';
      const snap: SnapshotResponse = await get<SnapshotResponse>(`/v1/sync/snapshot?station=${station}&limit=1000${q}`);
      if (page === null) asOf = snap.asOf;
      snap.changes.forEach(put);
      page = snap.nextPage;
    } while (page);
    cursor = asOf;
  }
  let head = 0;
  for (;;) {
    const body = await get<PullResponse>(`/v1/sync/pull?station=${station}&cursor=${cursor}&limit=1000`);
    if (body.resync)
      throw new Error(`pull ${station} from ${cursor}: resync (retained from ${body.retention?.minSeq})`);
    for (const e of body.entries) e.changes.forEach(put);
    cursor = body.cursor;
    head = body.head;
    if (!body.hasMore) break;
  }
  return { fold, head, minSeq };
}

function digestOf(folds: Fold[]): Record<string, TableDigest> {
  const merged: Fold = new Map();
  for (const f of folds)
    for (const [ref, c] of f) if (!merged.has(ref) || merged.get(ref)!.version < c.version) merged.set(ref, c);
  const out: Record<string, TableDigest> = Object.fromEntries(Object.keys(ENTITY_TABLES).map((k) => [k, {}]));
  for (const c of merged.values()) {
    if (c.data === null) continue;
    // What the desk stores: the snapshot parsed with the entity's schema (see CacheWriter.write).
    const parsed = ENTITY_TABLES[c.kind].schema.safeParse(c.data);
    out[c.kind]![c.id] = [c.version, canonicalHash(parsed.success ? parsed.data : c.data)];
  }
  return out;
}

async function scanAll(ctx: DataContext, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(
      new ScanCommand({
        TableName: ctx.table,
        FilterExpression: 'begins_with(PK, :p)',
        ExpressionAttributeValues: { ':p': prefix },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

async function batchGet(
  ctx: DataContext,
  ks: { PK: string; SK: string }[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ks.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [ctx.table]: { Keys: ks.slice(i, i + 100), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const r = await ctx.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of r.Responses?.[ctx.table] ?? []) found.set(String(item.PK), item);
      request = r.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0) await sleep(100);
    }
  }
  return found;
}

// ---------------------------------------------------------------- the run

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const rng = createRng(`chaos/${opts.seed}`);
  const workDir = opts.workDir ?? mkdtempSync(path.join(os.tmpdir(), 'jetway-chaos-'));
  mkdirSync(workDir, { recursive: true });
  const perRound = opts.perRound ?? 20;
  const paceMs = opts.paceMs ?? 40;
  // The backend is the bottleneck while every desk drains (one author at a time per desk): allow
  // ~0.6 s of server time per command, at least 10 minutes.
  const drainTimeoutMs = Math.max(600_000, opts.commands * 600);
  const failures: string[] = [];
  const created: CreatedCommand[] = [];
  const seen = new Set<string>();
  const onCreated = (c: CreatedCommand) => {
    if (seen.has(c.commandId)) return;
    seen.add(c.commandId);
    created.push(c);
  };
  const today = new Date().toISOString().slice(0, 10);
  const demo = { seed: 'jetway', today, passengers: opts.passengers ?? 1000 };
  const ports = {
    api: await freePort(),
    dynamodb: await freePort(),
    kafka: await freePort(),
    cognito: await freePort(),
    smtp: await freePort(),
  };
  const cloud = new CloudProcess(
    { dataDir: path.join(workDir, 'cloud'), ports, demo },
    path.join(workDir, 'cloud.log'),
    log,
  );
  const desks: DeskProcess[] = [];
  const counters = { offlinePeriods: 0, userSwitches: 0 };
  log(
    `chaos: seed ${opts.seed}, ${opts.desks} desks, ${opts.commands} commands, ${opts.deskKills} desk kills, ${opts.cloudRestarts} cloud restarts; work dir ${workDir}`,
  );
  const secs = { total: 0, startup: 0, chaos: 0, converge: 0, checks: 0 };
  const tableHashes: Record<string, Record<string, string>> = {};
  const issuanceCounts = { valid: 0, void: 0 };
  const results = { applied: 0, rejected: 0, rejectedByCode: {} as Record<string, number> };

  try {
    // --- startup: cloud, disruptions, desks
    const info = await cloud.start();
    await cancelFlights(info, rng, demo, opts.cancellations ?? Math.max(8, opts.desks * 3), log);
    for (let i = 0; i < opts.desks; i++) {
      const station = DESK_STATIONS[i % DESK_STATIONS.length]!;
      const u = STATION_USERS[station]!;
      const dataDir = path.join(workDir, `desk${i}`);
      mkdirSync(dataDir, { recursive: true });
      desks.push(
        new DeskProcess(
          {
            index: i,
            dataDir,
            secret: randomBytes(18).toString('base64url'),
            apiUrl: info.apiUrl,
            cognito: info.cognito,
            station,
            users: [...u.agents, ...u.supervisors],
            password: PASSWORD,
          },
          onCreated,
          log,
        ),
      );
    }
    await Promise.all(desks.map((d) => d.start()));
    // Each desk starts with a user of its station (agents first: they create most approval requests).
    await Promise.all(desks.map((d, i) => d.signIn(deskUsers(d)[i % deskUsers(d).length]!)));
    await waitForCases(desks, log);
    secs.startup = (Date.now() - t0) / 1000;

    // --- chaos rounds, all from the plan's PRNG
    const t1 = Date.now();
    // Enough rounds for every planned kill and restart to fall inside one (each round ≥ 1 command a desk).
    const rounds = Math.max(
      4,
      opts.deskKills + opts.cloudRestarts + 2,
      Math.ceil(opts.commands / (opts.desks * perRound)),
    );
    const killRounds = spread(rng, opts.deskKills, rounds);
    const restartRounds = spread(rng, opts.cloudRestarts, rounds);
    let round = 0;
    // The planned rounds; then (rare: a killed desk's round ends early) top up to the planned count.
    while (round < rounds || (created.length < opts.commands && round < rounds * 3)) {
      const r = round++;
      // Users switch and networks go down or up between rounds (signed in online only: Cognito may be down otherwise).
      for (const d of desks) {
        if (rng.chance(0.35)) {
          // Agents half the time: they create the approval requests the supervisors decide.
          const u = STATION_USERS[d.station]!;
          const next = rng.chance(0.5) ? rng.pick(u.agents) : rng.pick(u.supervisors);
          if (next !== d.user) counters.userSwitches++;
          await d.signIn(next);
        }
        const up = d.online ? !rng.chance(0.25) : rng.chance(0.6);
        if (!up && d.online) counters.offlinePeriods++;
        if (up !== d.online) await d.setOnline(up);
      }
      const left = Math.max(0, opts.commands - created.length);
      const share = Math.max(1, Math.ceil(left / desks.length / Math.max(1, rounds - r)));
      const acts = desks.map((d, i) =>
        d
          .request<{ created: number }>({ t: 'act', count: share, seed: `${opts.seed}/r${r}/d${i}`, paceMs })
          .catch((e: Error) => ({ created: 0, error: e.message })),
      );
      const chaos: Promise<unknown>[] = [];
      const kills = killRounds.filter((k) => k === r).length;
      // Online desks first: a kill then lands while the desk pushes and pulls (mid-sync).
      const victims = desks.filter((d) => d.online).length >= kills ? desks.filter((d) => d.online) : [...desks];
      for (let k = 0; k < Math.min(kills, desks.length); k++) {
        // Distinct desks within a round (one kill and restart at a time per desk).
        const d = victims.splice(rng.int(0, victims.length - 1), 1)[0]!;
        const delay = rng.int(200, 2500);
        chaos.push(
          (async () => {
            await sleep(delay);
            log(
              `round ${r}: SIGKILL desk${d.args.index} (${d.user}, ${d.online ? 'online' : 'offline'}) after ${delay} ms`,
            );
            await d.kill();
            await d.start();
          })(),
        );
      }
      // Two restarts planned for one round happen one after the other in that round.
      const restarts = restartRounds.filter((k) => k === r).length;
      if (restarts > 0) {
        const plan = Array.from({ length: restarts }, () => ({ delay: rng.int(300, 2000), down: rng.int(0, 3000) }));
        chaos.push(
          (async () => {
            for (const { delay, down } of plan) {
              await sleep(delay);
              log(`round ${r}: SIGKILL the cloud after ${delay} ms; restart after ${down} ms`);
              await cloud.kill();
              await sleep(down);
              await cloud.start();
              cloud.restarts++;
            }
          })(),
        );
      }
      const done = await Promise.all(acts);
      await Promise.all(chaos);
      log(
        `round ${r}: ${done.map((x, i) => `desk${i}[${desks[i]!.user}${desks[i]!.online ? '' : ' offline'}] +${x.created}`).join(' ')} → ${created.length}/${opts.commands}`,
      );
    }
    secs.chaos = (Date.now() - t1) / 1000;

    // --- converge: online; every author drains; every desk catches up to the server's heads
    const t2 = Date.now();
    for (const f of readCreatedLogs(desks)) onCreated(f);
    for (const d of desks) if (!d.online) await d.setOnline(true);
    await Promise.all(
      desks.map(async (d) => {
        const authors = [...new Set(created.filter((c) => c.desk === d.args.index).map((c) => c.author))];
        // Agents first: a supervisor's decision may need the agent's request to be in.
        authors.sort((a, b) => Number(a.startsWith('super')) - Number(b.startsWith('super')));
        for (const a of authors) {
          const ta = Date.now();
          await d.signIn(a);
          await d.request({ t: 'drain', timeoutMs: drainTimeoutMs });
          log(`desk${d.args.index}: ${a} drained in ${((Date.now() - ta) / 1000).toFixed(1)} s`);
        }
      }),
    );
    const leftovers = new Map<number, string[]>();
    for (const d of desks) leftovers.set(d.args.index, await d.request<string[]>({ t: 'outbox' }));
    for (const [i, ids] of leftovers) {
      for (const id of ids)
        if (!seen.has(id)) failures.push(`desk${i}: outbox holds ${id}, which no created log lists`);
      const stuck = ids.filter((id) => seen.has(id));
      if (stuck.length)
        failures.push(
          `desk${i}: ${stuck.length} commands still in the outbox after every author drained (${stuck.slice(0, 3).join(', ')})`,
        );
    }

    const token = await idToken(cloud.info!, 'admin');
    let serverDigests = new Map<number, Record<string, TableDigest>>();
    let deskDigests = new Map<number, Record<string, TableDigest>>();
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const d of desks) await d.signIn(STATION_USERS[d.station]!.widest);
      const stations = new Set<string>();
      const deskStations = new Map<number, string[]>();
      for (const d of desks) {
        // What the desk has synced, and what its widest user syncs now (its cursor row may not exist yet).
        const dg = await d.request<{ stations: string[] }>({ t: 'digest' });
        const all = [...new Set([...dg.stations, ...STATION_USERS[d.station]!.widestStations])].sort();
        deskStations.set(d.args.index, all);
        all.forEach((s) => stations.add(s));
      }
      log(`converge: server heads read for ${[...stations].join(', ')}; desks catching up`);
      const pulled = new Map<string, Awaited<ReturnType<typeof pullStation>>>();
      for (const s of stations) pulled.set(s, await pullStation(cloud.info!, token, s));
      for (const [s, p] of pulled)
        if (p.minSeq > 1) log(`${s}: log retained from ${p.minSeq}; server state = snapshot + log`);
      await Promise.all(
        desks.map((d) =>
          d.request({
            t: 'catchUp',
            heads: Object.fromEntries(deskStations.get(d.args.index)!.map((s) => [s, pulled.get(s)!.head])),
            timeoutMs: 120_000,
          }),
        ),
      );
      deskDigests = new Map();
      for (const d of desks)
        deskDigests.set(
          d.args.index,
          (await d.request<{ tables: Record<string, TableDigest> }>({ t: 'digest' })).tables,
        );
      // The server may have moved on meanwhile (workflows): compare against a fresh read.
      const again = new Map<string, Awaited<ReturnType<typeof pullStation>>>();
      for (const s of stations) again.set(s, await pullStation(cloud.info!, token, s));
      const moved = [...stations].filter((s) => again.get(s)!.head !== pulled.get(s)!.head);
      serverDigests = new Map(
        desks.map((d) => [d.args.index, digestOf(deskStations.get(d.args.index)!.map((s) => again.get(s)!.fold))]),
      );
      if (moved.length === 0) break;
      log(`the server moved on during catch-up (${moved.join(', ')}); again`);
    }
    secs.converge = (Date.now() - t2) / 1000;

    // --- checks
    const t3 = Date.now();
    // 1. desk cache = server state for the desk's stations
    for (const d of desks) {
      const mine = deskDigests.get(d.args.index)!;
      const theirs = serverDigests.get(d.args.index)!;
      tableHashes[`desk${d.args.index}`] = {};
      for (const kind of Object.keys(ENTITY_TABLES)) {
        const a = mine[kind] ?? {};
        const b = theirs[kind] ?? {};
        const ha = tableHash(a);
        const hb = tableHash(b);
        tableHashes[`desk${d.args.index}`]![kind] = ha;
        if (ha === hb) continue;
        const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
        const diffs: string[] = [];
        for (const id of ids) {
          const x = a[id];
          const y = b[id];
          if (!x) diffs.push(`${id}: missing on the desk (server v${y![0]})`);
          else if (!y) diffs.push(`${id}: on the desk (v${x[0]}) but not on the server`);
          else if (x[0] !== y[0]) diffs.push(`${id}: desk v${x[0]}, server v${y[0]}`);
          else if (x[1] !== y[1]) diffs.push(`${id}: same version ${x[0]}, different data`);
        }
        failures.push(
          `desk${d.args.index} ${kind}: hash ${ha} ≠ server ${hb}; ${diffs.length} differ: ${diffs.slice(0, 4).join('; ')}`,
        );
      }
    }
    // 2. every command has a server result, pushed under its author's token
    const ctx = createDataContext({
      endpoint: cloud.info!.dynamodbEndpoint,
      tablePrefix: cloud.info!.tablePrefix,
      region: 'us-east-1',
    });
    try {
      const records = await batchGet(
        ctx,
        created.map((c) => keys.command(c.commandId)),
      );
      const rejected: CreatedCommand[] = [];
      for (const c of created) {
        const rec = records.get(`CMD#${c.commandId}`);
        if (!rec) {
          failures.push(`command ${c.commandId} (${c.channel} by ${c.author} on desk${c.desk}) has no server result`);
          continue;
        }
        const result = rec.result as { status: string; code: string | null };
        if (result.status === 'applied') results.applied++;
        else {
          results.rejected++;
          results.rejectedByCode[result.code ?? '?'] = (results.rejectedByCode[result.code ?? '?'] ?? 0) + 1;
          rejected.push(c);
        }
        if (rec.pushedBy !== c.author && rec.user !== c.author)
          failures.push(`command ${c.commandId} by ${c.author} was pushed by ${String(rec.pushedBy ?? rec.user)}`);
      }
      // 3. money: one valid issuance per key; every serial recorded
      const issuances = (await scanAll(ctx, 'ISSUANCE#')).filter((i) => i.SK === 'META');
      const validByKey = new Map<string, string[]>();
      for (const i of issuances) {
        if (i.status === 'VALID') {
          issuanceCounts.valid++;
          const k = String(i.key ?? i.entitlementId);
          validByKey.set(k, [...(validByKey.get(k) ?? []), String(i.id)]);
        } else issuanceCounts.void++;
      }
      for (const [k, ids] of validByKey)
        if (ids.length > 1) failures.push(`${ids.length} valid issuances for key ${k}: ${ids.join(', ')}`);
      const serials = await batchGet(
        ctx,
        issuances.map((i) => keys.serial(String(i.voucherSerial))),
      );
      for (const i of issuances)
        if (!serials.has(`SERIAL#${String(i.voucherSerial)}`))
          failures.push(`issuance ${String(i.id)}: serial ${String(i.voucherSerial)} has no SERIAL# record`);
      const validPerEnt = new Map<string, number>();
      for (const i of issuances)
        if (i.status === 'VALID')
          validPerEnt.set(String(i.entitlementId), (validPerEnt.get(String(i.entitlementId)) ?? 0) + 1);
      for (const [e, n] of validPerEnt) if (n > 1) failures.push(`entitlement ${e} has ${n} valid issuances`);
      // 4. every rejection is in its author's needs-attention list on the desk that created it
      for (const d of desks) {
        const mine = rejected.filter((c) => c.desk === d.args.index);
        for (const author of new Set(mine.map((c) => c.author))) {
          await d.signIn(author);
          const list = await d.request<{ items: { commandId: string }[] }>({ t: 'attention' });
          const ids = new Set(list.items.map((x) => x.commandId));
          for (const c of mine.filter((x) => x.author === author))
            if (!ids.has(c.commandId))
              failures.push(
                `rejected ${c.commandId} (${c.channel}) is not in ${author}'s needs-attention on desk${d.args.index}`,
              );
        }
      }
    } finally {
      ctx.doc.destroy();
    }
    secs.checks = (Date.now() - t3) / 1000;
  } catch (e) {
    failures.push(`run aborted: ${(e as Error).stack ?? String(e)}`);
  } finally {
    await Promise.all(desks.map((d) => d.stop().catch(() => undefined)));
    await cloud.stop().catch(() => undefined);
  }
  secs.total = (Date.now() - t0) / 1000;
  const byChannel: Record<string, number> = {};
  for (const c of created) byChannel[c.channel] = (byChannel[c.channel] ?? 0) + 1;
  const report: ChaosReport = {
    seed: opts.seed,
    ok: failures.length === 0,
    failures,
    created: created.length,
    byChannel,
    results,
    deskKills: desks.reduce((n, d) => n + d.kills, 0),
    cloudRestarts: cloud.restarts,
    offlinePeriods: counters.offlinePeriods,
    userSwitches: counters.userSwitches,
    issuances: issuanceCounts,
    tableHashes,
    seconds: secs,
    replay: replayCommand(opts),
    workDir,
  };
  if (report.ok && !opts.keep) rmSync(workDir, { recursive: true, force: true });
  return report;
}

const deskUsers = (d: DeskProcess) => [...STATION_USERS[d.station]!.agents, ...STATION_USERS[d.station]!.supervisors];

/** `n` round numbers in [1, rounds - 1] (never the first round: the desks have just started). */
function spread(rng: Rng, n: number, rounds: number): number[] {
  return Array.from({ length: n }, () => rng.int(1, Math.max(1, rounds - 1)));
}

function readCreatedLogs(desks: DeskProcess[]): CreatedCommand[] {
  const out: CreatedCommand[] = [];
  for (const d of desks) {
    const file = path.join(d.args.dataDir, 'created.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as CreatedCommand);
      } catch {
        // a line torn by SIGKILL: the IPC copy (if any) already counted it
      }
    }
  }
  return out;
}

/** Cancels flights touching the desks' stations (carrier's fault: cash and care entitlements). */
async function cancelFlights(
  cloud: CloudInfo,
  rng: Rng,
  demo: { seed: string; today: string; passengers: number },
  n: number,
  log: (l: string) => void,
): Promise<void> {
  const data = demoData(demo);
  const bookings = new Map<string, number>();
  for (const b of data.bookings) bookings.set(b.flightId, (bookings.get(b.flightId) ?? 0) + 1);
  const candidates = data.flights.filter(
    (f) => (bookings.get(f.id) ?? 0) >= 3 && ['PHX', 'LHR'].some((s) => f.origin === s || f.destination === s),
  );
  // Flights between the desks' stations first (UK261 cash above an agent's limit, on both desks'
  // boards: approvals and cross-station races), then random others.
  const between = data.flights.filter(
    (f) => (bookings.get(f.id) ?? 0) > 0 && ['PHX', 'LHR'].includes(f.origin) && ['PHX', 'LHR'].includes(f.destination),
  );
  const chosen: typeof candidates = between.slice(0, Math.ceil(n / 2));
  const available = new Set([...candidates, ...between].map((f) => f.id)).size;
  while (chosen.length < Math.min(n, available)) {
    const f = rng.pick(candidates);
    if (!chosen.some((c) => c.id === f.id)) chosen.push(f);
  }
  const producer = new Kafka({
    clientId: 'jetway-chaos',
    brokers: cloud.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: 'flight-operations',
      messages: chosen.map((f) => {
        const event = buildJetwayEvent(
          { ...f, localDepartureDate: f.id.slice(-10) },
          { kind: 'cancel', reasonCode: rng.pick(['41', '46', '63']) },
        );
        return { key: jetwayEventKey(event), value: JSON.stringify(event) };
      }),
    });
  } finally {
    await producer.disconnect();
  }
  log(`cancelled ${chosen.length} flights: ${chosen.map((f) => f.id).join(', ')}`);
}

/** Until every desk's board shows cases (ingest → workflows → change log → pull). */
async function waitForCases(desks: DeskProcess[], log: (l: string) => void): Promise<void> {
  const end = Date.now() + 120_000;
  for (const d of desks) {
    for (;;) {
      const dg = await d.request<{ tables: Record<string, TableDigest> }>({ t: 'digest' });
      const n = Object.keys(dg.tables.case ?? {}).length;
      if (n > 0) {
        log(`desk${d.args.index} (${d.station}) sees ${n} cases`);
        break;
      }
      if (Date.now() > end) throw new Error(`desk${d.args.index} saw no case in 120 s`);
      await sleep(500);
    }
  }
}

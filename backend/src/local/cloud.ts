/**
 * The local cloud: DynamoDB Local, a Kafka broker, cognito-local, an SMTP sink and an SMS log,
 * with the backend app (./app.ts: API, Kafka ingest, local workflow runner) on top, seeded with
 * demo data. Persistent by default (`.jetway/cloud`: DynamoDB `-dbPath`, Kafka log dirs, Cognito
 * pool, mail and SMS logs survive a restart); ephemeral for tests (temp dir, in-memory DynamoDB,
 * removed on stop). Every port is free-picked unless asked for, so tests run while
 * `npm run cloud` is up. `<dataDir>/cloud.json` lists every endpoint for the desk and tools.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';
import type { Flight } from '../../../src/shared/domain/index.js';
import { createDataContext } from '../data/client.js';
import { seedThroughFeeds } from '../data/seed.js';
// Type-only: ./app.ts (helper C) is loaded lazily, so `app: false` works even when it cannot load.
import type { BackendApp, BackendAppOptions } from './app.js';
import { FLIGHTPULSE_BOOKINGS, FLIGHTPULSE_PASSENGERS } from './demo/flightpulse.js';
import { demoData, type DemoData, type DemoDataOptions } from './demo/index.js';
import { DEMO_PASSWORD, DEMO_USERS, startCognitoLocal, type CognitoLocal } from './services/cognito.js';
import { createTables, localDynamoClient, startDynamoDbLocal, type DynamoDbLocal } from './services/dynamodb.js';
import { FLIGHT_OPERATIONS_DLQ_TOPIC, FLIGHT_OPERATIONS_TOPIC, startKafka, type LocalKafka } from './services/kafka.js';
import { assertPortFree } from './services/ports.js';
import { ServiceError, isPidAlive, onUnexpectedExit } from './services/process.js';
import { createSmsLog, type SmsLog } from './services/sms.js';
import { startSmtpSink, type SmtpSink } from './services/smtp.js';

export const DEFAULT_CLOUD_DIR = path.join(REPO_ROOT, '.jetway', 'cloud');

export interface LocalCloudPorts {
  dynamodb?: number;
  kafka?: number;
  cognito?: number;
  smtp?: number;
  api?: number;
}

export interface LocalCloudOptions {
  /** Persistent state folder (default `.jetway/cloud`); ignored when `ephemeral`. */
  dataDir?: string;
  /** Temp folder + in-memory DynamoDB, all removed on stop (tests). */
  ephemeral?: boolean;
  /** Seed demo data (default true). A persistent cloud seeds once per day (see seedIfNeeded). */
  seed?: boolean;
  /**
   * Return once the core demo data (today's flights + FlightPulse's sample) is written and let the
   * rest (tomorrow, the generated passengers and bookings) stream in through the feeds in the
   * background (`seeding` resolves then). Default: true for a persistent cloud (DynamoDB Local with
   * `-dbPath` syncs every item), false for an ephemeral one (tests want it all).
   */
  backgroundSeed?: boolean;
  /** Demo data options (PRNG seed, today, sizes). */
  demo?: DemoDataOptions;
  ports?: LocalCloudPorts;
  tablePrefix?: string;
  /** Start the backend app (API, ingest, workflows). Default true; false = services only. */
  app?: boolean;
  /** Extra options for startBackendApp (e.g. an isolated ingest consumer group in tests). */
  appOptions?: Partial<BackendAppOptions>;
  /**
   * Called if a service process dies while the cloud runs (not during stop). The cloud does not
   * restart it; the CLI reports it and shuts everything down.
   */
  onCrash?: (service: string, detail: string) => void;
  /** Operator log lines (the CLI prints them); default silent. */
  log?: (line: string) => void;
}

export interface SeedSummary {
  flights: number;
  passengers: number;
  bookings: number;
  ms: number;
}

export interface CognitoEndpoints {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
}

export interface ServiceInfo {
  name: string;
  address: string;
  pid: number | null;
  log: string | null;
  readyMs: number;
}

export interface LocalCloud {
  apiUrl: string;
  cognito: CognitoEndpoints;
  kafkaBrokers: string[];
  dynamodbEndpoint: string;
  tablePrefix: string;
  smtp: SmtpSink;
  sms: SmsLog;
  dataDir: string;
  ephemeral: boolean;
  /** One line per service, in start order, for the CLI and tools. */
  services: ServiceInfo[];
  /** Pids of every child process started (tests check they are gone after stop). */
  pids: number[];
  /** The backend app as ./app.ts returned it (null when `app: false`). */
  app: BackendApp | null;
  /** What was seeded before start returned (null: nothing, e.g. already seeded today or `seed: false`). */
  seeded: SeedSummary | null;
  /** Resolves when all demo data is written (at once unless `backgroundSeed`); never rejects. */
  seeding: Promise<SeedSummary | null>;
  stop(): Promise<void>;
}

/** `<dataDir>/cloud.json`: what the desk and tools read to find a running local cloud. */
export interface CloudFile {
  pid: number;
  startedAt: string;
  dataDir: string;
  ephemeral: boolean;
  apiUrl: string;
  dynamodbEndpoint: string;
  tablePrefix: string;
  kafkaBrokers: string[];
  topics: { events: string; deadLetter: string };
  cognito: CognitoEndpoints;
  smtp: { host: string; port: number; file: string | null };
  sms: { file: string | null };
  demoUsers: { username: string; group: string; stations: string; password: string }[];
  services: ServiceInfo[];
}

export const cloudFilePath = (dataDir: string): string => path.join(dataDir, 'cloud.json');

/** Reads a running cloud's endpoints (null when none is recorded or its process is gone). */
export function readCloudFile(dataDir = DEFAULT_CLOUD_DIR): CloudFile | null {
  const file = cloudFilePath(dataDir);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CloudFile;
  return isPidAlive(parsed.pid) ? parsed : null;
}

/** One cloud per persistent data dir: DynamoDB's file and Kafka's log dirs cannot be shared. */
function claimDataDir(dir: string): () => void {
  const lock = path.join(dir, 'cloud.pid');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && isPidAlive(pid)) {
      throw new ServiceError(
        `another local cloud (pid ${pid}) is using ${dir}. Stop it (Ctrl-C in its terminal, or kill ${pid}) or use another --data-dir.`,
        'local-cloud',
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t0) };
}

/**
 * Seeds the demo data THROUGH THE FEEDS (data/seed.ts seedThroughFeeds: schedule and PNR messages
 * built from the demo data, applied in batches by the feed consumers' own code), so the demo
 * exercises what production runs. A persistent cloud re-seeds only when the day changed since its
 * last seed (the messages' version is the day number, so a new day's data is newer), so a restart
 * is fast and "today"'s flights appear on a new day.
 *
 * Order, so that a board is usable early: (1) today's flights of the demo users' stations and
 * FlightPulse's sample with its passengers — `core`, before start returns; then (2) today's other
 * flights, (3) tomorrow's, (4) the PNRs of the demo users' stations, (5) every other PNR — in the
 * background when `background`, each batch reaching the desks through the change log as it commits.
 */
async function seedDemo(
  dir: string,
  ephemeral: boolean,
  opts: {
    dynamodbEndpoint: string;
    tablePrefix: string;
    demo: DemoDataOptions;
    background: boolean;
    onFlightsCreated?: (flights: Flight[]) => Promise<void>;
  },
  log: (l: string) => void,
): Promise<{ core: SeedSummary | null; all: Promise<SeedSummary | null> }> {
  const none = { core: null, all: Promise.resolve(null) };
  const today = opts.demo.today ?? new Date().toISOString().slice(0, 10);
  const marker = path.join(dir, 'seeded.json');
  const stamp = JSON.stringify({
    today,
    seed: opts.demo.seed ?? 'jetway',
    passengers: opts.demo.passengers ?? null,
    tablePrefix: opts.tablePrefix,
  });
  if (!ephemeral && existsSync(marker) && readFileSync(marker, 'utf8') === stamp) {
    log(`demo data already seeded for ${today} (delete ${marker} or use --fresh to re-seed)`);
    return none;
  }
  const t0 = performance.now();
  const data = demoData({ ...opts.demo, today });
  const summary = (d: DemoData): SeedSummary => ({
    flights: d.flights.length,
    passengers: d.passengers.length,
    bookings: d.bookings.length,
    ms: Math.round(performance.now() - t0),
  });
  const ctx = createDataContext({
    endpoint: opts.dynamodbEndpoint,
    tablePrefix: opts.tablePrefix,
    region: 'us-east-1',
  });
  const feedOpts = {
    version: Math.floor(Date.parse(`${today}T00:00:00Z`) / 86_400_000),
    source: 'jetway-demo',
    ...(opts.onFlightsCreated ? { onFlightsCreated: opts.onFlightsCreated } : {}),
  };
  const samplePassengers = new Set(FLIGHTPULSE_PASSENGERS.map((p) => p.id));
  const sampleBookings = new Set(FLIGHTPULSE_BOOKINGS.map((b) => b.id));
  // The demo users' stations (admin's `*` aside): their boards are the first anyone opens.
  const userStations = new Set(DEMO_USERS.flatMap((u) => u.stations.split(',')).map((s) => s.trim()));
  const atUserStation = (f: Flight) => userStations.has(f.origin) || userStations.has(f.destination);
  const sampleFlights = new Set(data.bookings.filter((b) => sampleBookings.has(b.id)).map((b) => b.flightId));
  const isCore = (f: Flight) => f.id.endsWith(`-${today}`) && (atUserStation(f) || sampleFlights.has(f.id));
  const core: DemoData = {
    flights: data.flights.filter(isCore),
    passengers: data.passengers.filter((p) => samplePassengers.has(p.id)),
    bookings: data.bookings.filter((b) => sampleBookings.has(b.id)),
  };
  const flightById = new Map(data.flights.map((f) => [f.id, f]));
  const rest = data.bookings.filter((b) => !sampleBookings.has(b.id));
  const firstPnrs = new Set(rest.filter((b) => flightById.has(b.flightId) && atUserStation(flightById.get(b.flightId)!)).map((b) => b.pnr));
  const steps: DemoData[] = [
    { flights: data.flights.filter((f) => !isCore(f) && f.id.endsWith(`-${today}`)), passengers: [], bookings: [] },
    { flights: data.flights.filter((f) => !f.id.endsWith(`-${today}`)), passengers: [], bookings: [] },
    { flights: [], passengers: data.passengers, bookings: rest.filter((b) => firstPnrs.has(b.pnr)) },
    { flights: [], passengers: data.passengers, bookings: rest.filter((b) => !firstPnrs.has(b.pnr)) },
  ];
  const seedAll = async (): Promise<SeedSummary> => {
    for (const step of steps) await seedThroughFeeds(ctx, step, { ...feedOpts, flights: data.flights });
    if (!ephemeral) writeFileSync(marker, stamp);
    return summary(data);
  };
  try {
    await seedThroughFeeds(ctx, core, feedOpts);
  } catch (e) {
    ctx.doc.destroy();
    throw e;
  }
  if (!opts.background) {
    try {
      const s = await seedAll();
      return { core: s, all: Promise.resolve(s) };
    } finally {
      ctx.doc.destroy();
    }
  }
  const coreSummary = summary(core);
  const all = seedAll()
    .then((s) => {
      log(
        `demo data complete: ${s.flights} flights, ${s.passengers} passengers, ${s.bookings} bookings (${(s.ms / 1000).toFixed(1)} s)`,
      );
      return s;
    })
    .catch((e: unknown) => {
      // Stopped mid-seed (or DynamoDB died): the next start seeds again, skipping what exists.
      log(`demo data seeding stopped before the end (${(e as Error).message}); the next start completes it`);
      return null;
    })
    .finally(() => ctx.doc.destroy());
  return { core: coreSummary, all };
}

/** Starts the whole local cloud; see the module comment. Fails loudly and stops what it started on any error. */
export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = opts.log ?? (() => {});
  const ephemeral = opts.ephemeral ?? false;
  const dir = ephemeral
    ? mkdtempSync(path.join(os.tmpdir(), 'jetway-cloud-'))
    : path.resolve(opts.dataDir ?? DEFAULT_CLOUD_DIR);
  mkdirSync(dir, { recursive: true });
  const releaseDir = ephemeral ? () => {} : claimDataDir(dir);
  const tablePrefix = opts.tablePrefix ?? '';
  const ports = opts.ports ?? {};
  const stops: (() => Promise<void>)[] = [];
  const services: ServiceInfo[] = [];
  const pids: number[] = [];
  const cleanup = async () => {
    // Reverse start order; every stop runs even if one fails or hangs (e.g. a Kafka client
    // disconnecting from a broker that crashed): each gets 8 s, then the next one goes.
    for (const s of stops.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([s().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, 8000)))]);
      clearTimeout(timer);
    }
    stops.length = 0;
    releaseDir();
    if (ephemeral) rmSync(dir, { recursive: true, force: true });
  };

  try {
    // The API listens in ./app.ts; check an explicit port here so a clash reads like the others.
    if (ports.api) await assertPortFree(ports.api, 'api');
    // The four services are independent: start them together (the two JVMs dominate).
    const [dynamo, kafka, cognito, smtp] = await Promise.allSettled([
      timed(() =>
        startDynamoDbLocal({
          ...(ports.dynamodb ? { port: ports.dynamodb } : {}),
          ...(ephemeral ? { logDir: dir } : { dbPath: path.join(dir, 'dynamodb') }),
        }),
      ),
      timed(() => startKafka({ ...(ports.kafka ? { port: ports.kafka } : {}), dataDir: path.join(dir, 'kafka') })),
      timed(() =>
        startCognitoLocal({ ...(ports.cognito ? { port: ports.cognito } : {}), dataDir: path.join(dir, 'cognito') }),
      ),
      timed(() =>
        startSmtpSink({
          ...(ports.smtp ? { port: ports.smtp } : {}),
          ...(ephemeral ? {} : { file: path.join(dir, 'mail.jsonl') }),
        }),
      ),
    ]);
    const ok = <T>(r: PromiseSettledResult<T>): T | null => (r.status === 'fulfilled' ? r.value : null);
    const d = ok(dynamo);
    const k = ok(kafka);
    const c = ok(cognito);
    const m = ok(smtp);
    if (d) stops.push(() => d.value.stop());
    if (k) stops.push(() => k.value.stop());
    if (c) stops.push(() => c.value.stop());
    if (m) stops.push(() => m.value.stop());
    const failures = [dynamo, kafka, cognito, smtp].flatMap((r) =>
      r.status === 'rejected' ? [r.reason as Error] : [],
    );
    if (failures.length || !d || !k || !c || !m) {
      throw failures.length === 1
        ? failures[0]
        : new ServiceError(failures.map((e) => e.message).join('\n\n'), 'local-cloud');
    }
    const db: DynamoDbLocal = d.value;
    const broker: LocalKafka = k.value;
    const idp: CognitoLocal = c.value;
    const sink: SmtpSink = m.value;
    pids.push(db.pid, idp.pid, ...(broker.pid ? [broker.pid] : []));
    const unsubscribeCrash = onUnexpectedExit((p, exit) => {
      if (!pids.includes(p.pid)) return;
      const detail = `${p.name} (pid ${p.pid}) exited unexpectedly (code ${exit.code}, signal ${exit.signal}). Log ${p.logFile}:\n${p.logTail(15)}`;
      log(`ERROR: ${detail}`);
      opts.onCrash?.(p.name, detail);
    });
    stops.push(async () => unsubscribeCrash());
    services.push(
      { name: 'dynamodb-local', address: db.endpoint, pid: db.pid, log: db.logFile, readyMs: d.ms },
      {
        name: broker.external ? 'kafka (KAFKA_BROKERS)' : 'kafka',
        address: broker.brokers.join(','),
        pid: broker.pid,
        log: broker.logFile,
        readyMs: k.ms,
      },
      {
        name: 'cognito-local',
        address: `${idp.endpoint} (pool ${idp.userPoolId}, client ${idp.clientId})`,
        pid: idp.pid,
        log: idp.logFile,
        readyMs: c.ms,
      },
      {
        name: 'smtp-sink',
        address: `smtp://${sink.host}:${sink.port}`,
        pid: null,
        log: ephemeral ? null : path.join(dir, 'mail.jsonl'),
        readyMs: m.ms,
      },
    );
    const sms = createSmsLog(ephemeral ? undefined : dir);
    services.push({ name: 'sms-log', address: sms.file ?? '(in memory)', pid: null, log: sms.file, readyMs: 0 });

    const tables = await timed(async () => {
      const client = localDynamoClient(db.endpoint);
      try {
        return await createTables(client, tablePrefix);
      } finally {
        client.destroy();
      }
    });
    log(`tables ready: ${tables.value.join(', ')} (${tables.ms} ms)`);

    const cognitoEndpoints: CognitoEndpoints = {
      endpoint: idp.endpoint,
      region: idp.region,
      userPoolId: idp.userPoolId,
      clientId: idp.clientId,
      issuer: idp.issuer,
      jwksUri: idp.jwksUri,
    };

    // The app (whose consumers take seconds to join their Kafka groups) and the core demo seed
    // (DynamoDB only) start together.
    const appStarting =
      opts.app === false
        ? null
        : timed(async () => {
            const { startBackendApp } = await import('./app.js');
            return startBackendApp({
              dynamodbEndpoint: db.endpoint,
              tablePrefix,
              kafkaBrokers: broker.brokers,
              cognito: cognitoEndpoints,
              smtpPort: sink.port,
              sms,
              ...(ports.api ? { port: ports.api } : {}),
              ...opts.appOptions,
            });
          });
    const seedStarting =
      opts.seed === false
        ? Promise.resolve({ core: null, all: Promise.resolve(null) })
        : seedDemo(
            dir,
            ephemeral,
            {
              dynamodbEndpoint: db.endpoint,
              tablePrefix,
              demo: opts.demo ?? {},
              // A persistent cloud is ready once today's flights are in; the rest streams in.
              background: opts.backgroundSeed ?? !ephemeral,
              // New flights re-drive the ops events parked for them (none on a fresh cloud).
              ...(appStarting ? { onFlightsCreated: async (flights: Flight[]) => void (await (await appStarting).value.redriveParked(flights)) } : {}),
            },
            log,
          );
    const [appResult, seedResult] = await Promise.allSettled([appStarting ?? Promise.resolve(null), seedStarting]);
    let app: BackendApp | null = null;
    if (appResult.status === 'fulfilled' && appResult.value) {
      const started = appResult.value.value;
      app = started;
      stops.push(() => started.stop());
      if (started.redriven.length)
        log(`approval workflows re-driven from the LOCALCB registry: ${started.redriven.length} still waiting`);
      services.push({ name: 'api', address: started.apiUrl, pid: null, log: null, readyMs: appResult.value.ms });
    }
    if (appResult.status === 'rejected') throw appResult.reason;
    if (seedResult.status === 'rejected') throw seedResult.reason;
    const seed = seedResult.value;
    const seeded = seed.core;
    if (seeded) {
      log(
        `seeded ${seeded.flights} flights, ${seeded.passengers} passengers, ${seeded.bookings} bookings (${(seeded.ms / 1000).toFixed(1)} s)` +
          ((opts.backgroundSeed ?? !ephemeral) ? '; the rest of the schedule and the passengers follow in the background' : ''),
      );
    }

    const cloudFile: CloudFile = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir: dir,
      ephemeral,
      apiUrl: app?.apiUrl ?? '',
      dynamodbEndpoint: db.endpoint,
      tablePrefix,
      kafkaBrokers: broker.brokers,
      topics: { events: FLIGHT_OPERATIONS_TOPIC, deadLetter: FLIGHT_OPERATIONS_DLQ_TOPIC },
      cognito: cognitoEndpoints,
      smtp: { host: sink.host, port: sink.port, file: ephemeral ? null : path.join(dir, 'mail.jsonl') },
      sms: { file: sms.file },
      // Local demo credentials (cognito-local keeps them in plain text anyway).
      demoUsers: DEMO_USERS.map((u) => ({
        username: u.username,
        group: u.group,
        stations: u.stations,
        password: DEMO_PASSWORD,
      })),
      services,
    };
    writeFileSync(cloudFilePath(dir), `${JSON.stringify(cloudFile, null, 2)}\n`);

    let stopping: Promise<void> | null = null;
    return {
      apiUrl: app?.apiUrl ?? '',
      cognito: cognitoEndpoints,
      kafkaBrokers: broker.brokers,
      dynamodbEndpoint: db.endpoint,
      tablePrefix,
      smtp: sink,
      sms,
      dataDir: dir,
      ephemeral,
      services,
      pids,
      app,
      seeded,
      seeding: seed.all,
      stop() {
        stopping ??= (async () => {
          rmSync(cloudFilePath(dir), { force: true });
          await cleanup();
          await seed.all; // a background seed ends (interrupted) once DynamoDB is gone
        })();
        return stopping;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

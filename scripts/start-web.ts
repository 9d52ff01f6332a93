/**
 * Web mode launcher (`npm run start:web`, spawned by scripts/start.mjs through tsx): the local
 * cloud (helper B's startLocalCloud, seeded with demo data) + the desk server (src/main/web)
 * serving the built renderer and the RPC contract over WebSocket. An ops feed produces
 * FlightPulse events to Kafka every 15 s unless `--no-simulate`. Ctrl-C stops everything.
 *
 *   tsx scripts/start-web.ts [--port N] [--data-dir DIR] [--ephemeral] [--no-simulate] [--no-demo-secret] [--cloud-only] [--json]
 *
 * `--data-dir DIR` keeps the state in DIR instead of `.jetway/` (the cloud in DIR/cloud, the web
 * desk in DIR/desk-web): e.g. a fresh start beside a running one (bench/backend.ts measures that).
 *
 * `--cloud-only` (used by `npm start` for Electron) starts the cloud and prints
 * `JETWAY_CLOUD <json>` with apiUrl and Cognito settings for the Electron shell.
 */
import '../backend/src/local/polyfills.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../backend/src/local/cloud.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../backend/src/local/services/cognito.js';
import { DEFAULT_RENDERER_DIR, startDeskServer } from '../src/main/web/server.js';
import { readAuthEnv } from '../src/main/auth/config.js';
import { hasDeskEnv, readDeskEnv } from '../src/main/config.js';
import { secretFilePath, webKeyProvider } from '../src/main/db/keys.js';
import { DatabaseKeyError } from '../src/main/db/open.js';
import type { DeskConfig } from '../src/main/services.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    ephemeral: { type: 'boolean', default: false },
    // The ops feed is on by default (ARCHITECTURE.md: the embedded default has a simulator
    // feeding ops events); --no-simulate starts a quiet cloud.
    simulate: { type: 'boolean', default: true },
    'no-simulate': { type: 'boolean', default: false },
    // Refuse to start without JETWAY_DESK_SECRET or an existing secret file (no demo secret).
    'no-demo-secret': { type: 'boolean', default: false },
    'cloud-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'desk-data-dir': { type: 'string' },
    'data-dir': { type: 'string' },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a TCP port, got ${values.port}`);
  process.exit(2);
}

const log = (line: string): void => console.log(`[jetway] ${line}`);
/** The state folder (`.jetway/` unless --data-dir): cloud/ and desk-web/ under it. */
const stateDir = path.resolve(values['data-dir'] ?? path.join(repoRoot, '.jetway'));

if (!values['cloud-only'] && !fs.existsSync(path.join(DEFAULT_RENDERER_DIR, 'index.html'))) {
  log('renderer not built yet: running `electron-vite build` (once) …');
  const r = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (r.status !== 0) {
    console.error('[jetway] renderer build failed');
    process.exit(1);
  }
}

const t0 = performance.now();
// JETWAY_API_URL (+ Cognito settings, see src/main/config.ts and docs/deploy.md) points the desk at
// a deployed backend instead of the embedded local cloud.
const remote = hasDeskEnv() ? readDeskEnv() : null;
const stops: (() => Promise<void>)[] = [];
let cloud: { apiUrl: string; cognito: DeskConfig['cognito']; kafkaBrokers: string[]; dataDir: string };
if (remote) {
  log(`using the backend at ${remote.JETWAY_API_URL} (JETWAY_API_URL); no local cloud started`);
  cloud = {
    apiUrl: remote.JETWAY_API_URL,
    cognito: remote.JETWAY_COGNITO,
    kafkaBrokers: [],
    dataDir: stateDir,
  };
} else {
  log('starting the local cloud (DynamoDB Local, Kafka, cognito-local, SMTP sink, backend app) …');
  const local = await startLocalCloud({
    ephemeral: values.ephemeral,
    ...(values['data-dir'] ? { dataDir: path.join(stateDir, 'cloud') } : {}),
    log: (l) => log(`cloud: ${l}`),
  });
  stops.push(() => local.stop());
  cloud = local;
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping …');
  for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error('[jetway] stop failed:', e));
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  if (values['cloud-only']) {
    console.log(
      `JETWAY_CLOUD ${JSON.stringify({ apiUrl: cloud.apiUrl, cognito: cloud.cognito, kafkaBrokers: cloud.kafkaBrokers })}`,
    );
    if (values.simulate && !values['no-simulate']) stops.push(await startSimulator(cloud.kafkaBrokers));
  } else {
    const dataDir =
      values['desk-data-dir'] ??
      (values.ephemeral
        ? fs.mkdtempSync(path.join(cloud.dataDir, 'desk-'))
        : path.join(stateDir, 'desk-web'));
    // Web mode requires a key (src/main/db/keys.ts): JETWAY_DESK_SECRET, or a secret file.
    // For the demo, with neither, a random secret is generated once and kept in
    // <data dir>/desk.secret (0600): the database files alone are useless, but whoever can
    // read the whole folder can read the data (docs/decisions.md). A real desk sets the secret.
    const secretFile = secretFilePath(dataDir);
    const generated = !values['no-demo-secret'] && !process.env.JETWAY_DESK_SECRET && !fs.existsSync(secretFile);
    const server = await startDeskServer({
      dataDir,
      apiUrl: cloud.apiUrl,
      cognito: cloud.cognito,
      port,
      keyProvider: webKeyProvider({ dataDir, generateSecretFile: !values['no-demo-secret'] }),
      auth: readAuthEnv(),
      log: (l) => log(`desk: ${l}`),
    });
    stops.push(() => server.stop());
    if (generated)
      log(`desk: generated a demo desk secret in ${secretFile} (set JETWAY_DESK_SECRET to keep it elsewhere)`);
    if (values.simulate && !values['no-simulate'] && !remote) stops.push(await startSimulator(cloud.kafkaBrokers));
    if (values.json)
      console.log(
        `JETWAY_READY ${JSON.stringify({ url: server.url, apiUrl: cloud.apiUrl, kafkaBrokers: cloud.kafkaBrokers })}`,
      );
    log(`ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    log(`desk:  ${server.url}   (open it in Chromium; the token in it is new at every start)`);
    if (!remote) log(`users: ${DEMO_USERS.map((u) => u.username).join(', ')} — password ${DEMO_PASSWORD}`);
    log('Ctrl-C stops everything.');
  }
} catch (err) {
  // A key problem is the user's to fix: the message says how; no stack trace.
  console.error('[jetway] failed to start:', err instanceof DatabaseKeyError ? err.message : err);
  await shutdown(1);
}

/**
 * The demo ops feed: FlightPulse scenarios 1–5 in turn (re-dated to today), one every 30 s, and
 * between them a FlightPulse-format event for a random flight of the demo network, so every
 * station's board comes alive (helper E's builders; the same code as `jetway simulate`).
 */
async function startSimulator(brokers: string[]): Promise<() => Promise<void>> {
  const { scenarioMessages } = await import('../backend/src/simulator/scenarios.js');
  const { createEventProducer } = await import('../backend/src/simulator/produce.js');
  const { loadEventGenerator } = await import('../backend/src/simulator/load.js');
  const { networkFlights } = await import('../backend/src/simulator/flights.js');
  const today = new Date().toISOString().slice(0, 10);
  const network = networkFlights(today).map((f) => `${f.carrier}${f.number}`);
  const nextNetworkEvent = loadEventGenerator({ flights: network, seed: Date.now() % 2 ** 31 });
  const producer = await createEventProducer({ brokers });
  let n = 0;
  const tick = async () => {
    if (n % 2 === 0) {
      const scenario = ((n / 2) % 5) + 1;
      const msgs = scenarioMessages(scenario, { verbatim: false, date: today });
      await producer.send(msgs.map((m) => ({ key: null, value: m.value })));
      log(`simulator: FlightPulse scenario ${scenario} (${msgs.length} event${msgs.length === 1 ? '' : 's'}) produced`);
    } else {
      const m = nextNetworkEvent();
      await producer.send([m]);
      const e = JSON.parse(String(m.value)) as { event_type: string; payload: { flight_id: string } };
      log(`simulator: ${e.event_type} ${e.payload.flight_id} produced`);
    }
    n++;
  };
  const timer = setInterval(() => void tick().catch((e: unknown) => log(`simulator: ${(e as Error).message}`)), 15_000);
  void tick().catch((e: unknown) => log(`simulator: ${(e as Error).message}`));
  return async () => {
    clearInterval(timer);
    await producer.disconnect();
  };
}

/**
 * `npm run cloud`: starts the local cloud in the foreground and prints one line per service and
 * a final `ready in X.Xs`. Ctrl-C / SIGTERM stops everything and exits 0.
 *
 *   npm run cloud -- [--fresh] [--no-seed] [--ephemeral] [--data-dir DIR] [--api-port N]
 *                    [--dynamodb-port N] [--kafka-port N] [--cognito-port N] [--smtp-port N]
 *   npm run cloud -- import <s3://bucket/prefix | dir> [...]   the feeds' initial load (feeds/import-cli.ts)
 */
import './polyfills.js';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_CLOUD_DIR, cloudFilePath, startLocalCloud, type LocalCloud } from './cloud.js';
import { DEMO_PASSWORD, DEMO_USERS } from './services/cognito.js';

const USAGE = `usage: npm run cloud -- [options]
  --fresh             wipe the data dir first (new DynamoDB, Kafka and Cognito state)
  --no-seed           do not seed demo data
  --ephemeral         temp data dir + in-memory DynamoDB, removed on exit
  --data-dir DIR      persistent state (default ${path.relative(process.cwd(), DEFAULT_CLOUD_DIR) || DEFAULT_CLOUD_DIR})
  --seed VALUE        demo-data PRNG seed (default jetway)
  --api-port N  --dynamodb-port N  --kafka-port N  --cognito-port N  --smtp-port N
                      fixed ports (default: free ones are picked)
env: KAFKA_BROKERS=host:port uses that broker instead of starting one.
npm run cloud -- import <s3://bucket/prefix | dir> [options]
                      load schedule and PNR feed files (NDJSON) into the running cloud or a
                      deployed table (\`npm run cloud -- import --help\`)`;

const PortSchema = z.coerce.number().int().min(1).max(65535).optional();

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      fresh: { type: 'boolean', default: false },
      'no-seed': { type: 'boolean', default: false },
      ephemeral: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      'api-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'kafka-port': { type: 'string' },
      'cognito-port': { type: 'string' },
      'smtp-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const port = (name: string, v: string | undefined) => {
    const r = PortSchema.safeParse(v);
    if (!r.success) throw new Error(`--${name} must be a TCP port (1–65535), got ${v}`);
    return r.data;
  };
  return {
    help: values.help ?? false,
    fresh: values.fresh ?? false,
    seed: !(values['no-seed'] ?? false),
    ephemeral: values.ephemeral ?? false,
    dataDir: path.resolve(values['data-dir'] ?? DEFAULT_CLOUD_DIR),
    demoSeed: values.seed,
    ports: {
      api: port('api-port', values['api-port']),
      dynamodb: port('dynamodb-port', values['dynamodb-port']),
      kafka: port('kafka-port', values['kafka-port']),
      cognito: port('cognito-port', values['cognito-port']),
      smtp: port('smtp-port', values['smtp-port']),
    },
  };
}

const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => process.stdout.write(`${stamp()} ${line}\n`);

async function main(): Promise<void> {
  if (process.argv[2] === 'import') {
    const { runImportCli } = await import('../feeds/import-cli.js');
    process.exit(await runImportCli(process.argv.slice(3)));
  }
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const t0 = performance.now();
  if (args.fresh && !args.ephemeral) {
    say(`--fresh: wiping ${args.dataDir}`);
    rmSync(args.dataDir, { recursive: true, force: true });
  }
  say(
    `starting the local cloud (${args.ephemeral ? 'ephemeral' : `data in ${path.relative(process.cwd(), args.dataDir) || args.dataDir}`})…`,
  );

  let cloud: LocalCloud | null = null;
  let shuttingDown = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`${signal}: stopping…`);
    const t = performance.now();
    const done = (code: number) => {
      say(code === 0 ? `stopped in ${((performance.now() - t) / 1000).toFixed(1)}s` : 'stopped with errors');
      process.exit(code === 0 ? exitCode : code);
    };
    // A second Ctrl-C while stopping, or a stop that hangs, still ends the process (the
    // process-exit handler then SIGKILLs any child left).
    setTimeout(() => done(1), 20_000).unref();
    (cloud ? cloud.stop() : Promise.resolve()).then(
      () => done(0),
      (e: unknown) => {
        process.stderr.write(`stop failed: ${(e as Error).message}\n`);
        done(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    cloud = await startLocalCloud({
      ephemeral: args.ephemeral,
      dataDir: args.dataDir,
      seed: args.seed,
      ports: args.ports,
      // DynamoDB Local syncs every item to disk with -dbPath: ready once every flight and the
      // FlightPulse sample are in; the ~5,000 generated passengers follow (logged when done).
      backgroundSeed: !args.ephemeral,
      ...(args.demoSeed ? { demo: { seed: args.demoSeed } } : {}),
      log: (l) => say(l),
      onCrash: (service) => {
        process.stderr.write(
          `\n${service} crashed; stopping the local cloud. Start it again with \`npm run cloud\` (add --fresh if its data is damaged).\n`,
        );
        process.exitCode = 1;
        shutdown('crash', 1);
      },
    });
  } catch (e) {
    process.stderr.write(`\nthe local cloud failed to start:\n${(e as Error).message}\n`);
    process.exit(1);
  }
  if (shuttingDown) return;
  const width = Math.max(...cloud.services.map((s) => s.name.length));
  for (const s of cloud.services) {
    say(`${s.name.padEnd(width)}  ${s.address}${s.readyMs ? `  (${(s.readyMs / 1000).toFixed(1)}s)` : ''}`);
  }
  say(
    `demo users (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => `${u.username} [${u.group}: ${u.stations}]`).join(', ')}`,
  );
  say(`endpoints written to ${cloudFilePath(cloud.dataDir)}`);
  say(`ready in ${((performance.now() - t0) / 1000).toFixed(1)}s — Ctrl-C to stop`);
}

void main();

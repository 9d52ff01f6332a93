/**
 * A real single-node Apache Kafka 3.9 broker in KRaft mode (TOOLCHAIN.md: no broker is packaged
 * for npm or Debian; the jars come from Maven Central via ./setup.ts). Honours
 * `KAFKA_BROKERS` (comma-separated host:port) to use a broker you already run instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafka, requireJava } from './setup.js';
import { LOCAL_HOST, freePort, resolvePort } from './ports.js';
import { ServiceError, fetchLog, spawnManaged, waitUntilReady } from './process.js';

/** The ops-event topic (FlightPulse's name, unchanged) and its dead-letter topic. */
export const FLIGHT_OPERATIONS_TOPIC = 'flight-operations';
export const FLIGHT_OPERATIONS_DLQ_TOPIC = 'flight-operations.dlq';

export interface KafkaOptions {
  port?: number;
  /** Broker state (log dirs, config, log file); omitted → a temp folder removed on stop. */
  dataDir?: string;
  /** Defaults to process.env.KAFKA_BROKERS. Set → no broker is started, topics are ensured there. */
  externalBrokers?: string;
}

export interface LocalKafka {
  brokers: string[];
  /** Pid of the broker we started, or null when using KAFKA_BROKERS. */
  pid: number | null;
  logFile: string | null;
  /** True when the broker is an external one (KAFKA_BROKERS). */
  external: boolean;
  stop(): Promise<void>;
}

const log4jProperties = `# Quiet broker logs: warnings and errors only (written by backend/src/local/services/kafka.ts).
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.server.KafkaRaftServer=INFO
`;

function serverProperties(p: { port: number; controllerPort: number; logDirs: string }): string {
  return [
    '# Single-node KRaft broker for the Jetway local cloud (generated; rewritten on every start).',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${LOCAL_HOST}:${p.controllerPort}`,
    `listeners=PLAINTEXT://${LOCAL_HOST}:${p.port},CONTROLLER://${LOCAL_HOST}:${p.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${LOCAL_HOST}:${p.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${p.logDirs.replace(/\\/g, '/')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    // Fewer offsets partitions than the default 50: the first consumer group is ready sooner.
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

const kafkaLogger = () => () => {};

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what `StorageTool random-uuid` prints). */
// base64url may start with '-': always pass it as `--cluster-id=<id>`, never as a separate
// argument, or the tool's argument parser takes it for an option (1 start in 64 failed).
const clusterId = (): string => randomBytes(16).toString('base64url');

async function ensureTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'jetway-local-setup',
    brokers,
    logLevel: logLevel.NOTHING,
    logCreator: kafkaLogger,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: FLIGHT_OPERATIONS_TOPIC, numPartitions: 3, replicationFactor: 1 },
      { topic: FLIGHT_OPERATIONS_DLQ_TOPIC, numPartitions: 1, replicationFactor: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function canListTopics(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'jetway-local-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    logCreator: kafkaLogger,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Starts (or, with KAFKA_BROKERS, connects to) a broker and creates the topics Jetway uses. */
export async function startKafka(opts: KafkaOptions = {}): Promise<LocalKafka> {
  const service = 'kafka';
  const external = opts.externalBrokers ?? process.env.KAFKA_BROKERS;
  if (external) {
    const brokers = external
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (!(await canListTopics(brokers))) {
      throw new ServiceError(
        `kafka: KAFKA_BROKERS=${external} does not answer. Start that broker or unset KAFKA_BROKERS to run a local one.`,
        service,
      );
    }
    await ensureTopics(brokers);
    return { brokers, pid: null, logFile: null, external: true, stop: async () => {} };
  }

  try {
    requireJava();
  } catch (e) {
    throw new ServiceError(`kafka: ${(e as Error).message}`, service);
  }
  const libs = ensureKafka({ log: fetchLog });
  const ephemeral = !opts.dataDir;
  const dir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'jetway-kafka-'));
  const logDirs = path.join(dir, 'data');
  mkdirSync(logDirs, { recursive: true });
  const log4j = path.join(dir, 'log4j.properties');
  writeFileSync(log4j, log4jProperties);
  const java = (mainClass: string, args: string[]) => [
    '-Xms64m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    path.join(libs, '*'),
    mainClass,
    ...args,
  ];

  const attempts = opts.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = attempt === 0 ? await resolvePort(opts.port, service) : await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const props = path.join(dir, 'server.properties');
    writeFileSync(props, serverProperties({ port, controllerPort, logDirs }));

    // Format once per data dir; a persistent dir keeps its cluster id, topics and offsets.
    if (!existsSync(path.join(logDirs, 'meta.properties'))) {
      const fmt = spawnManaged({
        name: 'kafka-storage-format',
        command: 'java',
        args: java('kafka.tools.StorageTool', ['format', `--cluster-id=${clusterId()}`, '-c', props, '--ignore-formatted']),
        logFile: path.join(dir, 'kafka.log'),
      });
      const { code } = await fmt.exited;
      if (code !== 0) {
        throw new ServiceError(
          `kafka: formatting the storage in ${logDirs} failed (exit ${code}). Log ${fmt.logFile}:\n${fmt.logTail()}`,
          service,
        );
      }
    }

    const proc = spawnManaged({
      name: service,
      command: 'java',
      args: java('kafka.Kafka', [props]),
      cwd: dir,
      logFile: path.join(dir, 'kafka.log'),
    });
    const brokers = [`${LOCAL_HOST}:${port}`];
    try {
      await waitUntilReady(proc, () => canListTopics(brokers), {
        timeoutMs: 90_000,
        intervalMs: 300,
        hint: 'Is Java 17 installed and `npm run setup` done? Delete .cache/kafka to refetch the jars.',
      });
      await ensureTopics(brokers);
      return {
        brokers,
        pid: proc.pid,
        logFile: proc.logFile,
        external: false,
        async stop() {
          await proc.stop(ephemeral ? 3000 : 15_000);
          if (ephemeral) rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      await proc.stop(1000);
      lastError = e;
      if (!/Address already in use|BindException/.test(proc.logTail(80))) break;
    }
  }
  if (ephemeral) rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

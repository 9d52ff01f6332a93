/**
 * Every local-cloud service answers (real DynamoDB Local, Kafka, cognito-local; in-process SMTP
 * sink and SMS log; aws-local-stepfunctions), and nothing is left running afterwards — also
 * when the owning process is terminated or exits without calling stop().
 */
import '../../src/local/polyfills.js';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/api/auth/verifier.js';
import { waitForDeath } from '../helpers/processes.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/cloud.js';
import { DEMO_PASSWORD } from '../../src/local/services/cognito.js';
import { localDynamoClient, startDynamoDbLocal } from '../../src/local/services/dynamodb.js';
import { FLIGHT_OPERATIONS_DLQ_TOPIC, FLIGHT_OPERATIONS_TOPIC, startKafka } from '../../src/local/services/kafka.js';
import { ServiceError, isPidAlive, livePids, spawnManaged, waitUntilReady } from '../../src/local/services/process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

describe('local cloud services (ephemeral, without the backend app)', () => {
  let cloud: LocalCloud;
  let pids: number[] = [];
  const crashes: string[] = [];

  beforeAll(async () => {
    cloud = await startLocalCloud({
      ephemeral: true,
      app: false,
      seed: false,
      onCrash: (service) => crashes.push(service),
    });
    pids = [...cloud.pids];
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('writes cloud.json with every endpoint', () => {
    const file = JSON.parse(readFileSync(path.join(cloud.dataDir, 'cloud.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({
      dynamodbEndpoint: cloud.dynamodbEndpoint,
      kafkaBrokers: cloud.kafkaBrokers,
      cognito: cloud.cognito,
      smtp: { port: cloud.smtp.port },
      ephemeral: true,
    });
    expect(pids).toHaveLength(3);
    expect(pids.every(isPidAlive)).toBe(true);
  });

  it('DynamoDB Local: the created table answers a query, on the table and on GSI1', async () => {
    const db = localDynamoClient(cloud.dynamodbEndpoint);
    const TableName = `${cloud.tablePrefix}jetway`;
    await db.send(
      new PutItemCommand({
        TableName,
        Item: {
          PK: { S: 'SMOKE#1' },
          SK: { S: 'A' },
          GSI1PK: { S: 'SMOKE-GSI' },
          GSI1SK: { S: '2026' },
          v: { N: '42' },
        },
      }),
    );
    const byPk = await db.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'SMOKE#1' } },
      }),
    );
    expect(byPk.Items?.[0]?.v?.N).toBe('42');
    const byGsi = await db.send(
      new QueryCommand({
        TableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :g',
        ExpressionAttributeValues: { ':g': { S: 'SMOKE-GSI' } },
      }),
    );
    expect(byGsi.Items?.map((i) => i.PK?.S)).toEqual(['SMOKE#1']);
    db.destroy();
  });

  it('cognito-local: USER_PASSWORD_AUTH sign-in verified by the production verifier', async () => {
    const idp = new CognitoIdentityProviderClient({
      endpoint: cloud.cognito.endpoint,
      region: cloud.cognito.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const r = await idp.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cloud.cognito.clientId,
        AuthParameters: { USERNAME: 'super.phx', PASSWORD: DEMO_PASSWORD },
      }),
    );
    idp.destroy();
    const verifier = createTokenVerifier(cloud.cognito);
    const principal = await verifier.verify(`Bearer ${r.AuthenticationResult?.IdToken ?? ''}`);
    expect(principal).toMatchObject({ username: 'super.phx', groups: ['supervisor'], stations: ['PHX', 'OAK'] });
  });

  it('Kafka: a produced message comes back through a consumer group', async () => {
    const kafka = new Kafka({ clientId: 'cloud-smoke', brokers: cloud.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({
      groupId: `cloud-smoke-${Date.now()}`,
      sessionTimeout: 6000,
      heartbeatInterval: 1000,
    });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      const eventId = `smoke-${Date.now()}`;
      await consumer.subscribe({ topic: FLIGHT_OPERATIONS_TOPIC, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const v = message.value?.toString() ?? '';
            if (v.includes(eventId)) resolve(v);
          },
        });
      });
      await producer.send({
        topic: FLIGHT_OPERATIONS_TOPIC,
        messages: [{ value: JSON.stringify({ event_id: eventId, flight_id: 'SW1234' }) }],
      });
      const value = await Promise.race([
        received,
        new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no message in 60 s')), 60_000)),
      ]);
      expect(JSON.parse(value)).toEqual({ event_id: eventId, flight_id: 'SW1234' });
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    }
  });

  it('aws-local-stepfunctions: an ASL execution runs and its history names its states', async () => {
    const definition = JSON.parse(
      readFileSync(path.resolve(here, '../fixtures/cloud-smoke.asl.json'), 'utf8'),
    ) as never;
    const machine = new StateMachine(definition);
    const exec = machine.run(
      { delayMinutes: 200, passengers: ['P001', 'P002', 'P003'] },
      {
        overrides: {
          taskResourceLocalHandlers: {
            Greet: async (input: unknown) => `hello ${(input as { passengers: string[] }).passengers.length}`,
          },
        },
      },
    );
    const entered: string[] = [];
    for await (const ev of exec.eventLogs)
      if (ev.type === 'StateEntered' && ev.index === undefined) entered.push(ev.state.name);
    const result = (await exec.result) as { greeting: string; processed: unknown[] };
    expect(result.greeting).toBe('hello 3');
    expect(result.processed).toEqual([{ id: 'P001' }, { id: 'P002' }, { id: 'P003' }]);
    expect(entered).toEqual(expect.arrayContaining(['Greet', 'IsDisrupted', 'PerPassenger', 'Done']));
    expect(entered).not.toContain('OnTime');
  });

  it('SMTP sink: an e-mail sent with nodemailer lands in the sink', async () => {
    const transport = nodemailer.createTransport({
      host: cloud.smtp.host,
      port: cloud.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const subject = `Your flight SW1234 is delayed ${Date.now()}`;
    await transport.sendMail({
      from: 'Jetway <no-reply@jetway.local>',
      to: 'john.smith@example.com',
      subject,
      text: 'Meal voucher attached.',
    });
    transport.close();
    const mail = await cloud.smtp.waitFor((m) => m.subject === subject, 5000);
    expect(mail).toMatchObject({
      to: ['john.smith@example.com'],
      from: 'no-reply@jetway.local',
      text: expect.stringContaining('Meal voucher'),
    });
  });

  it('SMS log: records texts and rejects a malformed number', () => {
    cloud.sms.send('+15551234567', 'SW1234 delayed 3h');
    expect(cloud.sms.messages().at(-1)).toMatchObject({ to: '+15551234567', text: 'SW1234 delayed 3h' });
    expect(() => cloud.sms.send('555-1234', 'x')).toThrow(/E\.164/);
  });

  it('KAFKA_BROKERS: an existing broker is used (topics ensured, nothing started); a dead one is refused', async () => {
    const before = livePids().length;
    const external = await startKafka({ externalBrokers: cloud.kafkaBrokers.join(',') });
    expect(external).toMatchObject({ external: true, pid: null, brokers: cloud.kafkaBrokers });
    expect(livePids().length).toBe(before);
    await external.stop();
    const admin = new Kafka({
      clientId: 'cloud-smoke-admin',
      brokers: cloud.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const topics = await admin.fetchTopicMetadata({ topics: [FLIGHT_OPERATIONS_TOPIC, FLIGHT_OPERATIONS_DLQ_TOPIC] });
    await admin.disconnect();
    expect(topics.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      [FLIGHT_OPERATIONS_TOPIC, 3],
      [FLIGHT_OPERATIONS_DLQ_TOPIC, 1],
    ]);
    await expect(startKafka({ externalBrokers: '127.0.0.1:1' })).rejects.toThrow(
      /KAFKA_BROKERS=127\.0\.0\.1:1 does not answer/,
    );
  });

  it('a service dying while the cloud runs is reported (not silently ignored)', async () => {
    expect(crashes).toEqual([]);
    const cognitoPid = cloud.services.find((s) => s.name === 'cognito-local')?.pid;
    expect(cognitoPid).toBeGreaterThan(0);
    process.kill(cognitoPid!, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!crashes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(crashes).toEqual(['cognito-local']);
  });

  it('stop() leaves no child process and removes the ephemeral dir', async () => {
    await cloud.stop();
    expect(await waitForDeath(pids)).toEqual([]);
    expect(livePids()).toEqual([]);
    expect(existsSync(cloud.dataDir)).toBe(false);
  });
});

describe('failures are loud', () => {
  it('an explicitly requested port that is taken is refused with what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const err = await startDynamoDbLocal({ port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as Error).message).toMatch(new RegExp(`port ${port} .*already in use`));
    } finally {
      blocker.close();
    }
  });

  it('a service that crashes during start-up fails with its exit code and log tail', async () => {
    const proc = spawnManaged({
      name: 'crashy',
      command: process.execPath,
      args: ['-e', 'console.error("boom: cannot bind"); process.exit(3)'],
      logFile: path.join(repoRoot, '.cache', 'test-logs', `crashy-${process.pid}.log`),
    });
    const err = await waitUntilReady(proc, async () => false, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as Error).message).toMatch(/crashy exited during start-up \(code 3/);
    expect((err as Error).message).toContain('boom: cannot bind');
  });
});

describe('no orphans when the owning process goes away', () => {
  const child = path.resolve(here, '../fixtures/cloud-child.ts');

  async function startChild(args: string[]) {
    // `node --import tsx`, not the tsx wrapper: the signalled process must be the owner itself.
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Its stdout, line by line.
    const queue: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const w = waiting.shift();
        if (w) w(line);
        else queue.push(line);
      }
    });
    const lines = { next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<string>((r) => waiting.push(r))) };
    const line = await Promise.race([
      lines.next(),
      new Promise<string>((_, reject) => proc.once('exit', (code) => reject(new Error(`child exited early (${code})`)))),
    ]);
    const exited = new Promise<number | null>((r) =>
      proc.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))),
    );
    return { proc, pids: (JSON.parse(line) as { pids: number[] }).pids, exited, lines };
  }

  it.each([
    ['SIGTERM', ['--wait']],
    ['SIGINT', ['--wait']],
    ['process.exit()', ['--exit']],
    // No handler runs on SIGKILL: the reaper process notices its pipe from the owner closing.
    ['SIGKILL', ['--wait']],
  ] as const)('%s: the services die with their owner', async (how, args) => {
    const { proc, pids, exited } = await startChild([...args]);
    expect(pids.every(isPidAlive)).toBe(true);
    if (how !== 'process.exit()') proc.kill(how);
    await exited;
    expect(await waitForDeath(pids)).toEqual([]);
  });

  it('SIGINT with a graceful shutdown of the owner: the services are left to it, so the app stops before its database', async () => {
    // Prepare
    const { proc, pids, exited, lines } = await startChild(['--graceful']);
    // Act
    proc.kill('SIGINT');
    // Assess: half a second later DynamoDB Local still answers; then the shutdown stops everything.
    expect(JSON.parse(await lines.next())).toEqual({ answering: true });
    expect(await exited).toBe(0);
    expect(await waitForDeath(pids)).toEqual([]);
  });
});

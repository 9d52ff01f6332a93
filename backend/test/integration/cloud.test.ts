/**
 * The whole local cloud, ephemeral: services + the backend app (./app.ts) + demo data. Checks
 * that each part answers end to end (seeded DynamoDB data, a Cognito sign-in accepted by the
 * API, a FlightPulse ops event through Kafka reaching the PHX change log, an e-mail into the
 * SMTP sink) and that nothing is left running after stop() — then the same for `npm run cloud`.
 */
import '../../src/local/polyfills.js';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/data/keys.js';
import { createTokenVerifier } from '../../src/api/auth/verifier.js';
import { waitForDeath } from '../helpers/processes.js';
import { startLocalCloud, type CloudFile, type LocalCloud } from '../../src/local/cloud.js';
import { DEMO_PASSWORD } from '../../src/local/services/cognito.js';
import { localDynamoClient } from '../../src/local/services/dynamodb.js';
import { FLIGHT_OPERATIONS_TOPIC } from '../../src/local/services/kafka.js';
import { isPidAlive, livePids } from '../../src/local/services/process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const TODAY = new Date().toISOString().slice(0, 10);

async function signIn(cloud: { cognito: LocalCloud['cognito'] }, username: string): Promise<string> {
  const idp = new CognitoIdentityProviderClient({
    endpoint: cloud.cognito.endpoint,
    region: cloud.cognito.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const r = await idp.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cloud.cognito.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: DEMO_PASSWORD },
      }),
    );
    const token = r.AuthenticationResult?.IdToken;
    if (!token) throw new Error('no ID token');
    return token;
  } finally {
    idp.destroy();
  }
}

describe('the whole local cloud (ephemeral)', () => {
  let cloud: LocalCloud;
  let pids: number[] = [];

  beforeAll(async () => {
    // A small demo population keeps the suite quick; `npm run cloud` seeds the full ~5,000.
    cloud = await startLocalCloud({
      ephemeral: true,
      demo: { today: TODAY, passengers: 300 },
      appOptions: { ingestGroupId: `cloud-test-${Date.now()}` },
    });
    pids = [...cloud.pids];
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('starts every service and records them in cloud.json', () => {
    expect(cloud.services.map((s) => s.name)).toEqual([
      'dynamodb-local',
      'kafka',
      'cognito-local',
      'smtp-sink',
      'sms-log',
      'api',
    ]);
    const file = JSON.parse(readFileSync(path.join(cloud.dataDir, 'cloud.json'), 'utf8')) as CloudFile;
    expect(file.apiUrl).toBe(cloud.apiUrl);
    expect(file.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(file.cognito.userPoolId).toMatch(/^us-east-1_/);
    expect(cloud.seeded).toMatchObject({ passengers: 310 });
  });

  it('DynamoDB: the seeded FlightPulse flight SW9012 (PHX→OAK) is in the table', async () => {
    const db = localDynamoClient(cloud.dynamodbEndpoint);
    const k = keys.flight(`SW9012-${TODAY}`);
    const r = await db.send(
      new QueryCommand({
        TableName: `${cloud.tablePrefix}jetway`,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: k.PK } },
      }),
    );
    db.destroy();
    expect(JSON.stringify(r.Items)).toContain('OAK');
  });

  it('API: health answers; /v1/me needs a token and returns the Cognito principal', async () => {
    expect((await fetch(`${cloud.apiUrl}/v1/health`)).status).toBe(200);
    const anonymous = await fetch(`${cloud.apiUrl}/v1/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    const token = await signIn(cloud, 'agent.phx');
    await expect(createTokenVerifier(cloud.cognito).verify(`Bearer ${token}`)).resolves.toMatchObject({
      username: 'agent.phx',
    });
    const me = await fetch(`${cloud.apiUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'agent.phx', groups: ['agent'], stations: ['PHX'] });
  });

  it('Kafka → ingest: a FlightPulse delay for SW9012 reaches the PHX change log as a disruption', async () => {
    const kafka = new Kafka({ clientId: 'cloud-test', brokers: cloud.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const now = new Date();
    const naive = (d: Date) => d.toISOString().replace('Z', '000'); // FlightPulse: naive UTC, microseconds
    await producer.send({
      topic: FLIGHT_OPERATIONS_TOPIC,
      messages: [
        {
          value: JSON.stringify({
            event_id: `cloud-test-${now.getTime()}`,
            event_type: 'FLIGHT_DELAY',
            timestamp: naive(now),
            source: 'operations_center',
            payload: {
              flight_id: 'SW9012',
              delay_minutes: 200,
              reason: 'MECHANICAL',
              reason_detail: 'Hydraulic leak',
              new_departure: naive(new Date(Date.parse(`${TODAY}T10:00:00Z`) + 200 * 60_000)),
              new_arrival: naive(new Date(Date.parse(`${TODAY}T11:30:00Z`) + 200 * 60_000)),
            },
          }),
        },
      ],
    });
    await producer.disconnect();

    const token = await signIn(cloud, 'agent.phx');
    const deadline = Date.now() + 90_000;
    let found = false;
    let cursor = 0;
    let epoch: string | null = null;
    while (!found && Date.now() < deadline) {
      const url = `${cloud.apiUrl}/v1/sync/pull?station=PHX&cursor=${cursor}&limit=200${epoch ? `&epoch=${epoch}` : ''}`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        entries: { changes: { kind: string; id: string }[] }[];
        cursor: number;
        hasMore: boolean;
        epoch: string;
      };
      epoch = page.epoch;
      cursor = page.cursor;
      found = page.entries.some((e) => e.changes.some((c) => c.kind === 'disruption' && c.id.includes('SW9012')));
      if (!found && !page.hasMore) await new Promise((r) => setTimeout(r, 500));
    }
    expect(found).toBe(true);
  });

  it('SMTP: an e-mail through nodemailer lands in the sink', async () => {
    const transport = nodemailer.createTransport({
      host: cloud.smtp.host,
      port: cloud.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'ops@jetway.local',
      to: 'agent.phx@jetway.local',
      subject: 'cloud test',
      text: 'hello',
    });
    transport.close();
    await expect(cloud.smtp.waitFor((m) => m.subject === 'cloud test', 5000)).resolves.toMatchObject({
      to: ['agent.phx@jetway.local'],
    });
  });

  it('stop() leaves no child process behind', async () => {
    await cloud.stop();
    expect(await waitForDeath(pids)).toEqual([]);
    expect(livePids()).toEqual([]);
    expect(existsSync(cloud.dataDir)).toBe(false);
  });
});

describe('npm run cloud (the CLI)', () => {
  it('prints one line per service and `ready in X.Xs`, then stops cleanly on SIGINT with exit 0', async () => {
    const dataDir = path.join(os.tmpdir(), `jetway-cli-test-${process.pid}`);
    const t0 = Date.now();
    // As `npm run cloud` runs it: one Node process with the tsx loader (no tsx CLI wrapper, whose
    // signal relay can answer a slow child's SIGINT with exit 130 on a loaded machine).
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'backend/src/local/cli.ts', '--fresh', '--data-dir', dataDir, '--seed', 'cli-test'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KAFKA_BROKERS: '' } },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      proc.once('exit', (code, signal) => r({ code, signal })),
    );
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (/ready in \d+\.\ds/.test(out)) resolve(true);
        else if (proc.exitCode !== null || Date.now() - t0 > 150_000) resolve(false);
        if (/ready in/.test(out) || proc.exitCode !== null || Date.now() - t0 > 150_000) clearInterval(timer);
      }, 200);
    });
    expect(ready, `stdout:\n${out}\nstderr:\n${err}`).toBe(true);
    for (const name of ['dynamodb-local', 'kafka', 'cognito-local', 'smtp-sink', 'sms-log', 'api'])
      expect(out).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d ${name}\\s+\\S`));
    const cloudFile = JSON.parse(readFileSync(path.join(dataDir, 'cloud.json'), 'utf8')) as CloudFile;
    const childPids = cloudFile.services.flatMap((s) => (s.pid ? [s.pid] : []));
    expect(childPids.length).toBe(3);
    expect(childPids.every(isPidAlive)).toBe(true);

    proc.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(out).toMatch(/SIGINT: stopping…[\s\S]*stopped in/);
    expect(await waitForDeath(childPids)).toEqual([]);
    // Persistent mode keeps the data, drops the endpoints file and the lock.
    expect(existsSync(path.join(dataDir, 'dynamodb'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'cloud.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'cloud.pid'))).toBe(false);
  });
});

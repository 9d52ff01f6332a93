import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { test as base } from '@playwright/test';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { startDeskServer, type DeskServer } from '../../src/main/web/server.js';

/** Read-only probes of the backend's DynamoDB table (what the backend really stored). */
export interface BackendProbe {
  bookingsOnFlight(flightId: string): Promise<number>;
  /** Every issuance item for an entitlement (VALID or not), straight from the table. */
  issuancesFor(entitlementId: string): Promise<Record<string, unknown>[]>;
}

/** What the e2e needs of the local cloud running in ./cloud-process.ts. */
export interface E2eCloud {
  apiUrl: string;
  cognito: { endpoint: string; region: string; clientId: string; userPoolId: string };
  kafkaBrokers: string[];
  dynamodbEndpoint: string;
  tablePrefix: string;
  /** Mail captured by the SMTP sink so far. */
  smtpMessages(): Promise<{ to: string[]; subject: string; text: string }[]>;
}

const root = path.resolve(import.meta.dirname, '../..');

interface WorkerFixtures {
  cloud: E2eCloud;
  kafka: Producer;
  backend: BackendProbe;
}
interface TestFixtures {
  desk: DeskServer;
}

/**
 * `cloud` (one ephemeral local cloud per worker, seeded with demo data), `kafka` (a kafkajs
 * producer like FlightPulse's), `backend` (DynamoDB probes) and `desk` (a desk server with a
 * fresh data dir per test).
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  cloud: [
    // Playwright requires an object pattern as the first argument even without dependencies.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'test/e2e/cloud-process.ts')], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const info = await new Promise<Omit<E2eCloud, 'smtpMessages'> & { controlUrl: string }>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d) => {
          buf += String(d);
          const m = /E2E_CLOUD (\{.*\})/.exec(buf);
          if (m) resolve(JSON.parse(m[1]!));
        });
        void exited.then(() => reject(new Error(`local cloud process exited before ready:\n${buf}`)));
      });
      await use({ ...info, smtpMessages: async () => (await (await fetch(`${info.controlUrl}/smtp`)).json()) as Awaited<ReturnType<E2eCloud['smtpMessages']>> });
      child.kill('SIGTERM');
      await exited;
    },
    { scope: 'worker', timeout: 240_000 },
  ],
  kafka: [
    async ({ cloud }, use) => {
      const producer = new Kafka({ clientId: 'flightpulse-e2e', brokers: cloud.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      await use(producer);
      await producer.disconnect();
    },
    { scope: 'worker' },
  ],
  backend: [
    async ({ cloud }, use) => {
      const doc = DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: 'us-east-1', endpoint: cloud.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      );
      const table = `${cloud.tablePrefix}jetway`;
      await use({
        async bookingsOnFlight(flightId) {
          let n = 0;
          let start: Record<string, unknown> | undefined;
          do {
            const r = await doc.send(
              new QueryCommand({
                TableName: table,
                KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
                ExpressionAttributeValues: { ':pk': `FLIGHT#${flightId}`, ':b': 'BOOKING#' },
                Select: 'COUNT',
                ExclusiveStartKey: start,
                ConsistentRead: true,
              }),
            );
            n += r.Count ?? 0;
            start = r.LastEvaluatedKey;
          } while (start);
          return n;
        },
        async issuancesFor(entitlementId) {
          const out: Record<string, unknown>[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const r = await doc.send(
              new ScanCommand({
                TableName: table,
                FilterExpression: 'begins_with(PK, :p) AND entitlementId = :e',
                ExpressionAttributeValues: { ':p': 'ISSUANCE#', ':e': entitlementId },
                ExclusiveStartKey: start,
                ConsistentRead: true,
              }),
            );
            out.push(...(r.Items ?? []));
            start = r.LastEvaluatedKey;
          } while (start);
          return out;
        },
      });
      doc.destroy();
    },
    { scope: 'worker' },
  ],
  desk: async ({ cloud }, use, testInfo) => {
    const logFile = testInfo.outputPath('desk.log');
    const dataDir = testInfo.outputPath('desk-data');
    // Web mode requires a key: a generated per-data-dir secret, as `npm run start:web` does.
    const keyProvider = webKeyProvider({ dataDir, env: {}, generateSecretFile: true });
    const desk = await startDeskServer({ dataDir, keyProvider, apiUrl: cloud.apiUrl, cognito: cloud.cognito, log: (l) => fs.appendFileSync(logFile, `${l}\n`) });
    await use(desk);
    await desk.stop();
  },
});

export { expect } from '@playwright/test';

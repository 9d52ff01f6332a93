import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { expect, test as base, type Page } from '@playwright/test';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { startDeskServer, type DeskServer } from '../../src/main/web/server.js';

/** Read-only probes of the backend's DynamoDB table (what the backend really stored). */
export interface BackendProbe {
  bookingsOnFlight(flightId: string): Promise<number>;
  /** Every issuance item for an entitlement (VALID or not), straight from the table. */
  issuancesFor(entitlementId: string): Promise<Record<string, unknown>[]>;
  /** The same for many entitlements in one table scan (at most 100 ids). */
  issuancesForMany(entitlementIds: string[]): Promise<Record<string, unknown>[]>;
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
  /**
   * Which local cloud a spec file runs on. Files that need the demo data untouched (SW9012 still
   * SCHEDULED) set their own with `test.use({ cloudName: '…' })`: Playwright gives a different
   * worker-option value its own worker, hence its own fresh cloud, whatever the file order.
   */
  cloudName: string;
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
  cloudName: ['shared', { scope: 'worker', option: true }],
  cloud: [
    async ({ cloudName }, use) => {
      console.log(`[e2e] starting local cloud "${cloudName}"`);
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
    { scope: 'worker', timeout: 480_000 },
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
        issuancesFor(entitlementId) {
          return this.issuancesForMany([entitlementId]);
        },
        async issuancesForMany(entitlementIds) {
          // By the cases' partitions, not a table scan (a scan of a busy e2e table can take longer
          // than a poll's timeout on a loaded machine): every issuance is written in one
          // transaction with its case's audit entry (`details.issuanceId`, `details.entitlementId`),
          // and the entitlement names its current one; the issuance items themselves are then read
          // strongly consistent. (The reliability tests scan the whole table for strays.)
          if (entitlementIds.length === 0 || entitlementIds.length > 100) throw new Error('1 to 100 entitlement ids');
          const wanted = new Set(entitlementIds);
          const caseIds = [...new Set(entitlementIds.map((id) => id.split('/')[0]!))];
          const issuanceIds = new Set<string>();
          for (const caseId of caseIds) {
            let start: Record<string, unknown> | undefined;
            do {
              const r = await doc.send(
                new QueryCommand({
                  TableName: table,
                  KeyConditionExpression: 'PK = :pk',
                  ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
                  ExclusiveStartKey: start,
                  ConsistentRead: true,
                }),
              );
              for (const it of r.Items ?? []) {
                const d = it.details as Record<string, unknown> | undefined;
                if (String(it.SK).startsWith('AUDIT#') && d && wanted.has(String(d.entitlementId)) && typeof d.issuanceId === 'string') issuanceIds.add(d.issuanceId);
                if (String(it.SK).startsWith('ENT#') && wanted.has(String(it.id)) && typeof it.issuanceId === 'string') issuanceIds.add(it.issuanceId);
              }
              start = r.LastEvaluatedKey;
            } while (start);
          }
          const ids = [...issuanceIds];
          const out: Record<string, unknown>[] = [];
          for (let i = 0; i < ids.length; i += 100) {
            let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ PK: `ISSUANCE#${id}`, SK: 'META' }));
            for (let attempt = 0; keys && keys.length > 0; attempt++) {
              if (attempt > 10) throw new Error('BatchGet: keys still unprocessed');
              const r: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
              out.push(...(r.Responses?.[table] ?? []));
              keys = r.UnprocessedKeys?.[table]?.Keys;
            }
          }
          return out.filter((it) => wanted.has(String(it.entitlementId)));
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

/** Signs in on the sign-in screen (demo password) and waits for the top bar to name the user. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.getByTestId('signin-username').fill(username);
  await page.getByTestId('signin-password').fill('Jetway-demo-1');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('user')).toContainText(username);
}

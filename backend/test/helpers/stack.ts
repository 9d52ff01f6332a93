import { afterAll, beforeAll } from 'vitest';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { DEFAULT_POLICY_DOCUMENTS, parsePolicySet, type PolicySet } from '../../../src/shared/policy/index.js';
import { createDataContext, type DataContext } from '../../src/data/client.js';
import { seedDemoData, type SeedData } from '../../src/data/seed.js';
import { ingestRecord } from '../../src/ingest/processor.js';
import { startBackendApp, type BackendApp } from '../../src/local/app.js';
import { DEMO_PASSWORD, startCognitoLocal, type CognitoLocal } from '../../src/local/services/cognito.js';
import {
  createTables,
  localDynamoClient,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/services/dynamodb.js';
import { startKafka, type LocalKafka } from '../../src/local/services/kafka.js';
import { startSmtpSink, type SmtpSink } from '../../src/local/services/smtp.js';
import { createSmsLog, type SmsLog } from '../../src/local/services/sms.js';
import { apiClient } from './api.js';
import { scenarioMessages } from './fixtures.js';

/**
 * Real local services for an integration suite (B's starters): one DynamoDB Local (in memory)
 * per suite, Kafka and cognito-local when asked, an SMTP sink. Each test gets its own table
 * prefix via newTables().
 */
export interface Services {
  dynamo: DynamoDbLocal;
  kafka: LocalKafka | null;
  cognito: CognitoLocal | null;
  smtp: SmtpSink;
  sms: SmsLog;
  newTables(): Promise<{ ctx: DataContext; prefix: string }>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startServices(opts: { kafka?: boolean; cognito?: boolean } = {}): Promise<Services> {
  const [dynamo, kafka, cognito, smtp] = await Promise.all([
    startDynamoDbLocal(),
    opts.kafka ? startKafka() : Promise.resolve(null),
    opts.cognito ? startCognitoLocal() : Promise.resolve(null),
    startSmtpSink(),
  ]);
  const client = localDynamoClient(dynamo.endpoint);
  return {
    dynamo,
    kafka,
    cognito,
    smtp,
    sms: createSmsLog(),
    async newTables() {
      const prefix = `t${process.pid}x${++counter}_`;
      await createTables(client, prefix);
      return { ctx: createDataContext({ endpoint: dynamo.endpoint, tablePrefix: prefix }), prefix };
    },
    async stop() {
      client.destroy();
      await Promise.allSettled([dynamo.stop(), kafka?.stop(), cognito?.stop(), smtp.stop()]);
    },
  };
}

/**
 * A suite's services and one set of tables, started before its tests and stopped after them:
 * `withSuiteServices((services, tables) => ([s, ctx] = [services, tables]))`.
 */
export function withSuiteServices(set: (s: Services, ctx: DataContext) => void, opts?: Parameters<typeof startServices>[0]): void {
  let services: Services | undefined;
  beforeAll(async () => {
    services = await startServices(opts);
    set(services, (await services.newTables()).ctx);
  });
  afterAll(async () => {
    await services?.stop();
  });
}

export async function startApp(
  s: Services,
  prefix: string,
  opts: { ingest?: boolean; policy?: () => PolicySet; approvalPollMs?: number } = {},
): Promise<BackendApp> {
  if (!s.cognito) throw new Error('startApp needs cognito');
  return startBackendApp({
    dynamodbEndpoint: s.dynamo.endpoint,
    tablePrefix: prefix,
    kafkaBrokers: s.kafka?.brokers ?? [],
    cognito: s.cognito,
    smtpPort: s.smtp.port,
    sms: s.sms,
    ingest: opts.ingest ?? Boolean(s.kafka),
    ingestGroupId: `jetway-ingest-${prefix}`,
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.approvalPollMs ? { approvalPollMs: opts.approvalPollMs } : {}),
  });
}

/**
 * The bundled policies with the reference document's approval timing replaced (fractions of a
 * minute are allowed: `escalateAfterMinutes: 0.05` is 3 s), for tests of escalation and expiry.
 */
export function policyWithApprovalTiming(t: { escalateAfterMinutes: number; expireAfterMinutes: number }): PolicySet {
  const docs = DEFAULT_POLICY_DOCUMENTS.map((d) => {
    const doc = structuredClone(d) as { id?: string; moneyControls?: { approvals: Record<string, unknown> } };
    if (doc.id === 'reference' && doc.moneyControls)
      doc.moneyControls.approvals = { ...doc.moneyControls.approvals, ...t };
    return doc;
  });
  return parsePolicySet(docs);
}

export async function idToken(s: Services, username: string): Promise<string> {
  if (!s.cognito) throw new Error('no cognito');
  const idp = new CognitoIdentityProviderClient({
    endpoint: s.cognito.endpoint,
    region: s.cognito.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const r = await idp.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: s.cognito.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: DEMO_PASSWORD },
      }),
    );
    const t = r.AuthenticationResult?.IdToken;
    if (!t) throw new Error('no id token');
    return t;
  } finally {
    idp.destroy();
  }
}

/** Produce messages with no key (FlightPulse's way) to a topic. */
export async function produce(
  brokers: string[],
  topic: string,
  values: (string | Buffer | null)[],
  key?: (i: number) => string,
): Promise<void> {
  const kafka = new Kafka({ clientId: 'test-producer', brokers, logLevel: logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: true });
  await p.connect();
  try {
    await p.send({ topic, messages: values.map((value, i) => ({ value, ...(key ? { key: key(i) } : {}) })) });
  } finally {
    await p.disconnect();
  }
}

/** Read everything on a topic (from the beginning) until `count` messages were seen or the timeout. */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<{ value: string; key: string | null }[]> {
  const kafka = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING });
  const c: Consumer = kafka.consumer({
    groupId: `reader-${Date.now()}-${Math.random()}`,
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
  });
  const out: { value: string; key: string | null }[] = [];
  await c.connect();
  try {
    await c.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      void c.run({
        eachMessage: async ({ message }) => {
          out.push({ value: message.value?.toString('utf8') ?? '', key: message.key?.toString('utf8') ?? null });
          if (out.length >= count) {
            clearTimeout(t);
            resolve();
          }
        },
      });
    });
  } finally {
    await c.disconnect();
  }
  return out;
}

/** Poll `fn` until it returns a truthy value or time runs out. */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * FlightPulse scenario 3 (SW9012 cancelled) through the ingest handler, delivered `deliveries`
 * times (Kafka is at least once), then every workflow run to its end: cases with OFFERED
 * entitlements for the seeded passengers.
 */
export async function cancelScenario3(ctx: DataContext, app: BackendApp, deliveries = 1): Promise<void> {
  const [message] = scenarioMessages('scenario3-cancellation.json');
  for (let i = 0; i < deliveries; i++) {
    await ingestRecord({ ctx, workflows: app.workflows, deadLetters: { send: async () => undefined } }, message!, {
      topic: 'flight-operations',
      partition: 0,
      offset: String(i),
    });
  }
  await app.idle();
}

/** What an API suite works against: see startApiStack. */
export interface ApiStack {
  s: Services;
  ctx: DataContext;
  prefix: string;
  app: BackendApp;
  api: ReturnType<typeof apiClient>;
  /** An ID token per user asked for. */
  tokens: Record<string, string>;
}

/**
 * The set-up of a suite testing the real API: services with cognito-local, new tables seeded with
 * `data`, the app (ingest off; `policy` when given), an API client, an ID token for each of `users`,
 * and FlightPulse scenario 3 (SW9012 cancelled) run to its end. What started is stopped again when
 * a step fails.
 */
export async function startApiStack(o: {
  data: SeedData;
  users: readonly string[];
  policy?: () => PolicySet;
}): Promise<ApiStack> {
  const s = await startServices({ cognito: true });
  let app: BackendApp | undefined;
  try {
    const { ctx, prefix } = await s.newTables();
    await seedDemoData(ctx, o.data);
    app = await startApp(s, prefix, { ingest: false, ...(o.policy ? { policy: o.policy } : {}) });
    const api = apiClient(app.apiUrl);
    const tokens: Record<string, string> = {};
    for (const u of o.users) tokens[u] = await idToken(s, u);
    await cancelScenario3(ctx, app);
    return { s, ctx, prefix, app, api, tokens };
  } catch (err) {
    await stopApiStack({ app, s });
    throw err;
  }
}

/** Stops what startApiStack started (the app, then the services); either may be missing. */
export async function stopApiStack(stack: { app?: BackendApp | undefined; s?: Services | undefined }): Promise<void> {
  await stack.app?.stop();
  await stack.s?.stop();
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { fromPowertools, type Log } from '../data/log.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { defaultPolicySet, type PolicySet } from '../../../src/shared/policy/index.js';
import { createTokenVerifier } from '../api/auth/verifier.js';
import { createChangeWaiter } from '../api/change-waiter.js';
import type { ApiDeps } from '../api/deps.js';
import { MAX_BODY_BYTES, errorBody, json, type ApiEvent, type ApiResult } from '../api/http.js';
import { makeHealthHandler } from '../api/routes/health.js';
import { makeMeHandler } from '../api/routes/me.js';
import { makePullHandler } from '../api/routes/pull.js';
import { makePushHandler } from '../api/routes/push.js';
import { addCommitListener } from '../data/changelog.js';
import { createDataContext, type DataContext } from '../data/client.js';
import { HANDLERS } from '../handlers.js';
import { startLocalIngest, type LocalIngest } from '../ingest/kafka-consumer.js';
import { createNotifier } from '../notify/notifier.js';
import { smtpTransport } from '../notify/smtp.js';
import type { SmsTransport } from '../notify/transports.js';
import { cognitoDirectory } from '../workflows/directory.js';
import { createLocalApprovalWorkflow, type LocalApprovalWorkflow } from '../workflows/local-approvals.js';
import { createLocalWorkflowRunner, type LocalWorkflowRunner } from '../workflows/local-runner.js';

export interface BackendAppOptions {
  dynamodbEndpoint: string;
  tablePrefix: string;
  kafkaBrokers: string[];
  cognito: { userPoolId: string; clientId: string; jwksUri: string; region?: string; endpoint?: string; issuer?: string };
  smtpPort: number;
  sms?: SmsTransport;
  port?: number;
  /** Kafka consumer group (default `jetway-ingest`); tests may isolate theirs. */
  ingestGroupId?: string;
  /** Skip the Kafka consumer (API-only tests). */
  ingest?: boolean;
  policy?: () => PolicySet;
  /** Issue policy-automatic entitlements (e.g. meal vouchers) in the workflow; default off. */
  autoIssue?: boolean;
  /** How often a waiting approval re-reads its item (a decision in this process wakes it at once); default 1000 ms. */
  approvalPollMs?: number;
}

export interface BackendApp {
  apiUrl: string;
  ctx: DataContext;
  workflows: LocalWorkflowRunner;
  /** The approval workflow (approval.asl.json on the local callback registry); re-driven from LOCALCB at start. */
  approvals: LocalApprovalWorkflow;
  /** Approvals whose waiting workflow was re-driven from the LOCALCB registry at start. */
  redriven: string[];
  ingest: LocalIngest | null;
  /** Resolves when ingestion and workflows have nothing in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The backend of the local cloud, in this process: the API handlers behind a node:http server
 * that builds API Gateway HTTP API v2 events (like the real API with its Lambda integrations),
 * the Kafka ingest consumer, and the local Step Functions runner for the disruption workflow.
 */
export async function startBackendApp(opts: BackendAppOptions): Promise<BackendApp> {
  const log = fromPowertools(new Logger({ serviceName: 'jetway-local', logLevel: (process.env.JETWAY_LOG_LEVEL as 'INFO' | undefined) ?? 'WARN' }));
  const ctx = createDataContext({ endpoint: opts.dynamodbEndpoint, tablePrefix: opts.tablePrefix, region: opts.cognito.region ?? 'us-east-1' });
  const email = smtpTransport({ port: opts.smtpPort });
  const notifier = createNotifier({ ctx, email, ...(opts.sms ? { sms: opts.sms } : {}), log });
  let policySet: PolicySet | null = null;
  const policy = opts.policy ?? (() => (policySet ??= defaultPolicySet()));
  const changes = createChangeWaiter(250);
  const removeListener = addCommitListener((seqs) => changes.notify(seqs));
  // The station's supervisors for escalation e-mails: cognito-local's ListUsersInGroup, as Cognito in AWS.
  const directory = opts.cognito.endpoint
    ? cognitoDirectory({ userPoolId: opts.cognito.userPoolId, endpoint: opts.cognito.endpoint, region: opts.cognito.region ?? 'us-east-1' })
    : null;
  const approvals = createLocalApprovalWorkflow({ ctx, policy, notifier, log, directory }, opts.approvalPollMs ? { pollMs: opts.approvalPollMs } : {});
  const deps: ApiDeps = {
    ctx,
    verifier: createTokenVerifier({ userPoolId: opts.cognito.userPoolId, clientId: opts.cognito.clientId, jwksUri: opts.cognito.jwksUri }),
    notifier,
    policy,
    changes,
    log,
    approvals,
  };
  const workflows = createLocalWorkflowRunner({ ctx, policy, notifier, log, autoIssue: opts.autoIssue ?? false });
  const ingest =
    opts.ingest === false
      ? null
      : await startLocalIngest({ ctx, workflows, log }, { brokers: opts.kafkaBrokers, ...(opts.ingestGroupId ? { groupId: opts.ingestGroupId } : {}) });

  const factories: Record<string, (d: ApiDeps) => (e: ApiEvent) => Promise<ApiResult>> = {
    ApiHealth: makeHealthHandler,
    ApiMe: makeMeHandler,
    ApiSyncPull: makePullHandler,
    ApiSyncPush: makePushHandler,
  };
  // Routes come from the manifest, so the local API serves exactly what the CDK app deploys.
  const routes = new Map<string, (e: ApiEvent) => Promise<ApiResult>>();
  for (const h of HANDLERS) {
    if (h.kind !== 'api') continue;
    const make = factories[h.name];
    if (!make) throw new Error(`no local binding for API handler ${h.name}`);
    const fn = make(deps);
    for (const r of h.routes ?? []) routes.set(r, fn);
  }

  const server = createServer((req, res) => {
    void serve(req, res, routes, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Approvals still waiting when the previous app stopped continue, with their original deadlines.
  const redriven = await approvals.redrive().catch((err: unknown) => {
    log.error('approval re-drive failed; waiting approvals will not escalate until the next start', { error: (err as Error).message });
    return [];
  });
  if (redriven.length) log.info('approval workflows re-driven', { count: redriven.length });
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    ctx,
    workflows,
    approvals,
    redriven,
    ingest,
    async idle() {
      for (let i = 0; i < 3; i++) {
        await ingest?.idle();
        await workflows.idle();
      }
    },
    async stop() {
      await closeServer(server);
      await ingest?.stop();
      await workflows.stop();
      await approvals.stop();
      removeListener();
      email.close();
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, routes: Map<string, (e: ApiEvent) => Promise<ApiResult>>, log: Log) {
  const send = (r: ApiResult) => {
    res.writeHead(r.statusCode ?? 200, (r.headers ?? {}) as Record<string, string>);
    res.end(r.body ?? '');
  };
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const handler = routes.get(`${method} ${url.pathname}`);
    if (!handler) {
      req.resume();
      return send(json(404, errorBody('not_found', 'no such route')));
    }
    // API Gateway refuses oversized payloads itself; mirror that without buffering them.
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY_BYTES + 1024) {
        tooLarge = true;
        continue;
      }
      chunks.push(c as Buffer);
    }
    if (tooLarge) return send(json(413, errorBody('payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`)));
    const body = Buffer.concat(chunks).toString('utf8');
    send(await handler(toApiGatewayEvent(req, url, method, body)));
  } catch (err) {
    log.error('local API adapter failed', { error: (err as Error).message });
    if (!res.headersSent) send(json(500, errorBody('internal', 'internal error')));
  }
}

/** node:http request → APIGatewayProxyEventV2 (payload format 2.0). */
export function toApiGatewayEvent(req: IncomingMessage, url: URL, method: string, body: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `${now.getTime()}-${Math.random().toString(36).slice(2)}`,
      routeKey: `${method} ${url.pathname}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

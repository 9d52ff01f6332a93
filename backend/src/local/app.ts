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
import { makeAdminHandler } from '../api/routes/admin.js';
import { cognitoUserAdmin } from '../api/admin-users.js';
import { makeDesksHandler } from '../api/routes/desks.js';
import { makeHealthHandler } from '../api/routes/health.js';
import { makeMeHandler } from '../api/routes/me.js';
import { makePullHandler } from '../api/routes/pull.js';
import { makePushHandler } from '../api/routes/push.js';
import { makeSnapshotHandler } from '../api/routes/snapshot.js';
import { compactUntilDone, type CompactionOptions, type StationCompaction } from '../data/compaction.js';
import { addCommitListener } from '../data/changelog.js';
import { createDataContext, type DataContext } from '../data/client.js';
import { HANDLERS } from '../handlers.js';
import { startLocalIngest, type LocalIngest } from '../ingest/kafka-consumer.js';
import { kafkaDeadLetterSink } from '../ingest/kafka-dlq.js';
import type { IngestDeps } from '../ingest/processor.js';
import { OPS_DLQ_TOPIC } from '../ingest/topics.js';
import { startFeedsConsumer, type FeedsConsumer } from '../feeds/consumer.js';
import { createParking, parkingHorizonFromEnv, type Parking, type RedriveSummary, type SweepSummary } from '../feeds/parking.js';
import type { Flight } from '../../../src/shared/domain/index.js';
import { flightNotices, registerFlightNotices } from '../notify/changes.js';
import { createNotifier } from '../notify/notifier.js';
import { smtpTransport } from '../notify/smtp.js';
import type { SmsTransport } from '../notify/transports.js';
import { cognitoDirectory } from '../workflows/directory.js';
import { createLocalApprovalWorkflow, type LocalApprovalWorkflow } from '../workflows/local-approvals.js';
import { createLocalWorkflowRunner, type LocalWorkflowRunner } from '../workflows/local-runner.js';
import { localSimulationRunner } from '../workflows/policy-simulation.js';
import { ensureSeeded, policyResolver, storePolicyAt } from '../data/policy-store.js';

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
  /**
   * The notification outbox (notify/outbox.ts): attempts before giving up (default 8), backoff base
   * (default 30 s), and how often due retries are delivered (default $JETWAY_NOTIFY_DRAIN_SECONDS or
   * 10 s; 0 = no timer, tests call `notifier.drain()`).
   */
  notify?: { maxAttempts?: number; backoffBaseMs?: number; drainIntervalMs?: number };
  /** Skip the Kafka consumers (API-only tests). */
  ingest?: boolean;
  /** The schedule + manifest feed consumer (default: with ingest); its group defaults to `<ingestGroupId>-feeds` or `jetway-feeds`. */
  feeds?: boolean;
  feedsGroupId?: string;
  /**
   * Parking of ops events whose flight is not scheduled yet (feeds/parking.ts): the horizon
   * (default $JETWAY_PARKING_HORIZON_HOURS or 48 h), the clock, and the sweep timer (default
   * $JETWAY_PARKING_SWEEP_SECONDS or 60 s; 0 = none, tests call `sweepParked()`).
   */
  parking?: { horizonMs?: number; now?: () => number; sweepIntervalMs?: number };
  /**
   * A fixed policy set for every decision (tests). Without it, decisions use the policy store: the
   * published version in force at the disrupted flight's scheduled departure (seeded with the bundled
   * documents as version 1 at start).
   */
  policy?: () => PolicySet;
  /** Issue policy-automatic entitlements (e.g. meal vouchers) in the workflow; default off. */
  autoIssue?: boolean;
  /** How often a waiting approval re-reads its item (a decision in this process wakes it at once); default 1000 ms. */
  approvalPollMs?: number;
  /**
   * Change-log compaction + retention (the SchedCompactChangeLog Lambda's local stand-in): a timer
   * every `intervalMs` (default $JETWAY_COMPACT_INTERVAL_SECONDS or 60 s; 0 = no timer, tests call
   * `compact()`), with the retention horizon `horizonMs` (default $JETWAY_RETENTION_HORIZON_HOURS or 7 days).
   */
  compaction?: { intervalMs?: number; horizonMs?: number };
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
  /** Passenger and staff messages: the durable outbox (drained on a timer). */
  notifier: ReturnType<typeof createNotifier>;
  /** The schedule + manifest consumer (null without ingest). */
  feeds: FeedsConsumer | null;
  parking: Parking;
  /** Re-drive the ops events parked for these flights (the demo seeding creates flights without the consumer). */
  redriveParked(flights: Pick<Flight, 'carrier' | 'number'>[]): Promise<RedriveSummary>;
  /** One parking sweep now (what the timer runs). */
  sweepParked(): Promise<SweepSummary>;
  /** Resolves when ingestion and workflows have nothing in flight. */
  idle(): Promise<void>;
  /** One compaction + trim pass over every station, until each is done (what the timer runs). */
  compact(opts?: CompactionOptions): Promise<StationCompaction[]>;
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
  const notifier = createNotifier({
    ctx,
    email,
    ...(opts.sms ? { sms: opts.sms } : {}),
    log,
    ...(opts.notify?.maxAttempts ? { maxAttempts: opts.notify.maxAttempts } : {}),
    ...(opts.notify?.backoffBaseMs ? { backoff: { baseMs: opts.notify.backoffBaseMs } } : {}),
  });
  // Gate changes and other notices without a workflow are outbox fanout jobs, expanded here.
  registerFlightNotices({ ctx, notifier, log });
  // The outbox drainer (the SchedDrainOutbox Lambda's local stand-in): retries whose backoff is over.
  const envDrain = process.env.JETWAY_NOTIFY_DRAIN_SECONDS;
  const drainMs = opts.notify?.drainIntervalMs ?? (envDrain && Number(envDrain) >= 0 ? Number(envDrain) * 1000 : 10_000);
  let draining: Promise<unknown> | null = null;
  const drainTimer =
    drainMs > 0
      ? setInterval(() => {
          draining ??= notifier
            .drain()
            .catch((err: unknown) => log.error('outbox drain failed; retried at the next tick', { error: (err as Error).message }))
            .finally(() => (draining = null));
        }, drainMs)
      : null;
  drainTimer?.unref();
  let policySet: PolicySet | null = null;
  const policy = opts.policy ?? (() => (policySet ??= defaultPolicySet()));
  const changes = createChangeWaiter(250);
  const removeListener = addCommitListener((seqs) => changes.notify(seqs));
  // The station's supervisors for escalation e-mails: cognito-local's ListUsersInGroup, as Cognito in AWS.
  const directory = opts.cognito.endpoint
    ? cognitoDirectory({ userPoolId: opts.cognito.userPoolId, endpoint: opts.cognito.endpoint, region: opts.cognito.region ?? 'us-east-1' })
    : null;
  const approvals = createLocalApprovalWorkflow(
    { ctx, policy, ...(opts.policy ? {} : { resolvePolicy: () => policyResolver(ctx) }), notifier, log, directory },
    opts.approvalPollMs ? { pollMs: opts.approvalPollMs } : {},
  );
  const deps: ApiDeps = {
    ctx,
    verifier: createTokenVerifier({ userPoolId: opts.cognito.userPoolId, clientId: opts.cognito.clientId, jwksUri: opts.cognito.jwksUri }),
    notifier,
    policy,
    ...(opts.policy ? {} : { policyAt: storePolicyAt(ctx) }),
    changes,
    log,
    approvals,
  };
  await ensureSeeded(ctx);
  const workflows = createLocalWorkflowRunner({
    ctx,
    policy,
    ...(opts.policy ? {} : { resolvePolicy: () => policyResolver(ctx) }),
    notifier,
    log,
    autoIssue: opts.autoIssue ?? false,
  });
  // Policy simulations run in this process, asynchronously (a Lambda invoked with InvocationType Event in AWS).
  const simulations = localSimulationRunner(ctx, log);
  const userAdmin = opts.cognito.endpoint
    ? cognitoUserAdmin({ userPoolId: opts.cognito.userPoolId, endpoint: opts.cognito.endpoint, region: opts.cognito.region ?? 'us-east-1' })
    : null;
  const parking = createParking(ctx, {
    horizonMs: opts.parking?.horizonMs ?? parkingHorizonFromEnv(),
    ...(opts.parking?.now ? { now: opts.parking.now } : {}),
    log,
  });
  // Parked events are re-driven through ingest with the app's workflows; dead letters go to flight-operations.dlq.
  let opsDeps: IngestDeps | null = null;
  // The two consumers join their groups in parallel (each join takes seconds on a busy machine).
  const started = await Promise.allSettled([
    opts.ingest === false
      ? null
      : startLocalIngest({ ctx, workflows, log, parking, notices: flightNotices({ ctx, notifier }) }, { brokers: opts.kafkaBrokers, ...(opts.ingestGroupId ? { groupId: opts.ingestGroupId } : {}) }),
    opts.ingest === false || opts.feeds === false
      ? null
      : startFeedsConsumer(
          { ctx, log, onFlightsCreated: async (flights) => void (await parking.redrive(opsDeps!, flights)) },
          {
            brokers: opts.kafkaBrokers,
            ...(opts.feedsGroupId ? { groupId: opts.feedsGroupId } : opts.ingestGroupId ? { groupId: `${opts.ingestGroupId}-feeds` } : {}),
          },
        ),
  ]);
  const [ingest, feeds] = started.map((r) => (r.status === 'fulfilled' ? r.value : null)) as [LocalIngest | null, FeedsConsumer | null];
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled([ingest?.stop(), feeds?.stop()]);
    throw failed.reason;
  }
  const dlqSink = feeds ? kafkaDeadLetterSink(feeds.producer, OPS_DLQ_TOPIC) : { send: async () => { throw new Error('no Kafka: cannot dead-letter'); } };
  opsDeps = { ctx, workflows, deadLetters: dlqSink, log, parking, notices: flightNotices({ ctx, notifier }) };
  const deps_ = opsDeps;
  let sweeping: Promise<SweepSummary> | null = null;
  const sweepParked = (): Promise<SweepSummary> => (sweeping ??= parking.sweep(deps_).finally(() => (sweeping = null)));
  const envSweep = Number(process.env.JETWAY_PARKING_SWEEP_SECONDS);
  const sweepMs = opts.parking?.sweepIntervalMs ?? (Number.isFinite(envSweep) && envSweep >= 0 && process.env.JETWAY_PARKING_SWEEP_SECONDS ? envSweep * 1000 : 60_000);
  const sweepTimer =
    feeds && sweepMs > 0
      ? setInterval(() => void sweepParked().catch((err: unknown) => log.error('parking sweep failed; retried at the next tick', { error: (err as Error).message })), sweepMs)
      : null;
  sweepTimer?.unref();

  const factories: Record<string, (d: ApiDeps) => (e: ApiEvent) => Promise<ApiResult>> = {
    ApiHealth: makeHealthHandler,
    ApiMe: makeMeHandler,
    ApiSyncPull: makePullHandler,
    ApiSyncPush: makePushHandler,
    ApiSyncSnapshot: makeSnapshotHandler,
    ApiDesks: makeDesksHandler,
    ApiAdmin: (d) => makeAdminHandler(d, { users: userAdmin, simulations }),
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
  const envHours = Number(process.env.JETWAY_RETENTION_HORIZON_HOURS);
  const horizonMs = opts.compaction?.horizonMs ?? (envHours > 0 ? envHours * 3600_000 : undefined);
  // One pass at a time (the compactor is safe against a concurrent one, but that is wasted work).
  let compacting: Promise<unknown> = Promise.resolve();
  let busy = false;
  const compact = (o: CompactionOptions = {}): Promise<StationCompaction[]> => {
    const run = compacting.then(() => compactUntilDone(ctx, { ...(horizonMs ? { horizonMs } : {}), ...o }));
    compacting = run.catch(() => undefined);
    return run;
  };
  const envSeconds = process.env.JETWAY_COMPACT_INTERVAL_SECONDS;
  const intervalMs = opts.compaction?.intervalMs ?? (envSeconds && Number(envSeconds) >= 0 ? Number(envSeconds) * 1000 : 60_000);
  const compactTimer =
    intervalMs > 0
      ? setInterval(() => {
          if (busy) return;
          busy = true;
          compact()
            .catch((err: unknown) => log.error('compaction failed; retried at the next tick', { error: (err as Error).message }))
            .finally(() => {
              busy = false;
            });
        }, intervalMs)
      : null;
  compactTimer?.unref();
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    ctx,
    workflows,
    approvals,
    redriven,
    ingest,
    notifier,
    feeds,
    parking,
    redriveParked: (flights) => parking.redrive(deps_, flights),
    sweepParked,
    async idle() {
      for (let i = 0; i < 3; i++) {
        await feeds?.idle();
        await ingest?.idle();
        await workflows.idle();
        await simulations.idle();
      }
    },
    compact,
    async stop() {
      if (compactTimer) clearInterval(compactTimer);
      if (drainTimer) clearInterval(drainTimer);
      await draining;
      if (sweepTimer) clearInterval(sweepTimer);
      await compacting;
      await sweeping?.catch(() => undefined);
      // Long polls answer now: they must not outlive the server and read tables being stopped.
      changes.close();
      await closeServer(server);
      await feeds?.stop();
      await ingest?.stop();
      await workflows.stop();
      await simulations.idle();
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
    const found = matchRoute(routes, method, url.pathname);
    const handler = found?.handler;
    if (!found || !handler) {
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
    send(await handler(toApiGatewayEvent(req, url, method, body, found.route)));
  } catch (err) {
    log.error('local API adapter failed', { error: (err as Error).message });
    if (!res.headersSent) send(json(500, errorBody('internal', 'internal error')));
  }
}

/**
 * The route serving `METHOD /path`, as API Gateway matches it: an exact key first, else a key
 * with `{name}` path parameters (one segment each), whose values become `pathParameters`.
 */
export function matchRoute<H>(
  routes: Map<string, H>,
  method: string,
  pathname: string,
): { handler: H; route: { key: string; params: Record<string, string> } } | null {
  const exact = routes.get(`${method} ${pathname}`);
  if (exact) return { handler: exact, route: { key: `${method} ${pathname}`, params: {} } };
  const segs = pathname.split('/');
  for (const [key, handler] of routes) {
    const [m, path] = key.split(' ');
    if (m !== method || !path?.includes('{')) continue;
    const tpl = path.split('/');
    if (tpl.length !== segs.length) continue;
    const params: Record<string, string> = {};
    const ok = tpl.every((t, i) => {
      const seg = segs[i] ?? '';
      if (t.startsWith('{') && t.endsWith('}')) {
        if (seg === '') return false;
        try {
          params[t.slice(1, -1)] = decodeURIComponent(seg);
        } catch {
          return false;
        }
        return true;
      }
      return t === seg;
    });
    if (ok) return { handler, route: { key, params } };
  }
  return null;
}

/** node:http request → APIGatewayProxyEventV2 (payload format 2.0). */
export function toApiGatewayEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  body: string,
  route: { key: string; params: Record<string, string> } = { key: `${method} ${url.pathname}`, params: {} },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.params).length ? { pathParameters: route.params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `${now.getTime()}-${Math.random().toString(36).slice(2)}`,
      routeKey: route.key,
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

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { z } from 'zod';
import {
  ADMIN_ROUTES,
  CreateDraftRequestSchema,
  DiffQuerySchema,
  EditDraftRequestSchema,
  PublishRequestSchema,
  RollbackRequestSchema,
  SimulateRequestSchema,
  SimulationCasesQuerySchema,
  UpdateUserRequestSchema,
  ValidateRequestSchema,
  VersionParamSchema,
  type AdminRouteKey,
  type ValidationIssue,
} from '../../../../src/shared/policy/admin-contract.js';
import { diffPolicyContent } from '../../../../src/shared/policy/admin-diff.js';
import { validatePolicyContent } from '../../../../src/shared/policy/admin-validate.js';
import { formatPath } from '../../../../src/shared/policy/errors.js';
import { PolicyDocumentSchema } from '../../../../src/shared/policy/index.js';
import { resolvePolicyVersion } from '../../../../src/shared/policy/versions.js';
import type { DataContext } from '../../data/client.js';
import { keys } from '../../data/keys.js';
import {
  PolicyStoreError,
  createDraft,
  detailOf,
  editDraft,
  getPolicyVersion,
  listPolicyVersions,
  publishVersion,
  publishedDocumentHashes,
  publishedIndex,
  rollbackTo,
  summaryOf,
} from '../../data/policy-store.js';
import { createSimulationJob, getSimulationChunk, getSimulationJob, localSimulationRunner, publicJob, type SimulationRunner } from '../../workflows/policy-simulation.js';
import { cognitoUserAdmin, type UserAdmin } from '../admin-users.js';
import { AuthError, type Principal } from '../auth/verifier.js';
import type { ApiDeps } from '../deps.js';
import { MAX_BODY_BYTES, bodyText, header, json, type ApiEvent, type ApiResult } from '../http.js';
import { apiDepsFromEnv } from '../lambda-deps.js';
import { roleOf } from '../principal.js';

/**
 * The admin API (issue #9): policy versions, validation, simulation, publication, users. Every route
 * is in ADMIN_ROUTES (src/shared/policy/admin-contract.ts), answers 403 to anyone but an admin (role
 * from the verified ID token), and every authenticated call — refused ones too — leaves an audit item
 * `ADMINAUDIT#<date>` (who, what, when, outcome). Bodies are parsed with the contract's zod schemas:
 * a bad field is a 400 naming its JSON path; nothing is written before the whole body is valid.
 */
export interface AdminExtras {
  users: UserAdmin | null;
  simulations: SimulationRunner;
}

/** An effectiveFrom this close to now counts as now (no reason needed): clocks and requests take time. */
export const PAST_GRACE_MS = 60_000;

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
  }
}

const bad = (path: string, message: string) => new AdminError(400, 'validation_failed', `${path || '(root)'}: ${message}`, path);

function parse<T extends z.ZodType>(schema: T, raw: unknown, prefix = ''): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const p = formatPath(issue.path);
  throw bad(prefix && p ? (p.startsWith('[') ? `${prefix}${p}` : `${prefix}.${p}`) : prefix || p, issue.message);
}

function readBody(event: ApiEvent, required: boolean): unknown {
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new AdminError(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (text.trim() === '') {
    if (required) throw bad('', 'request body is required');
    return {};
  }
  if (type && type !== 'application/json' && !type.endsWith('+json')) throw new AdminError(415, 'unsupported_media_type', 'the body must be application/json');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError(400, 'invalid_json', 'request body is not valid JSON', '');
  }
}

const versionParam = (event: ApiEvent): number => parse(VersionParamSchema, event.pathParameters?.version ?? '', 'version');
const JOB_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

function storeError(err: unknown): never {
  if (err instanceof PolicyStoreError) throw new AdminError(err.code === 'not_found' ? 404 : 409, err.code, err.message);
  throw err;
}

async function audit(
  ctx: DataContext,
  e: { p: Principal; role: string | null; action: string; route: string; target: Record<string, string>; status: number; code?: string | undefined; detail?: Record<string, unknown> | undefined },
) {
  const at = new Date().toISOString();
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.table,
      Item: {
        ...keys.adminAudit(at, ulid()),
        entityType: 'admin_audit',
        at,
        actor: e.p.username,
        sub: e.p.sub,
        role: e.role,
        action: e.action,
        route: e.route,
        target: e.target,
        status: e.status,
        ...(e.code ? { code: e.code } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
      },
    }),
  );
}

/** A route's answer; `detail` goes into the audit item (what exactly was done). */
type Handler = (event: ApiEvent, p: Principal) => Promise<{ status: number; body: unknown; detail?: Record<string, unknown> }>;

export function makeAdminHandler(deps: ApiDeps, extras?: Partial<AdminExtras>): (e: ApiEvent) => Promise<ApiResult> {
  const { ctx } = deps;
  const simulations = extras?.simulations ?? localSimulationRunner(ctx, deps.log);
  const users = extras?.users ?? null;

  const validate = async (content: unknown[]) => validatePolicyContent(content, { publishedHashes: await publishedDocumentHashes(ctx) });

  const handlers: Record<AdminRouteKey, Handler> = {
    'GET /v1/admin/policies': async () => {
      const versions = await listPolicyVersions(ctx);
      const inForce = resolvePolicyVersion(await publishedIndex(ctx), new Date().toISOString());
      return { status: 200, body: { versions: versions.map(summaryOf), inForce: inForce?.version ?? null } };
    },
    'POST /v1/admin/policies': async (event, p) => {
      const body = parse(CreateDraftRequestSchema, readBody(event, true));
      const v = await createDraft(ctx, { from: body.from, note: body.note ?? null, actor: p.username }).catch(storeError);
      return { status: 201, body: detailOf(v), detail: { version: v.version, from: body.from } };
    },
    'GET /v1/admin/policies/diff': async (event) => {
      const q = parse(DiffQuerySchema, event.queryStringParameters ?? {});
      const [a, b] = await Promise.all([getPolicyVersion(ctx, q.from), getPolicyVersion(ctx, q.to)]);
      if (!a) throw new AdminError(404, 'not_found', `no policy version ${q.from}`);
      if (!b) throw new AdminError(404, 'not_found', `no policy version ${q.to}`);
      const d = diffPolicyContent(a.content, b.content);
      return { status: 200, body: { from: q.from, to: q.to, ...d } };
    },
    'POST /v1/admin/policies/rollback': async (event, p) => {
      const body = parse(RollbackRequestSchema, readBody(event, true));
      const target = await getPolicyVersion(ctx, body.to);
      if (!target) throw new AdminError(404, 'not_found', `no policy version ${body.to}`);
      if (target.status === 'draft') throw new AdminError(409, 'not_published', `version ${body.to} is a draft: only a published or retired version can be rolled back to`);
      const r = await rollbackTo(ctx, { to: body.to, effectiveFrom: body.effectiveFrom ?? new Date().toISOString(), reason: body.reason, actor: p.username }).catch(storeError);
      return {
        status: 201,
        body: { version: summaryOf(r.version), retired: r.retired, stations: r.stations },
        detail: { version: r.version.version, to: body.to, effectiveFrom: r.version.effectiveFrom, reason: body.reason, retired: r.retired },
      };
    },
    'GET /v1/admin/policies/{version}': async (event) => {
      const v = await getPolicyVersion(ctx, versionParam(event));
      if (!v) throw new AdminError(404, 'not_found', `no policy version ${event.pathParameters?.version ?? ''}`);
      return { status: 200, body: detailOf(v) };
    },
    'PUT /v1/admin/policies/{version}': async (event, p) => {
      const version = versionParam(event);
      const body = parse(EditDraftRequestSchema, readBody(event, true));
      // Every document must parse with the engine's schema: a stored draft is always a policy set's input.
      body.content.forEach((doc, i) => parse(PolicyDocumentSchema, doc, `content[${i}]`));
      const v = await editDraft(ctx, { version, content: body.content, note: body.note, expectedUpdatedAt: body.expectedUpdatedAt, actor: p.username }).catch(storeError);
      return { status: 200, body: detailOf(v), detail: { contentHash: v.contentHash, documents: v.documents } };
    },
    'POST /v1/admin/policies/{version}/validate': async (event) => {
      const version = versionParam(event);
      const body = parse(ValidateRequestSchema, readBody(event, false));
      let content = body.content;
      if (!content) {
        const v = await getPolicyVersion(ctx, version);
        if (!v) throw new AdminError(404, 'not_found', `no policy version ${version}`);
        content = v.content;
      }
      const issues = await validate(content);
      return { status: 200, body: { version, valid: !issues.some((i) => i.severity === 'error'), issues } };
    },
    'POST /v1/admin/policies/{version}/publish': async (event, p) => {
      const version = versionParam(event);
      const body = parse(PublishRequestSchema, readBody(event, true));
      if (Date.parse(body.effectiveFrom) < Date.now() - PAST_GRACE_MS && !body.reason)
        throw bad('reason', 'a reason is required to publish with an effectiveFrom in the past (it changes the rules for flights already scheduled)');
      const v = await getPolicyVersion(ctx, version);
      if (!v) throw new AdminError(404, 'not_found', `no policy version ${version}`);
      if (v.status === 'draft') {
        const issues = (await validate(v.content)).filter((i) => i.severity === 'error');
        if (issues.length) throw new AdminError(422, 'invalid_policy', `version ${version} has ${issues.length} validation error(s): ${issues[0]!.path}: ${issues[0]!.message}`, issues[0]!.path, issues);
      }
      const r = await publishVersion(ctx, { version, effectiveFrom: body.effectiveFrom, reason: body.reason ?? null, actor: p.username }).catch(storeError);
      return {
        status: 200,
        body: { version: summaryOf(r.version), retired: r.retired, stations: r.stations },
        detail: { effectiveFrom: r.version.effectiveFrom, reason: r.version.reason, contentHash: r.version.contentHash, retired: r.retired },
      };
    },
    'POST /v1/admin/policies/{version}/simulate': async (event, p) => {
      const version = versionParam(event);
      const body = parse(SimulateRequestSchema, readBody(event, false));
      if (!(await getPolicyVersion(ctx, version))) throw new AdminError(404, 'not_found', `no policy version ${version}`);
      const job = await createSimulationJob(ctx, { version, days: body.days, until: body.until, actor: p.username, runner: simulations.kind });
      await simulations.start(job.jobId);
      return { status: 202, body: publicJob(job), detail: { jobId: job.jobId, days: body.days, from: job.from, until: job.until } };
    },
    'GET /v1/admin/simulations/{jobId}': async (event) => {
      const id = event.pathParameters?.jobId ?? '';
      if (!JOB_ID.test(id)) throw bad('jobId', 'a job id (ULID)');
      const job = await getSimulationJob(ctx, id);
      if (!job) throw new AdminError(404, 'not_found', `no simulation job ${id}`);
      return { status: 200, body: publicJob(job) };
    },
    'GET /v1/admin/simulations/{jobId}/cases': async (event) => {
      const id = event.pathParameters?.jobId ?? '';
      if (!JOB_ID.test(id)) throw bad('jobId', 'a job id (ULID)');
      const q = parse(SimulationCasesQuerySchema, event.queryStringParameters ?? {});
      const job = await getSimulationJob(ctx, id);
      if (!job) throw new AdminError(404, 'not_found', `no simulation job ${id}`);
      const cursor = Number(q.cursor ?? 0);
      const chunk = (await getSimulationChunk(ctx, id, cursor)) ?? [];
      const items = q.changed ? chunk.filter((r) => r.changed === (q.changed === 'true')) : chunk;
      const more = cursor + 1 < (job.chunks ?? 0);
      return { status: 200, body: { jobId: id, items, nextCursor: more ? String(cursor + 1) : null } };
    },
    'GET /v1/admin/users': async () => {
      if (!users) throw new AdminError(500, 'not_configured', 'no user pool configured');
      return { status: 200, body: { users: await users.list() } };
    },
    'PUT /v1/admin/users/{username}': async (event) => {
      const username = event.pathParameters?.username ?? '';
      if (!USERNAME.test(username)) throw bad('username', 'a user name (1-128 printable characters)');
      const body = parse(UpdateUserRequestSchema, readBody(event, true));
      if (!users) throw new AdminError(500, 'not_configured', 'no user pool configured');
      const u = await users.update(username, body.role, body.stations);
      if (!u) throw new AdminError(404, 'not_found', `no user ${username}`);
      return { status: 200, body: u, detail: { role: body.role, stations: body.stations } };
    },
  };

  const actions = new Map(ADMIN_ROUTES.map((r) => [r.key as string, r.action as string]));

  return async (event) => {
    const routeKey = event.routeKey;
    const fn = handlers[routeKey as AdminRouteKey];
    const send = (status: number, body: unknown) => json(status, body);
    if (!fn) return send(404, { error: { code: 'not_found', message: 'no such route' } });
    let p: Principal;
    try {
      p = await deps.verifier.verify(header(event, 'authorization'));
    } catch (err) {
      if (err instanceof AuthError) return send(401, { error: { code: 'unauthorized', message: err.message } });
      deps.log.error('admin auth failed', { error: (err as Error).message });
      return send(500, { error: { code: 'internal', message: 'internal error' } });
    }
    const role = roleOf(p);
    const target = { ...(event.pathParameters ?? {}) } as Record<string, string>;
    let status = 500;
    let code: string | undefined;
    let detail: Record<string, unknown> | undefined;
    let result: ApiResult;
    try {
      if (role !== 'admin') throw new AdminError(403, 'forbidden_role', 'admins only');
      const r = await fn(event, p);
      status = r.status;
      detail = r.detail;
      result = send(r.status, r.body);
    } catch (err) {
      if (err instanceof AdminError) {
        status = err.status;
        code = err.code;
        result = send(err.status, { error: { code: err.code, message: err.message, ...(err.path !== undefined ? { path: err.path } : {}), ...(err.issues ? { issues: err.issues } : {}) } });
      } else {
        code = 'internal';
        deps.log.error('unhandled admin API error', { error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err), route: routeKey });
        result = send(500, { error: { code: 'internal', message: 'internal error' } });
      }
    }
    try {
      await audit(ctx, { p, role, action: actions.get(routeKey) ?? routeKey, route: routeKey, target, status, code, detail });
    } catch (err) {
      // An unaudited admin call is a failure the caller must see (a mutation has happened, though).
      deps.log.error('admin audit write failed', { error: (err as Error).message, route: routeKey });
      return send(500, { error: { code: 'audit_failed', message: 'the call was not audited; check the admin audit before retrying' } });
    }
    return result;
  };
}

/** In AWS: users from the pool (COGNITO_USER_POOL_ID), simulations as async Lambda invocations (POLICY_SIMULATION_FUNCTION). */
let lambdaHandlerFn: ((e: ApiEvent) => Promise<ApiResult>) | null = null;
export const handler = async (event: ApiEvent): Promise<ApiResult> => {
  if (!lambdaHandlerFn) {
    const deps = apiDepsFromEnv();
    const { lambdaSimulationRunner } = await import('../../workflows/tasks/simulate-policy.js');
    const fnName = process.env.POLICY_SIMULATION_FUNCTION;
    lambdaHandlerFn = makeAdminHandler(deps, {
      users: process.env.COGNITO_USER_POOL_ID ? cognitoUserAdmin({ userPoolId: process.env.COGNITO_USER_POOL_ID }) : null,
      simulations: fnName ? lambdaSimulationRunner(fnName) : localSimulationRunner(deps.ctx, deps.log),
    });
  }
  return lambdaHandlerFn(event);
};

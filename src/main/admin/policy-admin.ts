import type { z } from 'zod';
import {
  AdminUserSchema,
  DiffResponseSchema,
  ListPoliciesResponseSchema,
  ListUsersResponseSchema,
  PolicyVersionDetailSchema,
  PublishResponseSchema,
  SimulationCasesResponseSchema,
  SimulationJobSchema,
  ValidateResponseSchema,
  ValidationIssueSchema,
  type ValidationIssue,
} from '../../shared/policy/admin-contract.js';
import type { RpcErrorCode, Session } from '../../shared/rpc/contract.js';
import type { RpcHandlers } from '../rpc/dispatch.js';
import { BadResponseError, HttpError, NetworkError, type BackendClient } from '../sync/backend.js';

/**
 * The admin console's desk channels (issue #9): `policy:*` and `user:*`, forwarded to the backend's
 * `/v1/admin/...` API under the signed-in admin's token. The main process checks the role itself
 * (the backend checks it again from the verified token) and needs the network: an offline session
 * or an unreachable backend answers `OFFLINE` with a plain sentence, never a half-done action.
 * Backend refusals keep their JSON path and validation issues so the console can mark the field.
 */
export class AdminCallError extends Error {
  override name = 'AdminCallError';
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly path?: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
  }
}

/** An effectiveFrom this close to now counts as now (the backend allows the same minute). */
export const PAST_GRACE_MS = 60_000;

export type AdminChannel =
  | 'policy:list'
  | 'policy:get'
  | 'policy:diff'
  | 'policy:createDraft'
  | 'policy:saveDraft'
  | 'policy:validate'
  | 'policy:simulate'
  | 'policy:simulation'
  | 'policy:simulationCases'
  | 'policy:publish'
  | 'policy:rollback'
  | 'user:list'
  | 'user:update';

export interface AdminDeps {
  backend: Pick<BackendClient, 'admin'>;
  session: () => Session | null;
  now?: () => Date;
}

const STATUS_CODE: Record<number, RpcErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_REQUEST',
  415: 'BAD_REQUEST',
  422: 'BAD_REQUEST',
};

/** Maps what the backend call threw to an error the renderer can show (and mark at its field). */
export function adminError(err: unknown): AdminCallError {
  if (err instanceof AdminCallError) return err;
  if (err instanceof NetworkError)
    return new AdminCallError('OFFLINE', 'The admin console needs the network: the backend cannot be reached.');
  if (err instanceof HttpError) {
    const detail = (err.body as { error?: { path?: unknown; issues?: unknown; message?: unknown } } | null)?.error;
    const issues = ValidationIssueSchema.array().safeParse(detail?.issues);
    const path = typeof detail?.path === 'string' ? detail.path : undefined;
    const code = STATUS_CODE[err.status] ?? 'INTERNAL';
    // Backend messages of 4xx answers are written for people (the path travels apart); 5xx ones are not shown.
    const text = typeof detail?.message === 'string' ? detail.message : err.message.replace(/^\d{3} /, '');
    const message =
      code === 'INTERNAL' ? `The backend failed (${err.status} ${err.code}); try again.` : path && text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
    return new AdminCallError(code, message, path, issues.success ? issues.data : undefined);
  }
  if (err instanceof BadResponseError) return new AdminCallError('INTERNAL', 'The backend answered outside the admin contract (see the desk log).');
  throw err;
}

/** The admin channels' handlers (wired in src/main/services.ts). */
export function adminHandlers(deps: AdminDeps): Pick<RpcHandlers, AdminChannel> {
  const now = deps.now ?? (() => new Date());
  const requireAdmin = (): void => {
    const s = deps.session();
    if (!s) throw new AdminCallError('UNAUTHENTICATED', 'sign in first');
    if (s.role !== 'admin') throw new AdminCallError('FORBIDDEN', 'Only an admin may use the policy console.');
    if (s.offline) throw new AdminCallError('OFFLINE', 'Signed in offline: sign in online to use the admin console.');
  };
  const call = async <S extends z.ZodType>(schema: S, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<z.output<S>> => {
    requireAdmin();
    let raw: unknown;
    try {
      raw = await deps.backend.admin(method, path, body);
    } catch (err) {
      throw adminError(err);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new AdminCallError('INTERNAL', `The backend answered outside the admin contract: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  };
  const v = (n: number) => `/v1/admin/policies/${n}`;

  return {
    'policy:list': () => call(ListPoliciesResponseSchema, 'GET', '/v1/admin/policies'),
    'policy:get': ({ version }) => call(PolicyVersionDetailSchema, 'GET', v(version)),
    'policy:diff': ({ from, to }) => call(DiffResponseSchema, 'GET', `/v1/admin/policies/diff?${new URLSearchParams({ from: String(from), to: String(to) })}`),
    'policy:createDraft': (req) => call(PolicyVersionDetailSchema, 'POST', '/v1/admin/policies', req),
    'policy:saveDraft': ({ version, ...body }) => call(PolicyVersionDetailSchema, 'PUT', v(version), body),
    'policy:validate': ({ version, content }) => call(ValidateResponseSchema, 'POST', `${v(version)}/validate`, content ? { content } : {}),
    'policy:simulate': ({ version, days }) => call(SimulationJobSchema, 'POST', `${v(version)}/simulate`, { days }),
    'policy:simulation': ({ jobId }) => call(SimulationJobSchema, 'GET', `/v1/admin/simulations/${jobId}`),
    'policy:simulationCases': ({ jobId, changed, cursor }) => {
      const q = new URLSearchParams();
      if (changed !== undefined) q.set('changed', String(changed));
      if (cursor !== null) q.set('cursor', cursor);
      return call(SimulationCasesResponseSchema, 'GET', `/v1/admin/simulations/${jobId}/cases?${q}`);
    },
    'policy:publish': ({ version, effectiveFrom, reason }) => {
      // Same rule as the backend, checked first so the dialog can say so without a round trip.
      if (Date.parse(effectiveFrom) < now().getTime() - PAST_GRACE_MS && !reason)
        throw new AdminCallError('BAD_REQUEST', 'A reason is required to publish with an effective time in the past.', 'reason');
      return call(PublishResponseSchema, 'POST', `${v(version)}/publish`, { effectiveFrom, ...(reason ? { reason } : {}) });
    },
    'policy:rollback': (req) => call(PublishResponseSchema, 'POST', '/v1/admin/policies/rollback', req),
    'user:list': () => call(ListUsersResponseSchema, 'GET', '/v1/admin/users'),
    'user:update': ({ username, role, stations }) =>
      call(AdminUserSchema, 'PUT', `/v1/admin/users/${encodeURIComponent(username)}`, { role, stations }),
  };
}

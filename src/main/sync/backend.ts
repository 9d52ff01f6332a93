import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import {
  ChangeSchema,
  PullResponseSchema,
  PushResponseSchema,
  SnapshotResponseSchema,
  type SnapshotResponse,
  type Change,
  type CommandEnvelope,
  type PullRequest,
  type PullResponse,
} from '../../shared/sync/protocol.js';

export type PushResponseT = z.infer<typeof PushResponseSchema>;

/** Answers of the desk enrolment API (backend/src/api/routes/desks.ts). */
export const DeskEnrolResponseSchema = z.object({
  deskId: z.string(),
  enrolledAt: z.string(),
  enrolledBy: z.string(),
  status: z.enum(['active', 'revoked']),
});
export type DeskEnrolResponse = z.infer<typeof DeskEnrolResponseSchema>;
export const SerialBlockResponseSchema = z.object({
  deskId: z.string(),
  blockNo: z.number().int().positive(),
  count: z.number().int().positive(),
  allocatedAt: z.string(),
});
export type SerialBlockResponse = z.infer<typeof SerialBlockResponseSchema>;

/** The backend could not be reached at all (DNS, refused, reset, timeout): the desk is offline. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/**
 * The request went out but no answer came in time: the backend is slow (under load), not
 * necessarily gone. Temporary like any network error, but the desk stays "online" and sends
 * smaller batches (src/main/sync/engine.ts).
 */
export class BackendTimeoutError extends NetworkError {
  override name = 'BackendTimeoutError';
}

/** The backend answered with an error status; `code` comes from its `{error:{code,message}}` body. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parsed error body (`{error: {code, message, path?, issues?}}`), when the backend sent one. */
    readonly body: unknown = null,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** The backend answered 2xx with a body that fails the protocol's schema: permanent for what was sent. */
export class BadResponseError extends Error {
  override name = 'BadResponseError';
}

/**
 * The token at hand belongs to another user than the one whose commands are being pushed (a
 * sign-out/sign-in raced the push): nothing was sent. Temporary: the push waits for its author.
 */
export class WrongUserError extends Error {
  override name = 'WrongUserError';
}

/**
 * Whether a failed request must not be retried as is: a 4xx other than 401 (after the one
 * refresh), 408 (timeout) and 429 (throttling), or an answer that fails its schema. Everything
 * else (network, 5xx, 401/408/429, a raced sign-in) is temporary and retried with backoff.
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof BadResponseError) return true;
  if (err instanceof HttpError) return err.status >= 400 && err.status < 500 && ![401, 408, 429].includes(err.status);
  return false;
}

/** The username in an ID token (`cognito:username`, else `username`), or null if unreadable. */
export function tokenUser(idToken: string): string | null {
  try {
    const part = idToken.split('.')[1];
    if (!part) return null;
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const u = claims['cognito:username'] ?? claims.username;
    return typeof u === 'string' ? u : null;
  } catch {
    return null;
  }
}

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Supplies the current Cognito ID token; `refresh` is called once after a 401. */
export interface TokenSource {
  idToken(): Promise<string>;
  refresh(): Promise<void>;
}

export interface BackendClientOptions {
  apiUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /** Per-request timeout on top of the long-poll wait. */
  timeoutMs?: number;
}

/**
 * HTTP client of the sync API (`GET /v1/sync/pull`, `POST /v1/sync/push`). Every response
 * body is parsed with the protocol's zod schemas; anything else is an error, never data.
 */
export class BackendClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: BackendClientOptions) {
    this.fetch = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** One page of a station's change log; `waitSeconds` > 0 asks the server to long-poll. */
  async pull(req: PullRequest, waitSeconds: number, signal?: AbortSignal): Promise<PullResponse> {
    const q = new URLSearchParams({
      station: req.station,
      cursor: String(req.cursor),
      epoch: req.epoch ?? '',
      limit: String(req.limit),
      wait: String(waitSeconds),
    });
    const body = await this.request('GET', `/v1/sync/pull?${q}`, undefined, waitSeconds * 1000, signal);
    return PullResponseSchema.parse(body);
  }

  /**
   * One page of a station's compacted snapshot (`GET /v1/sync/snapshot`): `page` is the previous
   * answer's `nextPage` (null for the first page). The answer is parsed with the protocol schema.
   * With `packed` (default), a packed snapshot's chunks come compressed and are decoded here:
   * every line is checked with ChangeSchema, and the answer's `changes` are the chunks' changes.
   */
  async snapshot(
    req: { station: string; page: string | null; limit: number; packed?: boolean },
    signal?: AbortSignal,
  ): Promise<SnapshotResponse> {
    const q = new URLSearchParams({ station: req.station, limit: String(req.limit) });
    if (req.page !== null) q.set('page', req.page);
    if (req.packed !== false) q.set('encoding', 'gzip');
    const body = await this.request('GET', `/v1/sync/snapshot?${q}`, undefined, 15_000, signal);
    const parsed = SnapshotResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new BadResponseError(`snapshot answer fails its schema: ${parsed.error.message.slice(0, 300)}`);
    const { packed, ...res } = parsed.data;
    if (!packed || packed.length === 0) return res;
    const changes: Change[] = [];
    for (const chunk of packed) {
      let text: string;
      try {
        text = gunzipSync(Buffer.from(chunk, 'base64'), { maxOutputLength: 8 * 1024 * 1024 }).toString('utf8');
      } catch (err) {
        throw new BadResponseError(`snapshot chunk does not decompress: ${(err as Error).message}`);
      }
      let at = 0;
      while (at < text.length) {
        let end = text.indexOf('\n', at);
        if (end < 0) end = text.length;
        if (end > at) {
          let c: ReturnType<typeof ChangeSchema.safeParse>;
          try {
            c = ChangeSchema.safeParse(JSON.parse(text.slice(at, end)));
          } catch {
            throw new BadResponseError('snapshot chunk line is not JSON');
          }
          if (!c.success)
            throw new BadResponseError(`snapshot chunk line fails the change schema: ${c.error.message.slice(0, 300)}`);
          changes.push(c.data);
        }
        at = end + 1;
      }
    }
    return { ...res, changes: [...changes, ...res.changes] };
  }

  /**
   * Pushes up to 50 commands in order; the server answers one result per command. With
   * `asUser`, the request is sent only under that user's ID token (else {@link WrongUserError},
   * nothing sent): a command is never pushed under another user's token.
   */
  async push(commands: readonly CommandEnvelope[], signal?: AbortSignal, asUser?: string): Promise<PushResponseT> {
    const body = await this.request('POST', '/v1/sync/push', { commands }, 0, signal, asUser);
    const parsed = PushResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new BadResponseError(`push answer fails its schema: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data;
  }

  /** POST /v1/desks/enrol: registers this desk's public key (idempotent for the same key). */
  async enrol(body: { publicKey: string; name: string }): Promise<DeskEnrolResponse> {
    const parsed = DeskEnrolResponseSchema.safeParse(await this.request('POST', '/v1/desks/enrol', body, 0));
    if (!parsed.success)
      throw new BadResponseError(`enrol answer fails its schema: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data;
  }

  /** POST /v1/desks/{id}/serials: a new block of voucher serials reserved for this desk. */
  async refillSerials(deskId: string, count: number): Promise<SerialBlockResponse> {
    const body = await this.request('POST', `/v1/desks/${encodeURIComponent(deskId)}/serials`, { count }, 0);
    const parsed = SerialBlockResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new BadResponseError(`serials answer fails its schema: ${parsed.error.message.slice(0, 300)}`);
    return parsed.data;
  }

  /**
   * One call of the admin API (`/v1/admin/...`, issue #9) under the signed-in user's token. The
   * answer is returned unparsed: the caller parses it with the admin contract's response schema.
   */
  async admin(method: 'GET' | 'POST' | 'PUT', path: string, json?: unknown): Promise<unknown> {
    return this.request(method, path, json, 15_000);
  }

  private async request(
    method: string,
    path: string,
    json: unknown,
    extraMs: number,
    signal?: AbortSignal,
    asUser?: string,
  ): Promise<unknown> {
    let refreshed = false;
    for (;;) {
      const token = await this.opts.tokens.idToken();
      if (asUser !== undefined && tokenUser(token) !== asUser)
        throw new WrongUserError(`the signed-in user is not ${asUser}: their commands wait`);
      const timeout = AbortSignal.timeout(this.timeoutMs + extraMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await this.fetch(`${this.opts.apiUrl.replace(/\/$/, '')}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: json === undefined ? undefined : JSON.stringify(json),
          signal: combined,
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        if (timeout.aborted)
          throw new BackendTimeoutError(
            `backend did not answer within ${Math.round((this.timeoutMs + extraMs) / 1000)} s`,
          );
        throw new NetworkError(
          `backend unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
        );
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (res.ok) return body;
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await this.opts.tokens.refresh();
        continue;
      }
      const e = ErrorBodySchema.safeParse(body);
      throw new HttpError(
        res.status,
        e.success ? e.data.error.code : `HTTP_${res.status}`,
        e.success ? e.data.error.message : text.slice(0, 200),
        e.success ? body : null,
      );
    }
  }
}

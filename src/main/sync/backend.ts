import { z } from 'zod';
import {
  PullResponseSchema,
  PushResponseSchema,
  type CommandEnvelope,
  type PullRequest,
  type PullResponse,
} from '../../shared/sync/protocol.js';

export type PushResponseT = z.infer<typeof PushResponseSchema>;

/** The backend could not be reached at all (DNS, refused, reset, timeout): the desk is offline. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/** The backend answered with an error status; `code` comes from its `{error:{code,message}}` body. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
      );
    }
  }
}

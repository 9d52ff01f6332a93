import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { AuthError } from './auth/verifier.js';

/** HTTP API bodies above this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** An error safe to show a client: status, machine code, message (never a stack or internals). */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 500,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function json(status: number, body: unknown): ApiResult {
  return { statusCode: status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Raw body bytes of an event (base64-decoded if API Gateway flagged it). */
export function bodyText(event: ApiEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Parse a JSON body with a zod schema: 413 when too large, 400 with the failing path otherwise. */
export function parseJsonBody<T extends z.ZodType>(event: ApiEvent, schema: T): z.infer<T> {
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
  // A body declared as something else (a form post, text/plain from a bare fetch, XML) is not
  // read as JSON by accident. No content-type at all is tolerated, like most JSON APIs.
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new ApiError(415, 'unsupported_media_type', 'the body must be application/json');
  }
  if (text.trim() === '') throw new ApiError(400, 'invalid_body', 'request body is required');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON');
  }
  return parseWith(schema, raw);
}

export function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const res = schema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    const path = (issue?.path ?? []).map(String).join('.');
    throw new ApiError(400, 'validation_failed', `${path || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return res.data;
}

export type { Log as Logger } from '../data/log.js';
import type { Log as Logger } from '../data/log.js';

/**
 * Wrap a route: map ApiError/AuthError to their status, anything else to a 500 with a fixed
 * message (the error is logged, never returned).
 */
export function route(log: Logger, fn: (event: ApiEvent) => Promise<ApiResult>): (event: ApiEvent) => Promise<ApiResult> {
  return async (event) => {
    try {
      return await fn(event);
    } catch (err) {
      if (err instanceof ApiError) return json(err.status, errorBody(err.code, err.message));
      if (err instanceof AuthError) return json(401, errorBody('unauthorized', err.message));
      log.error('unhandled API error', { error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err), path: event.rawPath });
      return json(500, errorBody('internal', 'internal error'));
    }
  };
}

export function header(event: ApiEvent, name: string): string | undefined {
  const h = event.headers ?? {};
  return h[name] ?? h[name.toLowerCase()] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

import { ZodError } from 'zod';
import {
  contract,
  isChannel,
  type Channel,
  type RpcError,
  type RpcParsedRequest,
  type RpcResponse,
  type RpcResult,
} from '../../shared/rpc/contract.js';
import { AdminCallError } from '../admin/policy-admin.js';
import { AuthFailedError } from '../auth/cognito.js';
import { NotSignedInError } from '../auth/session.js';
import { BadRequestError, CommandConflictError, ForbiddenError, NotFoundError } from '../errors.js';

/** One function per channel, receiving the already-validated request. */
export type RpcHandlers = { [C in Channel]: (req: RpcParsedRequest<C>) => Promise<RpcResponse<C>> | RpcResponse<C> };

/** Validates a raw (untrusted) call and answers the envelope; never throws. */
export type Dispatch = (channel: unknown, request: unknown) => Promise<RpcResult<unknown>>;

const zodMessage = (e: ZodError): string =>
  e.issues.map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`).join('; ');

function toRpcError(err: unknown, log: (msg: string, err: unknown) => void): RpcError {
  if (err instanceof ZodError) return { code: 'BAD_REQUEST', message: zodMessage(err) };
  if (err instanceof AdminCallError)
    return { code: err.code, message: err.message, ...(err.path !== undefined ? { path: err.path } : {}), ...(err.issues ? { issues: err.issues } : {}) };
  if (err instanceof NotFoundError) return { code: 'NOT_FOUND', message: err.message };
  if (err instanceof NotSignedInError) return { code: 'UNAUTHENTICATED', message: err.message };
  if (err instanceof AuthFailedError) return { code: 'AUTH_FAILED', message: err.message };
  if (err instanceof CommandConflictError) return { code: 'CONFLICT', message: err.message };
  if (err instanceof ForbiddenError) return { code: 'FORBIDDEN', message: err.message };
  if (err instanceof BadRequestError) return { code: 'BAD_REQUEST', message: err.message };
  const net = err as { name?: string; code?: string };
  if (net.name === 'TypeError' && /fetch failed/.test(String((err as Error).message)))
    return { code: 'OFFLINE', message: 'the backend cannot be reached' };
  if (net.code === 'ECONNREFUSED' || net.name === 'TimeoutError')
    return { code: 'OFFLINE', message: 'the sign-in service cannot be reached' };
  log('rpc handler failed', err);
  // Internals stay in the log; the renderer gets a stable, harmless message.
  return { code: 'INTERNAL', message: 'internal error in the desk (see the desk log)' };
}

/**
 * The only channels answered without a signed-in, unlocked session: signing in and answering
 * its challenge (new password, TOTP), unlocking an idle-locked session, asking whether one is
 * signed in, signing out (idempotent, reveals nothing), reporting activity and probing the
 * backend (booleans only), and the sync status (online/offline and counts, for the sign-in
 * screen and status bar; it lists no station while signed out). Every other channel is refused
 * with `UNAUTHENTICATED` before its handler runs. Strings, not `Channel`: a name not in the
 * contract is simply never matched.
 */
export const PUBLIC_CHANNELS: ReadonlySet<string> = new Set([
  'session:signIn',
  'session:respond',
  'session:unlock',
  'session:get',
  'session:signOut',
  'session:activity',
  'session:probe',
  'sync:status',
]);

export interface DispatchOptions {
  /**
   * Whether a user is signed in now. When given, every channel outside
   * {@link PUBLIC_CHANNELS} needs it (the handlers' own checks stay as a second line).
   */
  signedIn?: () => boolean;
}

/**
 * Builds the single entry point shared by the IPC and WebSocket transports: unknown channel →
 * `UNKNOWN_CHANNEL`; no session for a non-public channel → `UNAUTHENTICATED`; request failing
 * its schema → `BAD_REQUEST` (the handler never runs); the handler's answer is checked against
 * the response schema too.
 */
export function createDispatch(
  handlers: RpcHandlers,
  log: (msg: string, err: unknown) => void = console.error,
  opts: DispatchOptions = {},
): Dispatch {
  return async (channel, request) => {
    if (!isChannel(channel))
      return {
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel ${String(channel).slice(0, 64)}` },
      };
    if (opts.signedIn && !PUBLIC_CHANNELS.has(channel) && !opts.signedIn())
      return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'sign in first' } };
    const spec = contract[channel];
    const parsed = spec.request.safeParse(request ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'BAD_REQUEST', message: zodMessage(parsed.error) } };
    try {
      const handler = handlers[channel] as (req: unknown) => unknown;
      const answer = spec.response.safeParse(await handler(parsed.data));
      if (answer.success) return { ok: true, value: answer.data };
      // A handler broke the contract: a desk bug, not the caller's fault.
      log(`rpc ${channel} answered outside its response schema`, answer.error);
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error in the desk (see the desk log)' } };
    } catch (err) {
      return { ok: false, error: toRpcError(err, log) };
    }
  };
}

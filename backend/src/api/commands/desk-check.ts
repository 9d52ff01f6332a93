import crypto from 'node:crypto';
import type { CommandEnvelope, RejectionCode } from '../../../../src/shared/sync/protocol.js';
import { DESK_ID_PATTERN, commandSigningBytes, releaseSigningBytes } from '../../../../src/shared/sync/desk-signing.js';
import type { DataContext } from '../../data/client.js';
import { getDesk, type DeskRecord } from '../../data/desks.js';
import type { Principal } from '../auth/verifier.js';
import { holdsStation, roleOf } from '../principal.js';

/**
 * Who signed a command (issue #10): every desk command must carry a valid Ed25519 signature of
 * an ACTIVE enrolled desk over its canonical bytes, and its signed `author` must be the caller —
 * unless the desk recorded (and signed) a release of the command to the caller, a supervisor or
 * admin holding the command's station. Refusals are committed rejections (run by push.ts).
 */
export type DeskVerdict =
  | { ok: true; desk: DeskRecord; author: string; pushedBy: string; releasedBy: string | null }
  | { ok: false; code: RejectionCode; message: string };

/** Desk records are cached briefly per process (a revoke in this process clears its entry at once). */
const CACHE_MS = 15_000;
const cache = new Map<string, { at: number; desk: DeskRecord | null; key: crypto.KeyObject | null }>();

async function loadDesk(ctx: DataContext, deskId: string): Promise<{ desk: DeskRecord | null; key: crypto.KeyObject | null }> {
  const hit = cache.get(`${ctx.table}|${deskId}`);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  const desk = await getDesk(ctx, deskId);
  const key = desk ? crypto.createPublicKey({ key: Buffer.from(desk.publicKey, 'base64'), format: 'der', type: 'spki' }) : null;
  const entry = { at: Date.now(), desk, key };
  // Only what exists is cached: an enrolment that just happened is seen on the next command.
  if (desk) cache.set(`${ctx.table}|${deskId}`, entry);
  if (cache.size > 10_000) cache.clear();
  return entry;
}

/** Called by a revoke in this process: the next command of that desk reads its record again. */
export function forgetDeskIn(ctx: DataContext, deskId: string): void {
  cache.delete(`${ctx.table}|${deskId}`);
}

function verify(key: crypto.KeyObject, bytes: Uint8Array, signature: string): boolean {
  try {
    return crypto.verify(null, bytes, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export async function checkDesk(ctx: DataContext, principal: Principal, env: CommandEnvelope): Promise<DeskVerdict> {
  if (!env.signature || !env.author)
    return { ok: false, code: 'BAD_SIGNATURE', message: 'the command is not signed by an enrolled desk (author and signature are required)' };
  // Not a desk id at all (e.g. 3 KB of junk): no lookup (it would be an oversized DynamoDB key).
  if (!DESK_ID_PATTERN.test(env.deskId))
    return { ok: false, code: 'DESK_NOT_ENROLLED', message: `${env.deskId.slice(0, 40)} is not a desk id (DESK- and 20 hex digits)` };
  const { desk, key } = await loadDesk(ctx, env.deskId);
  if (!desk || !key) return { ok: false, code: 'DESK_NOT_ENROLLED', message: `desk ${env.deskId} is not enrolled` };
  if (desk.status === 'revoked')
    return { ok: false, code: 'DESK_REVOKED', message: `desk ${env.deskId} was revoked${desk.revokedAt ? ` at ${desk.revokedAt}` : ''}: its commands are refused` };
  if (!verify(key, commandSigningBytes({ ...env, author: env.author }), env.signature))
    return { ok: false, code: 'BAD_SIGNATURE', message: `the signature does not verify with desk ${env.deskId}'s enrolled key` };
  if (env.author === principal.username)
    return { ok: true, desk, author: env.author, pushedBy: principal.username, releasedBy: null };
  // Another user's command: only if its desk released it to the caller, a supervisor/admin of its station.
  const r = env.release;
  if (!r || r.by !== principal.username)
    return { ok: false, code: 'AUTHOR_MISMATCH', message: `the command was created by ${env.author}, not by ${principal.username}, and was not released to you` };
  const role = roleOf(principal);
  if ((role !== 'supervisor' && role !== 'admin') || !holdsStation(principal, env.station))
    return { ok: false, code: 'AUTHOR_MISMATCH', message: `only a supervisor or admin of ${env.station} may push a command released by ${env.author}'s desk` };
  const bytes = releaseSigningBytes({ commandId: env.commandId, deskId: env.deskId, author: env.author, by: r.by, at: r.at });
  if (!verify(key, bytes, r.signature))
    return { ok: false, code: 'BAD_SIGNATURE', message: `the release signature does not verify with desk ${env.deskId}'s enrolled key` };
  return { ok: true, desk, author: env.author, pushedBy: principal.username, releasedBy: r.by };
}

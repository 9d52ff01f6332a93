import crypto from 'node:crypto';
import type { CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { blockSerial, commandSigningBytes, deskIdOf, releaseSigningBytes } from '../../../src/shared/sync/desk-signing.js';

/**
 * Test desks (issue #10): an Ed25519 key pair whose desk id is derived from its public key, as a
 * real desk's; `enrol` registers it through the API, `sign` signs an envelope as that desk for an
 * author. The one place tests build signed commands (api.ts signs pushes with {@link sharedTestDesk}).
 */
export interface TestDesk {
  deskId: string;
  /** SPKI DER, base64 (what POST /v1/desks/enrol takes). */
  publicKey: string;
  privateKey: crypto.KeyObject;
  /** The envelope for `author`, on this desk, signed (deskId replaced by this desk's). */
  sign(env: CommandEnvelope, author: string): CommandEnvelope;
  /** The desk's record of a release of `env` to supervisor `by` (env must be signed already). */
  release(env: CommandEnvelope, by: string, at?: string): CommandEnvelope;
}

export function newTestDesk(): TestDesk {
  const { privateKey, publicKey: pub } = crypto.generateKeyPairSync('ed25519');
  const publicKey = pub.export({ format: 'der', type: 'spki' }).toString('base64');
  const deskId = deskIdOf(publicKey);
  return {
    deskId,
    publicKey,
    privateKey,
    sign(env, author) {
      const { signature: _s, release: _r, ...rest } = env;
      const base = { ...rest, deskId, author };
      const signature = crypto.sign(null, commandSigningBytes(base), privateKey).toString('base64');
      return { ...base, signature };
    },
    release(env, by, at = new Date().toISOString()) {
      if (!env.author) throw new Error('sign the envelope before releasing it');
      const bytes = releaseSigningBytes({ commandId: env.commandId, deskId: env.deskId, author: env.author, by, at });
      return { ...env, release: { by, at, signature: crypto.sign(null, bytes, privateKey).toString('base64') } };
    },
  };
}

/** Enrols a desk with a signed-in user's token (idempotent for the same key); throws on a refusal. */
export async function enrolTestDesk(apiUrl: string, token: string, desk: TestDesk, name = 'test desk'): Promise<void> {
  const res = await fetch(`${apiUrl}/v1/desks/enrol`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publicKey: desk.publicKey, name }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`enrol ${desk.deskId}: ${res.status} ${await res.text()}`);
}

/** The username in an ID token (unverified: tests sign as the token's user). */
export function tokenUsername(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  const u = claims['cognito:username'] ?? claims.username;
  if (typeof u !== 'string') throw new Error('token without a username');
  return u;
}

/** One desk per process for the pushes of api.ts (enrolled again, idempotently, wherever it pushes). */
let shared: TestDesk | null = null;
export const sharedTestDesk = (): TestDesk => (shared ??= newTestDesk());

/**
 * Signs the commands of a push body as the shared test desk for the token's user (commands that
 * already carry a signature are left alone), enrolling the desk first with that token. A token
 * without a role cannot enrol: the desk is then enrolled by an earlier push or the commands stay
 * unsigned (the server then refuses them, BAD_SIGNATURE/DESK_NOT_ENROLLED).
 */
export async function signPushBody(apiUrl: string, token: string, body: { commands: CommandEnvelope[] }): Promise<{ commands: CommandEnvelope[] }> {
  const desk = sharedTestDesk();
  await enrolTestDesk(apiUrl, token, desk).catch(() => undefined);
  const author = tokenUsername(token);
  // Hostile bodies (a command that is not an object) go as they are: the server's schema answers.
  const signable = (c: unknown): c is CommandEnvelope => typeof c === 'object' && c !== null && !Array.isArray(c);
  return { ...body, commands: body.commands.map((c) => (signable(c) && !c.signature ? desk.sign(c, author) : c)) };
}

/** A fresh block of `count` serials for the shared test desk (enrolled first with `token`). */
export async function sharedDeskSerials(apiUrl: string, token: string, count = 5): Promise<string[]> {
  const desk = sharedTestDesk();
  await enrolTestDesk(apiUrl, token, desk);
  const res = await fetch(`${apiUrl}/v1/desks/${desk.deskId}/serials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ count }),
  });
  if (res.status !== 201) throw new Error(`serials for ${desk.deskId}: ${res.status} ${await res.text()}`);
  const b = (await res.json()) as { blockNo: number; count: number };
  return Array.from({ length: b.count }, (_, i) => blockSerial(b.blockNo, i + 1));
}

import { canonicalJson, sha256Hex } from '../policy/hash.js';
import type { CommandEnvelope } from './protocol.js';

/**
 * Desk enrolment and command signatures (issue #10): the one definition of what a desk signs,
 * used by the desk (src/main/desk/identity.ts) and by the server (backend/src/api/desks/verify.ts).
 * Pure TypeScript (src/shared stays free of node:crypto); the Ed25519 operations are done with
 * node:crypto on each side over these bytes.
 */

/** Domain-separation prefixes: a command signature can never pass as a release signature or vice versa. */
const COMMAND_CONTEXT = 'jetway-command-v1\n';
const RELEASE_CONTEXT = 'jetway-release-v1\n';

/** The fields of an envelope a desk signs (everything that decides what the command does, and who made it). */
export type SignedCommandFields = Pick<
  CommandEnvelope,
  'commandId' | 'type' | 'schemaVersion' | 'deskId' | 'station' | 'expectedVersions' | 'payload' | 'createdAt' | 'offline'
> & { author: string };

/**
 * The canonical bytes of a command (UTF-8 of a context line + canonical JSON: keys sorted, no
 * whitespace, undefined members dropped). Extra envelope members (signature, release) are not
 * part of it.
 */
export function commandSigningBytes(env: SignedCommandFields): Uint8Array {
  const body = {
    commandId: env.commandId,
    type: env.type,
    schemaVersion: env.schemaVersion,
    deskId: env.deskId,
    station: env.station,
    expectedVersions: env.expectedVersions,
    payload: env.payload,
    createdAt: env.createdAt,
    offline: env.offline,
    author: env.author,
  };
  return new TextEncoder().encode(COMMAND_CONTEXT + canonicalJson(body));
}

/** What a desk signs when a supervisor releases another user's queued command to push it. */
export interface SignedRelease {
  commandId: string;
  deskId: string;
  author: string;
  /** The supervisor (or admin) the command was released to: the only user who may push it. */
  by: string;
  at: string;
}

export function releaseSigningBytes(r: SignedRelease): Uint8Array {
  const body = { commandId: r.commandId, deskId: r.deskId, author: r.author, by: r.by, at: r.at };
  return new TextEncoder().encode(RELEASE_CONTEXT + canonicalJson(body));
}

/**
 * A desk's id, derived from its public key (SPKI DER, base64): the desk knows it before it is
 * enrolled, the server computes the same one, and enrolling the same key again is the same desk.
 */
export function deskIdOf(publicKeySpkiBase64: string): string {
  return `DESK-${sha256Hex(publicKeySpkiBase64).slice(0, 20).toUpperCase()}`;
}

export const DESK_ID_PATTERN = /^DESK-[0-9A-F]{20}$/;

/**
 * Voucher serials of a pre-allocated block: `JW-B<blockNo>-<n>` (n = 1..count, 4 digits). Block
 * numbers are airline-wide (one counter), so serials of different blocks never collide, and the
 * server finds a serial's block (and its desk) from the serial alone.
 */
export function blockSerial(blockNo: number, n: number): string {
  return `JW-B${blockNo}-${String(n).padStart(4, '0')}`;
}

export function parseBlockSerial(serial: string): { blockNo: number; n: number } | null {
  const m = /^JW-B([1-9][0-9]{0,11})-([0-9]{4,6})$/.exec(serial);
  if (!m) return null;
  const blockNo = Number(m[1]);
  const n = Number(m[2]);
  return Number.isSafeInteger(blockNo) && n >= 1 ? { blockNo, n } : null;
}

import { canonicalJson, sha256Hex } from './policy/hash.js';
import type { AuditEntry } from './domain/entities.js';

/**
 * The case audit trail is append-only and hash-chained (ARCHITECTURE.md): each entry's hash is
 * SHA-256 of the previous entry's hash, a newline, and the canonical JSON of the entry without
 * its `hash` and `version`. One implementation for the backend (writing), the desk (showing
 * "verified" in the timeline) and `jetway audit verify`.
 */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEntryBody = Omit<AuditEntry, 'hash' | 'version'>;

export function auditHash(body: AuditEntryBody): string {
  const { prevHash, ...rest } = body;
  return sha256Hex(`${prevHash}\n${canonicalJson(rest)}`);
}

/** Builds the next entry of a chain whose head is `head` (null = empty chain). */
export function nextAuditEntry(head: { seq: number; hash: string } | null, e: Omit<AuditEntryBody, 'seq' | 'prevHash' | 'id'> & { id?: string }, idOf: (caseId: string, seq: number) => string): AuditEntry {
  const seq = (head?.seq ?? 0) + 1;
  const body: AuditEntryBody = { ...e, id: idOf(e.caseId, seq), seq, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...body, hash: auditHash(body), version: 1 };
}

export type AuditVerdict = { ok: true; entries: number; head: string } | { ok: false; entries: number; brokenAt: number; reason: string };

/** Verifies a whole chain in sequence order: contiguous seqs from 1, each prevHash = the previous hash, each hash recomputed. */
export function verifyAuditChain(entries: readonly AuditEntry[]): AuditVerdict {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  let prev = GENESIS_HASH;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (e.seq !== i + 1) return { ok: false, entries: sorted.length, brokenAt: i + 1, reason: `entry ${i + 1} is missing (found seq ${e.seq})` };
    if (e.prevHash !== prev) return { ok: false, entries: sorted.length, brokenAt: e.seq, reason: `entry ${e.seq} does not point at the previous entry's hash` };
    const { hash, version: _v, ...body } = e;
    if (auditHash(body) !== hash) return { ok: false, entries: sorted.length, brokenAt: e.seq, reason: `entry ${e.seq} was altered (its hash does not match its content)` };
    prev = hash;
  }
  return { ok: true, entries: sorted.length, head: prev };
}

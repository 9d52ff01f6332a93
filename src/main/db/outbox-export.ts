import crypto from 'node:crypto';
import { z } from 'zod';
import { deskId, deskSigningKey } from './meta.js';
import { openExisting, schemaVersion, type Db, type KeyProvider } from './open.js';

/**
 * Signed export of a desk's unsent commands, for replay after re-enrolment (a desk whose key
 * store was lost, a PC being replaced). It needs the database key (the old desk secret or the
 * OS key store): without it nothing can be read, by design. The bundle is
 * `{ format, body, publicKey, signature }` where `body` is the exact JSON string signed with
 * the desk's Ed25519 key (kept in the encrypted database, see `deskSigningKey`), so no
 * canonicalisation is needed to verify it.
 */
export const OUTBOX_EXPORT_FORMAT = 'jetway.outbox-export.v1';

const ExportedCommandSchema = z.object({
  seq: z.number().int(),
  commandId: z.string(),
  state: z.string(),
  createdAt: z.string(),
  envelope: z.unknown(),
});
const ExportBodySchema = z.object({
  deskId: z.string(),
  exportedAt: z.string(),
  schemaVersion: z.number().int(),
  commands: z.array(ExportedCommandSchema),
});
export type OutboxExportBody = z.infer<typeof ExportBodySchema>;

const BundleSchema = z.object({
  format: z.literal(OUTBOX_EXPORT_FORMAT),
  body: z.string(),
  /** The desk's Ed25519 public key, SPKI DER, base64. */
  publicKey: z.string(),
  signature: z.string(),
});
export type OutboxExportBundle = z.infer<typeof BundleSchema>;

function readUnsent(db: Db): OutboxExportBody['commands'] {
  const rows = db
    .prepare(`SELECT seq, command_id, state, created_at, envelope FROM outbox WHERE state != 'acked' ORDER BY seq`)
    .all() as { seq: number; command_id: string; state: string; created_at: string; envelope: string }[];
  return rows.map((r) => ({
    seq: r.seq,
    commandId: r.command_id,
    state: r.state,
    createdAt: r.created_at,
    envelope: JSON.parse(r.envelope) as unknown,
  }));
}

export interface ExportOptions {
  keyProvider: KeyProvider;
  nativeBinding?: string;
  now?: () => Date;
}

/** Reads every command not yet acknowledged from `file` and returns the signed bundle. */
export function exportOutbox(file: string, o: ExportOptions): OutboxExportBundle {
  let db = openExisting(file, o);
  try {
    const has = (k: string): boolean => db.prepare(`SELECT 1 FROM meta WHERE key = ?`).get(k) !== undefined;
    if (!has('desk_signing_key') || !has('desk_id')) {
      // A desk from before signing keys: reopen writable to create them (the only write).
      db.close();
      db = openExisting(file, { ...o, readonly: false });
    }
    const { privateKey, publicKey } = deskSigningKey(db);
    const body = JSON.stringify({
      deskId: deskId(db),
      exportedAt: (o.now?.() ?? new Date()).toISOString(),
      schemaVersion: schemaVersion(db),
      commands: readUnsent(db),
    } satisfies OutboxExportBody);
    return {
      format: OUTBOX_EXPORT_FORMAT,
      body,
      publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      signature: crypto.sign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64'),
    };
  } finally {
    db.close();
  }
}

/**
 * Checks a bundle's signature (and, given one, that it was signed by the expected desk key,
 * e.g. the one registered at enrolment) and returns its parsed body; throws otherwise.
 */
export function verifyOutboxExport(bundle: unknown, expectedPublicKey?: string): OutboxExportBody {
  const b = BundleSchema.parse(bundle);
  if (expectedPublicKey !== undefined && expectedPublicKey !== b.publicKey)
    throw new Error('outbox export: signed by another desk key');
  const key = crypto.createPublicKey({ key: Buffer.from(b.publicKey, 'base64'), format: 'der', type: 'spki' });
  if (!crypto.verify(null, Buffer.from(b.body, 'utf8'), key, Buffer.from(b.signature, 'base64')))
    throw new Error('outbox export: bad signature');
  return ExportBodySchema.parse(JSON.parse(b.body));
}

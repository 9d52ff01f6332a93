import crypto from 'node:crypto';
import { deskIdOf } from '../../shared/sync/desk-signing.js';
import type { Db } from './open.js';

/**
 * This desk's id: derived from its signing key's public key (src/shared/sync/desk-signing.ts
 * deskIdOf), the id the server computes when it enrols that key. Kept in `meta.desk_id`.
 */
export function deskId(db: Db): string {
  const existing = db.prepare(`SELECT value FROM meta WHERE key = 'desk_id'`).pluck().get() as string | undefined;
  if (existing) return existing;
  const id = deskIdOf(deskPublicKeySpki(db));
  db.prepare(`INSERT INTO meta (key, value) VALUES ('desk_id', ?) ON CONFLICT(key) DO NOTHING`).run(id);
  return db.prepare(`SELECT value FROM meta WHERE key = 'desk_id'`).pluck().get() as string;
}

/** The desk's public key as enrolment sends it: SPKI DER, base64. */
export function deskPublicKeySpki(db: Db): string {
  return deskSigningKey(db).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * This desk's Ed25519 signing key: generated once, kept (PKCS#8 PEM) in the encrypted database
 * itself, so it is exactly as protected as the data it signs. Signs outbox exports (for replay
 * after re-enrolment); its public key is what an enrolment registers with the server.
 */
export function deskSigningKey(db: Db): { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject } {
  const read = (): string | undefined =>
    db.prepare(`SELECT value FROM meta WHERE key = 'desk_signing_key'`).pluck().get() as string | undefined;
  let pem = read();
  if (!pem) {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const fresh = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    db.prepare(`INSERT INTO meta (key, value) VALUES ('desk_signing_key', ?) ON CONFLICT(key) DO NOTHING`).run(fresh);
    pem = read()!;
  }
  const privateKey = crypto.createPrivateKey(pem);
  return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
}

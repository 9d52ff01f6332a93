import { ulid } from 'ulid';
import type { Db } from './open.js';

/**
 * This desk's id: generated once per database and kept in it (commands carry it; voucher
 * serial blocks will be bound to it once enrolment exists).
 */
export function deskId(db: Db, newId: () => string = ulid): string {
  const existing = db.prepare(`SELECT value FROM meta WHERE key = 'desk_id'`).pluck().get() as string | undefined;
  if (existing) return existing;
  const id = `DESK-${newId()}`;
  db.prepare(`INSERT INTO meta (key, value) VALUES ('desk_id', ?) ON CONFLICT(key) DO NOTHING`).run(id);
  return db.prepare(`SELECT value FROM meta WHERE key = 'desk_id'`).pluck().get() as string;
}

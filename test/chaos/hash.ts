import { createHash } from 'node:crypto';

/** Entity id → [version, hash of its canonical JSON]. */
export type TableDigest = Record<string, [number, string]>;

/** JSON with object keys sorted at every level (undefined members dropped, as JSON does). */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(JSON.parse(JSON.stringify(value ?? null))));
}

export const canonicalHash = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/** One hash for a whole table digest (id, version and data of every entity, in id order). */
export function tableHash(t: TableDigest): string {
  const h = createHash('sha256');
  for (const id of Object.keys(t).sort()) h.update(`${id}\u0000${t[id]![0]}\u0000${t[id]![1]}\n`);
  return h.digest('hex').slice(0, 16);
}

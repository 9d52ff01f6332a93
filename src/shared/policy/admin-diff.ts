import { MAX_DIFF_ENTRIES, type DiffEntry } from './admin-contract.js';
import { canonicalJson } from './hash.js';

/**
 * Field-level diff of two policy versions' contents (document lists). Documents are matched by
 * `id` (a second document with the same id is matched as `id#2`, …); inside a document, objects
 * by key and arrays by index. Paths are JSON paths inside the document (`regimes[0].currency`).
 */
export function diffPolicyContent(
  before: readonly unknown[],
  after: readonly unknown[],
  max = MAX_DIFF_ENTRIES,
): { entries: DiffEntry[]; truncated: boolean } {
  const out: DiffEntry[] = [];
  let truncated = false;
  const push = (e: DiffEntry) => {
    if (out.length >= max) truncated = true;
    else out.push(e);
  };
  const a = byId(before);
  const b = byId(after);
  for (const [id, doc] of a) {
    if (!b.has(id)) push({ document: id, path: '', change: 'removed', before: doc });
    else walk(id, '', doc, b.get(id), push);
  }
  for (const [id, doc] of b) if (!a.has(id)) push({ document: id, path: '', change: 'added', after: doc });
  return { entries: out, truncated };
}

function byId(docs: readonly unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  docs.forEach((d, i) => {
    const raw = d && typeof d === 'object' && typeof (d as { id?: unknown }).id === 'string' ? (d as { id: string }).id : `#${i}`;
    let id = raw;
    for (let n = 2; m.has(id); n++) id = `${raw}#${n}`;
    m.set(id, d);
  });
  return m;
}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

function walk(doc: string, path: string, x: unknown, y: unknown, push: (e: DiffEntry) => void): void {
  if (Array.isArray(x) && Array.isArray(y)) {
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (i >= y.length) push({ document: doc, path: join(path, i), change: 'removed', before: x[i] });
      else if (i >= x.length) push({ document: doc, path: join(path, i), change: 'added', after: y[i] });
      else walk(doc, join(path, i), x[i], y[i], push);
    }
    return;
  }
  if (isObj(x) && isObj(y)) {
    for (const k of Object.keys(x)) {
      if (x[k] === undefined) continue;
      if (!(k in y) || y[k] === undefined) push({ document: doc, path: join(path, k), change: 'removed', before: x[k] });
      else walk(doc, join(path, k), x[k], y[k], push);
    }
    for (const k of Object.keys(y))
      if (y[k] !== undefined && (!(k in x) || x[k] === undefined)) push({ document: doc, path: join(path, k), change: 'added', after: y[k] });
    return;
  }
  if (canonicalJson(x) !== canonicalJson(y)) push({ document: doc, path, change: 'changed', before: x, after: y });
}

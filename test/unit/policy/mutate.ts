/** Mutations of claim cases for the property tests (compiled-schema, parse-copy): every path of a value, a value set or removed at a path, an extra key. */
export function paths(
  x: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) paths(v, [...at, k], out);
  return out;
}

export function setAt(x: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const c = structuredClone(x) as Record<string | number, unknown>;
  let o: Record<string | number, unknown> = c;
  for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, unknown>;
  if (value === undefined && !Array.isArray(o)) delete o[path[path.length - 1]!];
  else o[path[path.length - 1]!] = value;
  return c;
}

export function addKey(x: unknown, path: (string | number)[], key: string, value: unknown): unknown {
  const c = structuredClone(x) as Record<string | number, unknown>;
  let o: unknown = c;
  for (const p of path) o = (o as Record<string | number, unknown>)[p];
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return c;
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return c;
}

/**
 * An item's size as DynamoDB counts it against the 400 KB limit ("Item sizes and formats", AWS
 * DynamoDB developer guide): each attribute's name (UTF-8 bytes) plus its value. Strings and
 * binaries: their bytes; numbers: about one byte per two significant digits plus one; booleans
 * and nulls: one byte; lists and maps: 3 bytes plus one byte per element plus the elements (and,
 * for maps, the element names). Rounded up where the guide gives a range, so never an underestimate.
 */
export function dynamoItemSize(item: Record<string, unknown>): number {
  let n = 0;
  for (const [name, v] of Object.entries(item)) n += Buffer.byteLength(name) + valueSize(v);
  return n;
}

function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const digits = String(v).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/e.*$/i, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return 3 + [...(v as Set<unknown>)].reduce<number>((s, e) => s + 1 + valueSize(e), 0);
  if (Array.isArray(v)) return 3 + v.reduce<number>((s, e) => s + 1 + valueSize(e), 0);
  if (typeof v === 'object') {
    return 3 + Object.entries(v as Record<string, unknown>).reduce((s, [k, e]) => s + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  }
  throw new TypeError(`no DynamoDB size for ${typeof v}`);
}

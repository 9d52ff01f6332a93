/**
 * Where each value of a JSON text sits: a map from JSON path (`[3].regimes[0].currency`, the admin
 * API's path format without its `content` prefix) to the value's character range, and, for object
 * members, the key's range. Used to put a validation issue's lint mark on its field in the JSON view.
 * A small scanner, not a parser: it stops quietly at the first syntax error (JSON.parse reports that).
 */
export interface JsonRange {
  from: number;
  to: number;
  /** The member's key (object members only): marks read better on the key. */
  keyFrom?: number;
  keyTo?: number;
}

export function locateJsonPaths(text: string): Map<string, JsonRange> {
  const out = new Map<string, JsonRange>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (path: string, key?: { from: number; to: number }): void => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          if (text[i] !== '"') throw new Error('key');
          const kFrom = i;
          const k = str();
          const kTo = i;
          ws();
          if (text[i] !== ':') throw new Error(':');
          i++;
          value(path ? `${path}.${k}` : k, { from: kFrom, to: kTo });
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === '}') {
            i++;
            break;
          } else throw new Error(',');
        }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else
        for (let n = 0; ; n++) {
          value(`${path}[${n}]`);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            break;
          } else throw new Error(',');
        }
    } else if (c === '"') str();
    else {
      while (i < text.length && /[^\s,\]}]/.test(text[i]!)) i++;
      if (i === from) throw new Error('value');
    }
    out.set(path, { from, to: i, ...(key ? { keyFrom: key.from, keyTo: key.to } : {}) });
  };
  try {
    value('');
  } catch {
    /* partial map up to the syntax error */
  }
  return out;
}

/**
 * The closest located range for an issue path (`content[3].regimes[0].x`): the path itself, else
 * its nearest located parent (a missing field marks its object).
 */
export function rangeForIssue(map: Map<string, JsonRange>, issuePath: string): JsonRange | null {
  let p = issuePath.replace(/^content/, '');
  for (;;) {
    const r = map.get(p);
    if (r) return r;
    if (p === '') return null;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}

/**
 * Small fuzzy matcher for the command palette: the query's characters must appear in order in the
 * text (case-insensitive). Score favours, in this order: the whole query as a substring (at a word
 * start best), consecutive runs, matches at word starts, and shorter texts. `null`: no match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!q) return 0;
  const t = text.toLowerCase();
  const sub = t.indexOf(q);
  if (sub >= 0) {
    const atWord = sub === 0 || /[\s\-/(·→]/.test(t[sub - 1]!);
    return 1000 + (atWord ? 200 : 0) - sub - t.length / 100;
  }
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === ' ') {
      run = 0;
      continue;
    }
    const at = t.indexOf(ch, ti);
    if (at < 0) return null;
    const wordStart = at === 0 || /[\s\-/(·→]/.test(t[at - 1]!);
    run = at === ti && run > 0 ? run + 1 : 1;
    score += 1 + (run > 1 ? run * 2 : 0) + (wordStart ? 8 : 0) - Math.min(at - ti, 10) * 0.5;
    ti = at + 1;
  }
  return score - t.length / 100;
}

/** The items matching `query`, best first (stable for equal scores); all items for an empty query. */
export function fuzzyFilter<T>(items: readonly T[], query: string, text: (item: T) => string, limit = Infinity): T[] {
  if (!query.trim()) return items.slice(0, limit);
  const scored: { item: T; score: number; i: number }[] = [];
  items.forEach((item, i) => {
    const score = fuzzyScore(query, text(item));
    if (score !== null) scored.push({ item, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.item);
}

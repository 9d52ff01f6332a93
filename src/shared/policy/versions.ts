/**
 * Which published policy version applies at an instant — the one rule shared by the backend
 * workflow, the simulation, the desk's preview and the CLI (pure: no I/O, no clock).
 *
 * Publishing version P effective from E means "from E on, P applies" (until a later-effective
 * publication). A publication therefore **retires** every version published before it whose
 * effectiveFrom is at or after E (they would never apply again: P covers their whole range). Among the
 * versions not retired, effectiveFrom order equals publication order, and the version used for a
 * flight is the one with the latest effectiveFrom at or before its scheduled departure.
 */
export interface PublishedRef {
  version: number;
  /** Publication order (1, 2, …): a store-wide counter taken at publish. */
  publishSeq: number;
  /** ISO instant. */
  effectiveFrom: string;
}

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not an instant: ${iso}`);
  return t;
};

/** Versions retired by the publication sequence (a later publication starts at or before them). */
export function retiredVersions(published: readonly PublishedRef[]): Set<number> {
  const out = new Set<number>();
  const bySeq = [...published].sort((a, b) => a.publishSeq - b.publishSeq);
  // Walk from the newest publication backwards, keeping the earliest start seen so far.
  let minLater = Infinity;
  for (let i = bySeq.length - 1; i >= 0; i--) {
    const v = bySeq[i]!;
    const e = ms(v.effectiveFrom);
    if (e >= minLater) out.add(v.version);
    minLater = Math.min(minLater, e);
  }
  return out;
}

/** The published version in force at `at` (an ISO instant), or null when none had started. */
export function resolvePolicyVersion<T extends PublishedRef>(published: readonly T[], at: string): T | null {
  const t = ms(at);
  const retired = retiredVersions(published);
  let best: T | null = null;
  for (const v of published) {
    if (retired.has(v.version)) continue;
    const e = ms(v.effectiveFrom);
    if (e > t) continue;
    if (!best || e > ms(best.effectiveFrom) || (e === ms(best.effectiveFrom) && v.publishSeq > best.publishSeq)) best = v;
  }
  return best;
}

import type { Change, LogEntry } from './protocol.js';

/**
 * Pure planning of a pull page: which changes to write, and the cursor afterwards.
 *
 * Rules (SYNC.md): entries are applied in sequence order; an entry at or below the cursor was
 * applied before (a retried pull) and is skipped, so applying a page twice is a no-op; a
 * missing sequence is a gap in a gap-free log and aborts the page (nothing half-applied);
 * an entity is written only if the incoming version is newer than the cached one.
 */
export interface ApplyPlan {
  /** Changes to write, at most one per entity (the newest), in first-seen order. */
  writes: Change[];
  /** Sequence to store as the new cursor. */
  cursor: number;
  skippedEntries: number;
  staleChanges: number;
}

export class LogGapError extends Error {
  constructor(
    readonly expected: number,
    readonly got: number,
  ) {
    super(`gap in change log: expected seq ${expected}, got ${got}`);
    this.name = 'LogGapError';
  }
}

/** `cachedVersion(kind, id)` returns the cached version or undefined when absent. */
export function planApply(
  entries: readonly LogEntry[],
  cursor: number,
  cachedVersion: (kind: Change['kind'], id: string) => number | undefined,
): ApplyPlan {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  const newest = new Map<string, Change>();
  let next = cursor;
  let skippedEntries = 0;
  for (const entry of sorted) {
    if (entry.seq <= next) {
      skippedEntries += 1;
      continue;
    }
    if (entry.seq !== next + 1) throw new LogGapError(next + 1, entry.seq);
    next = entry.seq;
    for (const change of entry.changes) {
      const key = `${change.kind}:${change.id}`;
      const seen = newest.get(key);
      if (!seen || change.version > seen.version) newest.set(key, change);
    }
  }
  const writes: Change[] = [];
  let staleChanges = 0;
  for (const change of newest.values()) {
    const have = cachedVersion(change.kind, change.id);
    if (have !== undefined && change.version <= have) staleChanges += 1;
    else writes.push(change);
  }
  return { writes, cursor: next, skippedEntries, staleChanges };
}

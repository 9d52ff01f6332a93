import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogGapError, planApply } from '../../../src/shared/sync/apply.js';
import type { Change, LogEntry } from '../../../src/shared/sync/protocol.js';

const ch = (id: string, version: number): Change => ({ kind: 'flight', id, version, op: 'put', data: { id, version } });
const entry = (seq: number, ...changes: Change[]): LogEntry => ({ seq, changes });

/** Applies plans to a map the way the cache does (reference model). */
function run(pages: LogEntry[][]): { versions: Map<string, number>; cursor: number } {
  const versions = new Map<string, number>();
  let cursor = 0;
  for (const page of pages) {
    const plan = planApply(page, cursor, (_k, id) => versions.get(id));
    for (const w of plan.writes) versions.set(w.id, w.version);
    cursor = plan.cursor;
  }
  return { versions, cursor };
}

describe('planApply', () => {
  it.each([
    ['in order', [entry(1, ch('a', 1)), entry(2, ch('a', 2))], 0, ['a@2'], 2],
    ['out of order within a page', [entry(2, ch('a', 2)), entry(1, ch('a', 1))], 0, ['a@2'], 2],
    ['entries at or below the cursor are skipped (retried page)', [entry(1, ch('a', 9)), entry(2, ch('b', 1))], 1, ['b@1'], 2],
    ['older version than a later change in the page loses', [entry(1, ch('a', 3)), entry(2, ch('a', 2))], 0, ['a@3'], 2],
  ] as const)('%s', (_name, entries, cursor, expected, nextCursor) => {
    const plan = planApply(entries, cursor, () => undefined);
    expect(plan.writes.map((w) => `${w.id}@${w.version}`)).toEqual(expected);
    expect(plan.cursor).toBe(nextCursor);
  });

  it('skips changes not newer than the cached version', () => {
    const plan = planApply([entry(1, ch('a', 2), ch('b', 5))], 0, (_k, id) => (id === 'a' ? 2 : 4));
    expect(plan.writes.map((w) => w.id)).toEqual(['b']);
    expect(plan.staleChanges).toBe(1);
  });

  it('rejects a gap in the log and plans nothing', () => {
    expect(() => planApply([entry(1, ch('a', 1)), entry(3, ch('a', 3))], 0, () => undefined)).toThrow(LogGapError);
    expect(() => planApply([entry(5, ch('a', 1))], 3, () => undefined)).toThrow(/expected seq 4, got 5/);
  });

  it('is idempotent and split-independent: any paging and any replay of a log gives the same cache (property)', () => {
    const logArb = fc.array(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 20 })), { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(logArb, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 5 }), (raw, cuts, replay) => {
        const log = raw.map((changes, i) => entry(i + 1, ...changes.map(([id, v]) => ch(id, v))));
        const whole = run([log]);
        // Same log in arbitrary page sizes, with a page replayed (a retried request).
        const pages: LogEntry[][] = [];
        let i = 0;
        let k = 0;
        while (i < log.length) {
          const size = cuts[k++ % cuts.length]!;
          pages.push(log.slice(i, i + size));
          if (k === replay) pages.push(log.slice(i, i + size));
          i += size;
        }
        const paged = run(pages);
        expect(paged.cursor).toBe(whole.cursor);
        expect([...paged.versions.entries()].sort()).toEqual([...whole.versions.entries()].sort());
        // Reference: the max version per id over the whole log.
        const max = new Map<string, number>();
        for (const e of log) for (const c of e.changes) max.set(c.id, Math.max(max.get(c.id) ?? 0, c.version));
        expect([...whole.versions.entries()].sort()).toEqual([...max.entries()].sort());
      }),
      { seed: 424242, numRuns: 300 },
    );
  });
});

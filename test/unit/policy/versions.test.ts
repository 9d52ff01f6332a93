import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePolicyVersion, retiredVersions, type PublishedRef } from '../../../src/shared/policy/versions.js';

// Issue #9: which published version decides a flight. Model: publishing version P effective from E
// means "from E on, P" — so at an instant t the version used is the LATEST PUBLISHED among those
// whose effectiveFrom is at or before t (later publications overwrite the timeline from their start).

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

/** A publication sequence: effectiveFrom offsets (hours, ties likely) in publication order. */
const publications = fc.array(fc.integer({ min: 0, max: 24 * 20 }), { minLength: 0, maxLength: 12 }).map((offsets) =>
  offsets.map((h, i): PublishedRef => ({ version: i + 1, publishSeq: i + 1, effectiveFrom: at(h) })),
);
const departure = fc.integer({ min: -24, max: 24 * 22 }).map(at);

/** The model: walk the publications in order, keep the last one already in force at t. */
function model(pubs: readonly PublishedRef[], t: string): number | null {
  let v: number | null = null;
  for (const p of pubs) if (Date.parse(p.effectiveFrom) <= Date.parse(t)) v = p.version;
  return v;
}

describe('resolvePolicyVersion (property)', () => {
  it('the version used for a flight is the latest published one in force at or before its scheduled departure', () => {
    fc.assert(
      fc.property(publications, departure, (pubs, t) => {
        expect(resolvePolicyVersion(pubs, t)?.version ?? null).toBe(model(pubs, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('its effectiveFrom is at or before the departure, and no version still in force starts later before the departure', () => {
    fc.assert(
      fc.property(publications, departure, (pubs, t) => {
        const r = resolvePolicyVersion(pubs, t);
        const retired = retiredVersions(pubs);
        const live = pubs.filter((p) => !retired.has(p.version) && Date.parse(p.effectiveFrom) <= Date.parse(t));
        if (!r) {
          expect(live).toEqual([]);
          return;
        }
        expect(Date.parse(r.effectiveFrom)).toBeLessThanOrEqual(Date.parse(t));
        expect(retired.has(r.version)).toBe(false);
        for (const p of live) expect(Date.parse(p.effectiveFrom)).toBeLessThanOrEqual(Date.parse(r.effectiveFrom));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order the index is read in, and a publication never changes the version of flights before its start', () => {
    fc.assert(
      fc.property(publications, departure, fc.integer({ min: 0, max: 24 * 20 }), (pubs, t, e) => {
        const shuffled = [...pubs].reverse();
        expect(resolvePolicyVersion(shuffled, t)?.version ?? null).toBe(resolvePolicyVersion(pubs, t)?.version ?? null);
        const next: PublishedRef = { version: pubs.length + 1, publishSeq: pubs.length + 1, effectiveFrom: at(e) };
        const before = resolvePolicyVersion(pubs, t)?.version ?? null;
        const after = resolvePolicyVersion([...pubs, next], t)?.version ?? null;
        if (Date.parse(t) < Date.parse(next.effectiveFrom)) expect(after).toBe(before);
        else expect(after).toBe(next.version);
      }),
      { numRuns: 2000 },
    );
  });

  it('examples: effective tomorrow; a rollback before a scheduled version retires it', () => {
    const v1: PublishedRef = { version: 1, publishSeq: 1, effectiveFrom: '1970-01-01T00:00:00.000Z' };
    const v2: PublishedRef = { version: 2, publishSeq: 2, effectiveFrom: at(24) };
    expect(resolvePolicyVersion([v1, v2], at(2))?.version).toBe(1);
    expect(resolvePolicyVersion([v1, v2], at(24))?.version).toBe(2);
    expect(resolvePolicyVersion([v1, v2], at(72))?.version).toBe(2);
    const v4: PublishedRef = { version: 4, publishSeq: 3, effectiveFrom: at(5) };
    expect([...retiredVersions([v1, v2, v4])]).toEqual([2]);
    expect(resolvePolicyVersion([v1, v2, v4], at(72))?.version).toBe(4);
    expect(resolvePolicyVersion([v1, v2, v4], at(2))?.version).toBe(1);
    expect(resolvePolicyVersion([], at(2))).toBeNull();
    expect(resolvePolicyVersion([v2], new Date(T0 - DAY).toISOString())).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultPolicySet, evaluate, explainDecision, parseClaimCase } from '../../../src/shared/policy/index.js';
import type { SnapshotRow } from './fixtures/make-engine-snapshot.js';

/**
 * The engine's outputs for every bench case (bench/policy.ts, 273 texts) and for variants of them
 * (fixtures/engine-snapshot-cases.ts) equal those of the engine before the allocation work (commit
 * 99b36a8, fixtures/make-engine-snapshot.ts): the decision's JSON text (values, key order), the
 * explanation, the error of an invalid case. Performance work must not change a single character.
 */
const ROWS = JSON.parse(
  gunzipSync(readFileSync(new URL('./fixtures/engine-snapshot.json.gz', import.meta.url))).toString('utf8'),
) as SnapshotRow[];
const P = defaultPolicySet();

function run(text: string): { decision?: string; explain?: string; error?: string; d?: unknown } {
  try {
    const d = evaluate(parseClaimCase(text), P);
    return { decision: JSON.stringify(d), explain: explainDecision(d), d };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function expectRow(row: SnapshotRow, got: ReturnType<typeof run>, i: number): void {
  const label = `case ${i}: ${row.text.slice(0, 120)}`;
  expect(got.error, label).toBe(row.error);
  if (row.decision === undefined) return;
  // Deep equality first (a readable diff), then the exact text (key order, number formatting).
  expect(JSON.parse(got.decision!), label).toEqual(JSON.parse(row.decision));
  expect(got.decision, label).toBe(row.decision);
  expect(got.explain, label).toBe(row.explain);
}

/** Changes every object and array of a decision that is not frozen (a caller may mutate its decision). */
function vandalise(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  const children = Array.isArray(x) ? [...x] : Object.values(x);
  for (const c of children) vandalise(c, seen);
  if (Object.isFrozen(x)) return;
  if (Array.isArray(x)) x.push('vandalised');
  else for (const k of Object.keys(x)) (x as Record<string, unknown>)[k] = 'vandalised';
}

describe('engine snapshot (outputs of the engine before the allocation work)', () => {
  it('covers the bench cases, variants and invalid cases', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(273);
    expect(ROWS.filter((r) => r.error).length).toBeGreaterThan(5);
  });

  it('reproduces every decision, explanation and error', () => {
    ROWS.forEach((row, i) => expectRow(row, run(row.text), i));
  });

  it('again in reverse order after every earlier decision was mutated (no shared mutable output)', () => {
    for (let i = 0; i < ROWS.length; i++) vandalise(run(ROWS[i]!.text).d);
    for (let i = ROWS.length - 1; i >= 0; i--) {
      const got = run(ROWS[i]!.text);
      expectRow(ROWS[i]!, got, i);
      vandalise(got.d);
    }
  });
});

describe('isoMs fast path (toISOString form, 24 characters)', () => {
  it('agrees with Date.parse on near misses of the form', async () => {
    const { isoMs } = await import('../../../src/shared/policy/engine.js');
    for (const s of [
      '2025-06-10T08:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2025-06-10T24:00:00.000Z',
      '2025-06-10T08:60:00.000Z',
      '2025-00-10T08:00:00.000Z',
      '2025-06-32T08:00:00.000Z',
      '2025-06-10T08:00:00.0a0Z',
      '2025-06-10T08:00:00.000z',
      '2025-06-10T08:00:00,000Z',
      '2025-06-10 08:00:00.000Z',
      '+02025-06-10T08:00:00.00',
      '1970-01-01T00:00:00.000Z',
    ])
      expect(isoMs(s), s).toEqual(Date.parse(s));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimCaseValidator } from '../../../src/shared/policy/parse.js';
import { ClaimCaseSchema } from '../../../src/shared/policy/schema.js';
import { rawCase, type CaseSpec } from './helpers.js';
import { addKey, paths, setAt } from './mutate.js';

// CI size; `npm run soak` (JETWAY_SOAK=1) runs ten times as many.
const RUNS = process.env.JETWAY_SOAK === '1' ? 3000 : 300;

const SPECS: CaseSpec[] = [
  { route: 'FRA-JFK', carrier: 'LH', arr: 300, dep: 290, cause: 'MECHANICAL' },
  { route: 'FCO-BRU-HAM', carrier: 'SN', arr: 200, dep: 150, cause: 'BIRD_STRIKE', ecMinutes: 60 },
  { route: 'FAO-DUB', carrier: 'FR', kind: 'CANCELLATION', notice: 30, reroute: { dep: 60, arr: 90 } },
  { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], tier: 'A-LIST', volunteer: true },
  { route: 'IST-ESB', carrier: 'TK', kind: 'CANCELLATION', fx: { 'EUR/TRY': '35.5' }, choice: 'refund' },
  { route: 'YUL-YYZ', carrier: 'AC', onBlock: 240, overnight: true, disrupted: 0, caseId: 'C-1' },
];

/** Values that sit on the edges of the schema's checks (formats, ints, enums, nullables, sizes). */
const EDGE: unknown[] = [
  undefined,
  null,
  '',
  'fra',
  'FRA',
  'LH',
  'L',
  'lh1',
  '1234A',
  '12345',
  '2025-06-10T08:00:00Z',
  '2025-06-10T08:00:00.123+05:30',
  '2025-06-10T08:00:00+0530',
  '2025-06-10T08:00Z',
  '2024-02-29T00:00:00Z',
  '2025-02-29T00:00:00Z',
  '2025-06-10T24:00:00Z',
  '2025-06-10 08:00:00Z',
  '2025-06-10',
  'DELAY',
  'delay',
  'refund',
  'economy',
  'extraordinary',
  'EUR',
  '35.5',
  '1.123456789',
  0,
  -1,
  1,
  1.5,
  7,
  8,
  9,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  [],
  {},
  { code: null },
  { code: 'WEATHER', override: 'extraordinary', extraordinaryMinutes: 30 },
  { amountMinor: 100, currency: 'EUR' },
  { amountMinor: -1, currency: 'EUR' },
  { departure: '2025-06-10T08:00:00Z', arrival: '2025-06-10T09:00:00Z' },
  { 'EUR/TRY': '35.5' },
  { 'EUR-TRY': '35.5' },
  [{ regime: 'APPR', amount: { amountMinor: 100, currency: 'CAD' } }],
];

/** Every path (keys and indices) of a JSON value, objects and arrays included. */

/** `x` with `value` set under `key` of the object at `path` (unchanged when that is not an object). */

function same(input: unknown): void {
  const runtime = ClaimCaseSchema.safeParse(input);
  const compiled = claimCaseValidator().safeParse(input);
  expect(compiled.success).toBe(runtime.success);
  if (runtime.success) {
    expect(compiled.data).toStrictEqual(runtime.data);
    expect(JSON.stringify(compiled.data)).toBe(JSON.stringify(runtime.data)); // key order too
  } else expect(compiled.error!.issues).toStrictEqual(runtime.error.issues);
}

describe('the compiled claim-case schema (z.compile) agrees with the runtime zod parser', () => {
  it('on valid cases', () => {
    expect(claimCaseValidator()).not.toBe(ClaimCaseSchema); // compiled here (node allows new Function)
    for (const s of SPECS) same(rawCase(s));
  });

  it('on cases with one value replaced, removed or added anywhere', () => {
    const bases = SPECS.map((s) => rawCase(s));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.nat(),
        fc.constantFrom(...EDGE),
        fc.constantFrom(null, 'extra', 'seats', 'marketingCarrier', 'expectedDeparture', '__proto__'),
        (b, pi, value, key) => {
          const base = bases[b]!;
          const all = paths(base);
          const path = all[pi % all.length]!;
          same(setAt(base, path, value));
          if (key !== null) same(addKey(base, path, key, value));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on cases with two values replaced', () => {
    const bases = SPECS.map((s) => rawCase(s));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...EDGE),
        fc.constantFrom(...EDGE),
        (b, p1, p2, v1, v2) => {
          const all = paths(bases[b]!);
          const once = setAt(bases[b]!, all[p1 % all.length]!, v1);
          const all2 = paths(once);
          same(setAt(once, all2[p2 % all2.length]!, v2));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

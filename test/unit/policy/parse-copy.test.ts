import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, PolicyInputError } from '../../../src/shared/policy/errors.js';
import { parseClaimCase } from '../../../src/shared/policy/parse.js';
import { ClaimCaseSchema, type ClaimCase } from '../../../src/shared/policy/schema.js';
import { rawCase, type CaseSpec } from './helpers.js';
import { addKey, paths, setAt } from './mutate.js';

// CI size; `npm run soak` (JETWAY_SOAK=1) runs ten times as many.
const RUNS = process.env.JETWAY_SOAK === '1' ? 3000 : 300;

const SPECS: CaseSpec[] = [
  { route: 'FRA-JFK', carrier: 'LH', arr: 300, dep: 290, cause: 'MECHANICAL', override: 'extraordinary' },
  { route: 'FCO-BRU-HAM', carrier: 'SN', arr: 200, dep: 150, cause: 'BIRD_STRIKE', ecMinutes: 60 },
  { route: 'FAO-DUB', carrier: 'FR', kind: 'CANCELLATION', notice: 30, reroute: { dep: 60, arr: 90 } },
  { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], tier: 'A-LIST', volunteer: true },
  { route: 'IST-ESB', carrier: 'TK', kind: 'CANCELLATION', fx: { 'EUR/TRY': '35.5', 'EUR/GBP': '0.85' } },
  { route: 'YUL-YYZ', carrier: 'AC', onBlock: 240, overnight: true, disrupted: 0, caseId: 'C-1', choice: 'refund' },
];

const EDGE: unknown[] = [
  undefined,
  null,
  '',
  'FRA',
  'LH',
  '2025-06-10T08:00:00Z',
  '2025-06-10T08:00:00.123+05:30',
  'DELAY',
  'extraordinary',
  'EUR',
  '35.5',
  0,
  -1,
  1,
  1.5,
  true,
  [],
  {},
  { code: null },
  { code: 'WEATHER', override: 'extraordinary', extraordinaryMinutes: 30, extra: 1 },
  { code: 'WEATHER', extraordinaryMinutes: undefined },
  { amountMinor: 100, currency: 'EUR', extra: 'x' },
  { departure: '2025-06-10T08:00:00Z', arrival: '2025-06-10T09:00:00Z', extra: 'x' },
  { 'EUR/TRY': '35.5', 'USD/EUR': '0.9' },
  { 'EUR-TRY': '35.5' },
  [{ regime: 'APPR', amount: { amountMinor: 100, currency: 'CAD' }, extra: 1 }],
];

/** What parseClaimCase must return: zod's own output, every top-level and segment field present. */
function reference(d: ClaimCase): ClaimCase {
  return {
    caseId: d.caseId,
    passengerId: d.passengerId,
    tier: d.tier,
    fare: d.fare,
    cabinBooked: d.cabinBooked,
    cabinFlown: d.cabinFlown,
    segments: d.segments.map((s) => ({
      carrier: s.carrier,
      marketingCarrier: s.marketingCarrier,
      flightNumber: s.flightNumber,
      origin: s.origin,
      destination: s.destination,
      scheduledDeparture: s.scheduledDeparture,
      scheduledArrival: s.scheduledArrival,
      expectedDeparture: s.expectedDeparture,
      actualDeparture: s.actualDeparture,
      actualArrivalDoorOpen: s.actualArrivalDoorOpen,
      actualArrivalOnBlock: s.actualArrivalOnBlock,
      seats: s.seats,
    })),
    disruptedSegment: d.disruptedSegment,
    kind: d.kind,
    cause: d.cause,
    notifiedAt: d.notifiedAt,
    departureDelayMinutes: d.departureDelayMinutes,
    arrivalDelayMinutes: d.arrivalDelayMinutes,
    reroute: d.reroute,
    choice: d.choice,
    volunteer: d.volunteer,
    overnight: d.overnight,
    fxRates: d.fxRates,
    compensatedElsewhere: d.compensatedElsewhere,
  };
}

function caught(f: () => unknown): unknown {
  try {
    return f();
  } catch (err) {
    return err;
  }
}

/** parseClaimCase (zod's validator + one copy) against zod's parser, on an object and on its JSON text. */
function same(input: unknown): void {
  const runtime = ClaimCaseSchema.safeParse(input);
  for (const x of [input, JSON.stringify(input) ?? 'undefined']) {
    const got = caught(() => parseClaimCase(x));
    if (!runtime.success) {
      if (typeof x === 'string' && !(got instanceof PolicyInputError && got.message.includes('not JSON'))) {
        // JSON drops undefined values: the text may be a different (even valid) case
        continue;
      }
      expect(got).toBeInstanceOf(PolicyInputError);
      if (typeof x !== 'string')
        expect((got as PolicyInputError).issues).toStrictEqual(
          runtime.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
        );
      continue;
    }
    if (got instanceof PolicyInputError) {
      // only the checks parseClaimCase adds to the schema's (disruptedSegment, connected segments)
      expect(got.path === 'disruptedSegment' || /^segments\[\d+\]\.origin$/.test(got.path)).toBe(true);
      continue;
    }
    if (typeof x === 'string') {
      expect(JSON.stringify(got)).toBe(JSON.stringify(reference(runtime.data)));
      continue;
    }
    expect(got).toStrictEqual(reference(runtime.data));
    expect(JSON.stringify(got)).toBe(JSON.stringify(reference(runtime.data))); // key order too
  }
}

describe('parseClaimCase returns what zod returns (validator + one copy = parser + copy)', () => {
  it('on valid cases', () => {
    for (const s of SPECS) same(rawCase(s));
    const bare = rawCase(SPECS[0]!);
    delete bare.cause;
    delete bare.disruptedSegment;
    same(bare); // the schema's defaults
    const a = parseClaimCase(bare);
    const b = parseClaimCase(bare);
    expect(a.cause).not.toBe(b.cause); // a fresh default each time
  });

  it('on cases with one value replaced, removed or added anywhere', () => {
    const bases = SPECS.map((s) => rawCase(s));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.nat(),
        fc.constantFrom(...EDGE),
        fc.constantFrom(null, 'extra', 'seats', 'override', '__proto__'),
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
});

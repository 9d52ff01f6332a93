import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentOf } from '../../../src/shared/money.js';
import {
  DEFAULT_POLICY_DOCUMENTS,
  PolicyInputError,
  defaultPolicySet,
  evaluate,
  parseClaimCase,
  type PolicyDocument,
} from '../../../src/shared/policy/index.js';
import { payableCash, rawCase, type CaseSpec } from './helpers.js';

const P = defaultPolicySet();
// CI size; `npm run soak` (JETWAY_SOAK=1) runs ten times as many.
const RUNS = process.env.JETWAY_SOAK === '1' ? 1500 : 150;

const CAUSES = [null, 'WEATHER', 'ATC', 'MECHANICAL', 'CREW', 'BIRD_STRIKE', 'SAFETY', '41', '93', 'UNKNOWN_X'];
const TIERS = [undefined, 'A-LIST PREFERRED', 'A-LIST', 'MEMBER', 'GOLD'];
const CURRENCIES = ['EUR', 'GBP', 'CAD', 'USD', 'TRY', 'INR', 'ILS', 'BRL', 'XDR'];

/** One route per regime (and currency), with an operating carrier that puts it in scope. */
const REGIMES: { regime: string; currency: string; route: string; carrier: string; kinds: CaseSpec['kind'][] }[] = [
  {
    regime: 'EU261',
    currency: 'EUR',
    route: 'FRA-JFK',
    carrier: 'LH',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  {
    regime: 'EU261',
    currency: 'EUR',
    route: 'CDG-AMS',
    carrier: 'AF',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  {
    regime: 'UK261',
    currency: 'GBP',
    route: 'LHR-ATH',
    carrier: 'BA',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  {
    regime: 'APPR',
    currency: 'CAD',
    route: 'YYZ-YVR',
    carrier: 'AC',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  {
    regime: 'APPR',
    currency: 'CAD',
    route: 'YVR-YZT',
    carrier: '8P',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  { regime: 'US_DOT', currency: 'USD', route: 'PHX-DAL', carrier: 'SW', kinds: ['DENIED_BOARDING'] },
  { regime: 'US_DOT', currency: 'USD', route: 'JFK-LHR', carrier: 'AA', kinds: ['DENIED_BOARDING'] },
  { regime: 'SHY', currency: 'TRY', route: 'IST-FRA', carrier: 'TK', kinds: ['CANCELLATION', 'DENIED_BOARDING'] },
  { regime: 'IN_CAR', currency: 'INR', route: 'DEL-BOM', carrier: 'AI', kinds: ['CANCELLATION', 'DENIED_BOARDING'] },
  {
    regime: 'IL_ASL',
    currency: 'ILS',
    route: 'TLV-JFK',
    carrier: 'LY',
    kinds: ['DELAY', 'CANCELLATION', 'DENIED_BOARDING'],
  },
  { regime: 'BR_ANAC', currency: 'BRL', route: 'GRU-GIG', carrier: 'G3', kinds: ['DELAY', 'CANCELLATION'] },
  { regime: 'goodwill', currency: 'USD', route: 'PHX-OAK', carrier: 'SW', kinds: ['DELAY', 'CANCELLATION'] },
  { regime: 'MC99', currency: 'XDR', route: 'FRA-JFK', carrier: 'LH', kinds: ['BAGGAGE_LOST', 'BAGGAGE_DELAYED'] },
];
const ROUTES = [
  ...REGIMES.map((r) => [r.route, r.carrier] as const),
  ['LHR-CDG', 'AF'],
  ['FRA-YYZ', 'LH'],
  ['FCO-BRU-HAM', 'SN'],
  ['PRG-AUH-BKK', 'OK'],
  ['ZZZ-FRA', 'DL'],
  ['YYZ-YUL', 'ZZ'],
] as const;

const dateArb = fc
  .integer({ min: Date.parse('2012-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') })
  .map((t) => new Date(t - (t % 60_000)).toISOString());

const specArb: fc.Arbitrary<CaseSpec> = fc
  .record({
    r: fc.constantFrom(...ROUTES),
    kind: fc.constantFrom(
      'DELAY',
      'CANCELLATION',
      'DENIED_BOARDING',
      'DOWNGRADE',
      'DIVERSION',
      'BAGGAGE_LOST',
      'BAGGAGE_DELAYED',
      'BAGGAGE_DAMAGED',
    ) as fc.Arbitrary<CaseSpec['kind']>,
    date: dateArb,
    arr: fc.option(fc.integer({ min: -60, max: 3000 }), { nil: undefined }),
    dep: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    cause: fc.constantFrom(...CAUSES),
    ecMinutes: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined, freq: 5 }),
    notice: fc.option(fc.integer({ min: 0, max: 40 * 1440 }), { nil: undefined }),
    reroute: fc.option(
      fc.record({ dep: fc.integer({ min: -300, max: 3000 }), arr: fc.integer({ min: -120, max: 3000 }) }),
      { nil: undefined },
    ),
    tier: fc.constantFrom(...TIERS),
    fare: fc.option(fc.tuple(fc.integer({ min: 0, max: 5_000_000 }), fc.constantFrom(...CURRENCIES)), {
      nil: undefined,
    }),
    choice: fc.constantFrom(undefined, 'refund', 'reroute') as fc.Arbitrary<CaseSpec['choice']>,
    volunteer: fc.option(fc.boolean(), { nil: undefined }),
    fx: fc.option(fc.constantFrom({ 'EUR/TRY': '35.5' }, { 'EUR/TRY': '36.12345678' }), { nil: undefined }),
  })
  .map(({ r, ...s }) => ({ ...s, route: r[0], carrier: r[1] }));

/** Every money figure configured anywhere in the bundled documents, and every percentage (basis points). */
function configured(): { values: Set<number>; percents: Set<number> } {
  const values = new Set<number>();
  const percents = new Set<number>([10000]);
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      for (const k of ['fixed', 'cap']) if (typeof o[k] === 'number') values.add(o[k] as number);
      for (const k of ['fixedByDate', 'capByDate'])
        if (Array.isArray(o[k])) for (const v of o[k] as { value: number }[]) values.add(v.value);
      for (const k of ['percentOfFare', 'percent']) if (typeof o[k] === 'number') percents.add(o[k] as number);
      Object.values(o).forEach(walk);
    }
  };
  walk(DEFAULT_POLICY_DOCUMENTS as PolicyDocument[]);
  return { values, percents };
}
const CONF = configured();

function convertHalfUp(minor: number, rate: string): number {
  const [i, f = ''] = rate.split('.');
  const scale = 10n ** BigInt(f.length);
  const num = BigInt(minor) * BigInt(i! + f);
  const q = num / scale;
  return Number((num % scale) * 2n >= scale ? q + 1n : q);
}

describe.each(REGIMES)(
  '$regime ($currency, $route): longer arrival delay never lowers the cash amount',
  ({ regime, route, carrier, kinds }) => {
    it('monotone in the arrival delay', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...kinds),
          fc.integer({ min: 0, max: 1500 }),
          fc.integer({ min: 0, max: 1500 }),
          fc.constantFrom(...CAUSES),
          fc.option(fc.integer({ min: 0, max: 20 * 1440 }), { nil: undefined }),
          fc.integer({ min: 0, max: 400000 }),
          dateArb,
          (kind, a, extra, cause, notice, fare, date) => {
            const base: CaseSpec = {
              route,
              carrier,
              kind,
              cause,
              notice,
              date,
              fare: [fare, regime === 'US_DOT' || regime === 'goodwill' ? 'USD' : regime === 'IN_CAR' ? 'INR' : 'EUR'],
              fx: { 'EUR/TRY': '35.5' },
              dep: 60,
            };
            // For cancellations and denied boarding the arrival delay is the re-routing's arrival.
            const at = (m: number): CaseSpec =>
              kind === 'DELAY' ? { ...base, arr: m } : { ...base, reroute: { dep: Math.max(0, m - 30), arr: m } };
            const c1 = parseClaimCase(rawCase(at(a)));
            const c2 = parseClaimCase(rawCase(at(a + extra)));
            expect(payableCash(evaluate(c2, P), regime)).toBeGreaterThanOrEqual(payableCash(evaluate(c1, P), regime));
          },
        ),
        { numRuns: RUNS },
      );
    });
  },
);

describe('every amount is a configured amount, a configured percentage of one, of the fare, or a cap', () => {
  it.each(CURRENCIES)('%s', (currency) => {
    let seen = 0;
    fc.assert(
      fc.property(specArb, (spec) => {
        const c = parseClaimCase(rawCase(spec));
        const d = evaluate(c, P);
        for (const e of d.entitlements) {
          if (!e.amount || e.amount.currency !== currency) continue;
          seen++;
          const v = e.amount.amountMinor;
          const candidates = new Set<number>();
          for (const base of CONF.values) {
            candidates.add(base);
            for (const bp of CONF.percents) candidates.add(percentOf({ amountMinor: base, currency }, bp).amountMinor);
          }
          if (c.fare) for (const bp of CONF.percents) candidates.add(percentOf(c.fare, bp).amountMinor);
          const rate = c.fxRates?.['EUR/TRY'];
          if (currency === 'TRY' && rate) for (const x of [...candidates]) candidates.add(convertHalfUp(x, rate));
          expect(candidates.has(v), `${e.regime} ${e.type} ${v} ${currency}`).toBe(true);
        }
      }),
      { numRuns: RUNS * 2 },
    );
    expect(seen).toBeGreaterThanOrEqual(0);
  });
});

describe('determinism and totality', () => {
  it('same input → same decision; never throws on schema-valid input; JSON-serialisable', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const c = parseClaimCase(rawCase(spec));
        const d1 = evaluate(c, P);
        const d2 = evaluate(parseClaimCase(JSON.stringify(rawCase(spec))), P);
        expect(d2).toEqual(d1);
        expect(JSON.parse(JSON.stringify(d1))).toEqual(d1);
        expect(d1.needsReview.join(' ')).not.toContain('internal error');
        for (const e of d1.entitlements) {
          if (e.amount) expect(Number.isSafeInteger(e.amount.amountMinor) && e.amount.amountMinor >= 0).toBe(true);
          expect(e.clauses.length).toBeGreaterThan(0);
        }
        for (const t of d1.totals) expect(Number.isSafeInteger(t.amountMinor)).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('schema-invalid input is rejected with an error naming the path', () => {
  const mutations: [string, (c: Record<string, unknown>) => void][] = [
    ['kind', (c) => (c.kind = 'LATE')],
    ['segments[0].origin', (c) => ((c.segments as Record<string, unknown>[])[0]!.origin = 'fr')],
    ['segments[0].carrier', (c) => ((c.segments as Record<string, unknown>[])[0]!.carrier = 'LUFT')],
    ['segments[0].scheduledArrival', (c) => ((c.segments as Record<string, unknown>[])[0]!.scheduledArrival = 12)],
    ['notifiedAt', (c) => (c.notifiedAt = '2025-13-01')],
    ['fare.currency', (c) => (c.fare = { amountMinor: 100, currency: 'eu' })],
    ['fare.amountMinor', (c) => (c.fare = { amountMinor: -1, currency: 'EUR' })],
    ['cause.extraordinaryMinutes', (c) => (c.cause = { code: 'X', extraordinaryMinutes: 1.5 })],
    ['reroute.arrival', (c) => (c.reroute = { departure: '2025-01-01T00:00:00Z' })],
    ['choice', (c) => (c.choice = 'cash')],
  ];
  it('for every mutation of a valid case', () => {
    fc.assert(
      fc.property(specArb, fc.constantFrom(...mutations), (spec, [pathText, mutate]) => {
        const raw = rawCase(spec);
        mutate(raw);
        let err: unknown;
        try {
          parseClaimCase(raw);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PolicyInputError);
        expect((err as PolicyInputError).issues.map((i) => i.path)).toContain(pathText);
        expect((err as Error).message).toContain(pathText);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fast ISO-8601 instant parsing agrees with Date.parse', () => {
  it('for every instant the schema admits', async () => {
    const { isoMs } = await import('../../../src/shared/policy/engine.js');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2200-12-31T23:59:59Z') }),
        fc.constantFrom('Z', '+00:00', '+05:30', '-08:00', '+14:00', '-12:00'),
        fc.constantFrom(0, 1, 2, 3),
        (t, zone, fracDigits) => {
          const base = new Date(t).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
          const frac = fracDigits ? `.${base.slice(20, 20 + fracDigits)}` : '';
          const s = `${base.slice(0, 19)}${frac}${zone}`;
          expect(isoMs(s)).toBe(Date.parse(s));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fast claim-case parser agrees with the zod schema', () => {
  it('whenever it accepts, it returns exactly what ClaimCaseSchema returns; it accepts every generated valid case', async () => {
    const { fastClaimCase } = await import('../../../src/shared/policy/fastparse.js');
    const { ClaimCaseSchema } = await import('../../../src/shared/policy/schema.js');
    const junk = fc.constantFrom<unknown>(
      null,
      1,
      -1,
      1.5,
      'x',
      '',
      true,
      [],
      {},
      'ABC',
      '2025-01-01',
      '2025-01-01T00:00:00Z',
      { code: null },
      { amountMinor: 1, currency: 'EUR' },
    );
    const keys = [
      'kind',
      'caseId',
      'tier',
      'fare',
      'cabinBooked',
      'disruptedSegment',
      'cause',
      'notifiedAt',
      'departureDelayMinutes',
      'arrivalDelayMinutes',
      'reroute',
      'choice',
      'volunteer',
      'overnight',
      'fxRates',
      'compensatedElsewhere',
      'extra',
    ];
    const segKeys = [
      'carrier',
      'flightNumber',
      'origin',
      'destination',
      'scheduledDeparture',
      'scheduledArrival',
      'actualDeparture',
      'actualArrivalDoorOpen',
      'seats',
      'marketingCarrier',
    ];
    fc.assert(
      fc.property(
        specArb,
        fc.option(fc.tuple(fc.constantFrom(...keys), junk)),
        fc.option(fc.tuple(fc.constantFrom(...segKeys), junk)),
        (spec, top, seg) => {
          const raw = rawCase(spec);
          if (top) raw[top[0]] = top[1];
          if (seg) (raw.segments as Record<string, unknown>[])[0]![seg[0]] = seg[1];
          const fast = fastClaimCase(raw);
          const ref = ClaimCaseSchema.safeParse(raw);
          if (fast) {
            expect(ref.success).toBe(true);
            expect(fast).toStrictEqual(ref.data);
          }
          if (!top && !seg) expect(fast).not.toBeNull();
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('explanation money formatting', () => {
  it('matches money.formatMoney', async () => {
    const { formatMoney } = await import('../../../src/shared/money.js');
    const { explainDecision } = await import('../../../src/shared/policy/explain.js');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.constantFrom(...CURRENCIES, 'JPY', 'KWD'),
        (minor, currency) => {
          const d = evaluate(parseClaimCase(rawCase({ route: 'FRA-JFK', arr: 300, cause: 'MECHANICAL' })), P);
          const text = explainDecision({ ...d, totals: [{ amountMinor: minor, currency }] });
          expect(text).toContain(`Total payable: ${formatMoney({ amountMinor: minor, currency })}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fast datetime check agrees with the zod datetime format', () => {
  it('on valid, near-valid and broken instants', async () => {
    const { fastClaimCase } = await import('../../../src/shared/policy/fastparse.js');
    const { ClaimCaseSchema } = await import('../../../src/shared/policy/schema.js');
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const instant = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.integer({ min: 0, max: 61 }),
          fc.constantFrom('', '.', '.5', '.123', '.1234567'),
          fc.constantFrom('Z', 'z', '+00:00', '-05:30', '+24:00', '+05:60', '+0530', '', ' Z'),
        )
        .map(
          ([y, mo, d, h, mi, s, f, z]) =>
            `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${f}${z}`,
        ),
      fc
        .array(fc.oneof(digit, fc.constantFrom('-', ':', 'T', 'Z', '.', '+')), { minLength: 15, maxLength: 30 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(instant, (t) => {
        const raw = rawCase({ route: 'FRA-JFK' });
        (raw.segments as Record<string, unknown>[])[0]!.actualDeparture = t;
        const fast = fastClaimCase(raw);
        const ref = ClaimCaseSchema.safeParse(raw);
        expect(fast !== null, t).toBe(ref.success);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('fast code checks agree with the zod patterns', () => {
  it('carrier, flight number, airport and currency codes', async () => {
    const { fastClaimCase } = await import('../../../src/shared/policy/fastparse.js');
    const { ClaimCaseSchema } = await import('../../../src/shared/policy/schema.js');
    const ch = fc.constantFrom(...'AZaz09 5Q-'.split(''), 'É');
    const code = fc.array(ch, { minLength: 0, maxLength: 6 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.constantFrom('carrier', 'flightNumber', 'origin', 'marketingCarrier', 'currency'),
        code,
        (field, v) => {
          const raw = rawCase({ route: 'FRA-JFK', fare: [100, 'EUR'] });
          if (field === 'currency') raw.fare = { amountMinor: 100, currency: v };
          else (raw.segments as Record<string, unknown>[])[0]![field] = v;
          if (field === 'origin') (raw.segments as Record<string, unknown>[])[0]!.destination = 'JFK';
          expect(fastClaimCase(raw) !== null, `${field}=${v}`).toBe(ClaimCaseSchema.safeParse(raw).success);
        },
      ),
      { numRuns: 4000 },
    );
  });
});

describe('percentages in the engine equal money.percentOf', () => {
  it('for amounts and basis points in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 40000 }), (minor, bp) => {
        const d = evaluate(
          parseClaimCase(rawCase({ route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [minor, 'USD'] })),
          P,
        );
        const cash = d.entitlements.find((e) => e.regime === 'US_DOT' && e.type === 'cash')!;
        expect(cash.amount!.amountMinor).toBe(
          Math.min(percentOf({ amountMinor: minor, currency: 'USD' }, 40000).amountMinor, 215000),
        );
        expect(bp).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

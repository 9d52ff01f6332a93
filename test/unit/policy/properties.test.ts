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

/**
 * needsReview never contradicts an explanation (issue #9): a review item that says a datum is missing or
 * unknown never sits beside an entitlement whose clauses used that datum as an input.
 * Review item (prefix) → the clause inputs that datum feeds; an input counts as used when it is not null.
 */
const REVIEW_DATUM: [prefix: RegExp, used: (inputs: Record<string, unknown>) => boolean][] = [
  [/^arrival time at the final destination/, (i) => i.arrivalDelayMin != null || i.compensableDelayMin != null],
  [/^expected or actual departure time/, (i) => i.departureDelayMin != null],
  [/^time the passenger was informed/, (i) => i.noticeMin != null],
  [/^re-routing offered \(reroute\.arrival\)/, (i) => i.rerouteArrivalDelayMin != null],
  [
    /^re-routing offered \(reroute\.departure\)/,
    (i) => i.rerouteDepartureAdvanceMin != null || i.rerouteDepartureDelayMin != null,
  ],
  [/^distance \(airport coordinates\)/, (i) => i.distanceKm != null],
  [/^scheduled block time/, (i) => i.blockMin != null],
  [/^whether the passenger must stay overnight/, (i) => typeof i.nights === 'number' && i.nights >= 0],
  // `fare in GBP …` / `fare (needed for 30% of the fare in GBP)`: the fare in that currency (another
  // regime may well use the booking's fare in its own currency).
  [/^fare/, (i) => i.fareMinor != null],
  [/^cause of the disruption|^cause code/, (i) => i.causeCategory != null && i.causeCategory !== 'unknown'],
  [/large or small carrier|amount that depends on the carrier's size/, (i) => i.carrierSize != null],
];
/** Review items that name no datum an entitlement could use (scope undecided, caveats). */
const NOT_A_DATUM = [
  /^airport \w+ not in reference data/,
  /^carrier \w+ .*: whether .* applies/,
  /^door-open arrival time of .* missing: on-block time used/,
  /^amount table has no value in force/,
];

describe('needsReview never names a datum that an entitlement used (no contradiction with the explanation)', () => {
  const sparseArb = fc
    .record({
      spec: specArb,
      carrier: fc.constantFrom(undefined, 'X9', '5T', 'A3'),
      arrivalMinutes: fc.option(fc.integer({ min: -60, max: 1500 }), { nil: undefined, freq: 4 }),
      departureMinutes: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined, freq: 4 }),
      overnight: fc.option(fc.boolean(), { nil: undefined }),
      crossFx: fc.option(fc.constantFrom({ 'EUR/GBP': '0.85' }, { 'GBP/EUR': '1.2' }, { 'USD/EUR': '0.9' }), {
        nil: undefined,
      }),
    })
    .map(({ spec, carrier, arrivalMinutes, departureMinutes, overnight, crossFx }) => {
      const raw = rawCase(carrier ? { ...spec, carrier } : spec);
      if (arrivalMinutes !== undefined) raw.arrivalDelayMinutes = arrivalMinutes;
      if (departureMinutes !== undefined) raw.departureDelayMinutes = departureMinutes;
      if (overnight !== undefined) raw.overnight = overnight;
      if (crossFx) raw.fxRates = { ...((raw.fxRates as Record<string, string>) ?? {}), ...crossFx };
      return raw;
    });

  it('for generated cases with data missing at random', () => {
    fc.assert(
      fc.property(sparseArb, (raw) => {
        const d = evaluate(parseClaimCase(raw), P);
        for (const item of d.needsReview) {
          const datum = REVIEW_DATUM.find(([re]) => re.test(item));
          if (!datum) {
            const rateKey = /^exchange rate ([A-Z]{3}\/[A-Z]{3})/.exec(item)?.[1];
            if (rateKey) {
              for (const e of d.entitlements)
                for (const c of e.clauses)
                  expect(c.inputs.rateKey, `${item} | ${e.regime} ${e.type} ${c.id}`).not.toBe(rateKey);
              continue;
            }
            expect(
              NOT_A_DATUM.some((re) => re.test(item)),
              `review item names no known datum: ${item}`,
            ).toBe(true);
            continue;
          }
          const fareCurrency = /^fare.*? in ([A-Z]{3})\b/.exec(item)?.[1];
          for (const e of d.entitlements)
            for (const c of e.clauses)
              if (!fareCurrency || e.amount?.currency === fareCurrency)
                expect(
                  datum[1](c.inputs),
                  `"${item}" beside ${e.regime} ${e.type} ${c.id} ${JSON.stringify(c.inputs)}`,
                ).toBe(false);
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('ISO-8601 instants are read as Date.parse reads them', () => {
  it('for every instant the schema admits', async () => {
    const { isoMs } = await import('../../../src/shared/policy/engine.js');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2200-12-31T23:59:59Z') }),
        fc.constantFrom('Z', '+00:00', '+05:30', '-08:00', '+14:00', '-12:00'),
        fc.constantFrom(0, 1, 2, 3, 6),
        fc.boolean(),
        (t, zone, fracDigits, withSeconds) => {
          const base = new Date(t).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
          const frac = fracDigits ? `.${`${base.slice(20, 23)}123`.slice(0, fracDigits)}` : '';
          const s = withSeconds ? `${base.slice(0, 19)}${frac}${zone}` : `${base.slice(0, 16)}${zone}`;
          expect(isoMs(s)).toBe(Date.parse(s));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('falls back to Date.parse on anything else', async () => {
    const { isoMs } = await import('../../../src/shared/policy/engine.js');
    for (const s of ['2025-06-10', '2025-06-10T08:00', '2025-13-10T08:00:00Z', '2025-06-10T08:00:00+0530', 'x'])
      expect(isoMs(s)).toEqual(Date.parse(s));
  });
});

describe('parseClaimCase returns one object shape with every schema field', () => {
  it('case and segment keys are exactly the schema keys, in one order, whatever the input had', async () => {
    const { ClaimCaseSchema, SegmentSchema } = await import('../../../src/shared/policy/schema.js');
    fc.assert(
      fc.property(specArb, (spec) => {
        const c = parseClaimCase(rawCase(spec));
        expect(Object.keys(c).sort()).toEqual(Object.keys(ClaimCaseSchema.shape).sort());
        for (const s of c.segments) expect(Object.keys(s).sort()).toEqual(Object.keys(SegmentSchema.shape).sort());
        expect(Object.keys(c)).toEqual(Object.keys(parseClaimCase(rawCase({ route: 'FRA-JFK' }))));
      }),
      { numRuns: RUNS },
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  defaultPolicySet,
  evaluate,
  parseClaimCase,
  parsePolicySet,
  type Decision,
} from '../../../src/shared/policy/index.js';
import { allClauseIds, entitlement, payableCash, rawCase, type CaseSpec } from './helpers.js';

/**
 * Issue #9: precedence between regimes (RULES.md 1.3: APPR yields when the passenger is compensated under
 * another regime; 1.2/1.10: one primary regime, Art 12 deduction) and the Art 12 deduction across
 * currencies (converted at the case's exchange rate, never a wipe-out).
 */

const P = defaultPolicySet();

function decide(spec: CaseSpec, extra: Record<string, unknown> = {}): Decision {
  return evaluate(parseClaimCase({ ...rawCase(spec), ...extra }), P);
}

interface Exp {
  primary: string | null;
  /** Payable cash per regime, minor units (0 = nothing payable). */
  pays: [regime: string, minor: number, currency?: string][];
  clauses?: string[];
  review?: string;
  noReviewAbout?: string;
}

const CANADA_EU: [string, CaseSpec, Exp][] = [
  [
    // RULES.md 1.1 Art 3(1)(b) (Community carrier into the EU) + 1.3 (APPR: "No APPR compensation if the
    // passenger was already compensated for the same event under another regime").
    'YUL→CDG on AF (EU carrier), 10 h: EU261 Art 3(1)(b) pays €600, APPR yields (RULES.md 1.3)',
    { route: 'YUL-CDG', carrier: 'AF', arr: 600, cause: 'MECHANICAL' },
    {
      primary: 'EU261',
      pays: [
        ['EU261', 60000, 'EUR'],
        ['APPR', 0],
      ],
      clauses: ['EU261.3.1.b', 'APPR.OTHER_REGIME', 'APPR.19.BAR'],
    },
  ],
  [
    'YYZ→FRA on LH, 5 h: EU261 €600, APPR $700 not paid on top (RULES.md 1.3)',
    { route: 'YYZ-FRA', carrier: 'LH', arr: 300, cause: 'MECHANICAL' },
    {
      primary: 'EU261',
      pays: [
        ['EU261', 60000, 'EUR'],
        ['APPR', 0],
      ],
      clauses: ['APPR.OTHER_REGIME', 'APPR.19.BAR'],
    },
  ],
  [
    'YUL→CDG on AF, 3 h 20: EU261 Sturgeon para 63 €300, APPR $400 yields',
    { route: 'YUL-CDG', carrier: 'AF', arr: 200, cause: 'MECHANICAL' },
    {
      primary: 'EU261',
      pays: [
        ['EU261', 30000, 'EUR'],
        ['APPR', 0],
      ],
      clauses: ['APPR.OTHER_REGIME'],
    },
  ],
  [
    'YUL→CDG on AC (not a Community carrier): EU261 out of scope (Art 3(1)(b)), APPR pays $1,000',
    { route: 'YUL-CDG', carrier: 'AC', arr: 600, cause: 'MECHANICAL' },
    { primary: 'APPR', pays: [['APPR', 100000, 'CAD']] },
  ],
  [
    'YYZ→LHR on BA (UK carrier), 5 h: UK261 Art 3(1)(b) pays £520, APPR yields (RULES.md 1.2, 1.3)',
    { route: 'YYZ-LHR', carrier: 'BA', arr: 300, cause: 'MECHANICAL' },
    {
      primary: 'UK261',
      pays: [
        ['UK261', 52000, 'GBP'],
        ['APPR', 0],
      ],
      clauses: ['UK261.3.1.b', 'APPR.OTHER_REGIME'],
    },
  ],
  [
    'YYZ→LHR on JC (demo, Canadian carrier): neither UK261 nor EU261, APPR pays $700',
    { route: 'YYZ-LHR', carrier: 'JC', arr: 400, cause: 'MECHANICAL' },
    { primary: 'APPR', pays: [['APPR', 70000, 'CAD']] },
  ],
  [
    'CDG→YYZ on JE (demo, EU carrier): EU261 Art 3(1)(a) primary, APPR barred',
    { route: 'CDG-YYZ', carrier: 'JE', arr: 600, cause: 'MECHANICAL' },
    {
      primary: 'EU261',
      pays: [
        ['EU261', 60000, 'EUR'],
        ['APPR', 0],
      ],
      clauses: ['APPR.19.BAR'],
    },
  ],
  [
    'YUL→CDG on AF, 2 h late: EU261 pays nothing, so APPR has nothing to yield to (and pays nothing below 3 h)',
    { route: 'YUL-CDG', carrier: 'AF', arr: 120, cause: 'MECHANICAL' },
    {
      primary: 'APPR',
      pays: [
        ['EU261', 0],
        ['APPR', 0],
      ],
    },
  ],
];

const ART12_FX: [string, CaseSpec, Record<string, unknown>, Exp][] = [
  [
    'CDG→LHR on AF: EU261 €250 primary; UK261 £220 minus €250 at EUR/GBP 0.85 (£212.50) → £7.50',
    { route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL', fx: { 'EUR/GBP': '0.85' } },
    {},
    {
      primary: 'EU261',
      pays: [
        ['EU261', 25000, 'EUR'],
        ['UK261', 750, 'GBP'],
      ],
      clauses: ['UK261.12'],
      noReviewAbout: 'exchange rate',
    },
  ],
  [
    'the inverse rate GBP/EUR serves as well (€250 ÷ 1.17647059 = £212.50) → £7.50',
    { route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL', fx: { 'GBP/EUR': '1.17647059' } },
    {},
    {
      primary: 'EU261',
      pays: [
        ['EU261', 25000, 'EUR'],
        ['UK261', 750, 'GBP'],
      ],
    },
  ],
  [
    'LHR→CDG on AF: UK261 £220 primary; EU261 €250 minus £220 at GBP/EUR 1.10 (€242) → €8',
    { route: 'LHR-CDG', carrier: 'AF', arr: 190, cause: 'MECHANICAL', fx: { 'GBP/EUR': '1.10' } },
    {},
    {
      primary: 'UK261',
      pays: [
        ['UK261', 22000, 'GBP'],
        ['EU261', 800, 'EUR'],
      ],
      clauses: ['EU261.12'],
    },
  ],
  [
    'LHR→CDG on AF at GBP/EUR 1.20: £220 = €264 ≥ €250 → fully deducted by the conversion',
    { route: 'LHR-CDG', carrier: 'AF', arr: 190, cause: 'MECHANICAL', fx: { 'GBP/EUR': '1.20' } },
    {},
    {
      primary: 'UK261',
      pays: [
        ['UK261', 22000, 'GBP'],
        ['EU261', 0],
      ],
    },
  ],
  [
    'no exchange rate: the deduction waits for review (named), the amount is kept, never wiped to zero',
    { route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL' },
    {},
    {
      primary: 'EU261',
      pays: [
        ['EU261', 25000, 'EUR'],
        ['UK261', 0],
      ],
      review: 'exchange rate EUR/GBP (fxRates) to deduct the EU261 compensation from UK',
    },
  ],
  [
    'compensation paid elsewhere in USD, FRA→JFK €600 minus $200 at USD/EUR 0.90 (€180) → €420',
    { route: 'FRA-JFK', carrier: 'LH', arr: 300, cause: 'MECHANICAL', fx: { 'USD/EUR': '0.90' } },
    { compensatedElsewhere: [{ regime: 'US_DOT', amount: { amountMinor: 20000, currency: 'USD' } }] },
    { primary: 'EU261', pays: [['EU261', 42000, 'EUR']], clauses: ['EU261.12'] },
  ],
  [
    'YUL→CDG on AF after APPR already paid CA$1,000 (RULES.md 1.1 Art 3(1)(b) proviso): €600 minus €680 at CAD/EUR 0.68 → nothing more',
    { route: 'YUL-CDG', carrier: 'AF', arr: 600, cause: 'MECHANICAL', fx: { 'CAD/EUR': '0.68' } },
    { compensatedElsewhere: [{ regime: 'APPR', amount: { amountMinor: 100000, currency: 'CAD' } }] },
    { primary: 'EU261', pays: [['EU261', 0]], clauses: ['EU261.12'] },
  ],
];

function check(d: Decision, exp: Exp): void {
  expect(d.primaryRegime).toBe(exp.primary);
  for (const [regime, minor, currency] of exp.pays) {
    expect(payableCash(d, regime), regime).toBe(minor);
    if (currency) expect(entitlement(d, regime, 'cash')!.amount!.currency).toBe(currency);
  }
  for (const id of exp.clauses ?? []) expect(allClauseIds(d)).toContain(id);
  if (exp.review) expect(d.needsReview.join(' | ')).toContain(exp.review);
  if (exp.noReviewAbout) expect(d.needsReview.join(' | ')).not.toContain(exp.noReviewAbout);
  expect(d.totals.every((t) => t.amountMinor > 0)).toBe(true);
}

describe('Canada–EU/UK precedence: APPR yields to a paying regime (reference precedence.yields; RULES.md 1.3)', () => {
  it.each(CANADA_EU)('%s', (_name, spec, exp) => check(decide(spec), exp));

  it('the yield is a rule in the reference document, not code', () => {
    const a = P.at('2025-06-10T08:00:00Z');
    expect(a.yields.find((y) => y.regime === 'APPR')?.to).toEqual(expect.arrayContaining(['EU261', 'UK261']));
    const d = decide({ route: 'YUL-CDG', carrier: 'AF', arr: 600, cause: 'MECHANICAL' });
    expect(d.primaryReason).toContain('APPR.OTHER_REGIME');
    const appr = d.regimes.find((r) => r.regime === 'APPR')!;
    expect(appr.clauses.find((c) => c.id === 'APPR.OTHER_REGIME')?.inputs.yieldsTo).toBe('EU261');
  });

  it('without the yield rule the scope ranks decide (APPR departure rank 0 would win): the rule is what changes it', () => {
    const docs = P.raw.map((doc) =>
      doc.id === 'reference' && doc.precedence && !Array.isArray(doc.precedence)
        ? { ...doc, version: `${doc.version}-noyield`, precedence: doc.precedence.order }
        : doc,
    );
    const noYield = parsePolicySet(docs);
    const d = evaluate(
      parseClaimCase(rawCase({ route: 'YUL-CDG', carrier: 'AF', arr: 600, cause: 'MECHANICAL' })),
      noYield,
    );
    expect(d.primaryRegime).toBe('APPR');
  });
});

describe('Art 12 deduction across currencies is converted at the case rate, never a wipe-out', () => {
  it.each(ART12_FX)('%s', (_name, spec, extra, exp) => check(decide(spec, extra), exp));

  it('the deduction clause carries the rate, the converted amount and what remains', () => {
    const d = decide({ route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL', fx: { 'EUR/GBP': '0.85' } });
    const c = entitlement(d, 'UK261', 'cash')!.clauses.find((x) => x.id === 'UK261.12')!;
    expect(c.inputs).toMatchObject({
      otherRegime: 'EU261',
      otherMinor: 25000,
      otherCurrency: 'EUR',
      rateKey: 'EUR/GBP',
      rate: '0.85',
      otherConvertedMinor: 21250,
      ownMinor: 22000,
      remainingMinor: 750,
    });
    expect(c.reason).not.toContain('fully offset');
  });

  it('without a rate the UK261 amount stays £220 (not payable until reviewed)', () => {
    const d = decide({ route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL' });
    const e = entitlement(d, 'UK261', 'cash')!;
    expect(e.amount).toEqual({ amountMinor: 22000, currency: 'GBP' });
    expect(e.payable).toBe(false);
  });
});

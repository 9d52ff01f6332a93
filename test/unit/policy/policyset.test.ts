import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_DOCUMENTS,
  PolicyInputError,
  defaultPolicySet,
  evaluate,
  parseClaimCase,
  parsePolicySet,
} from '../../../src/shared/policy/index.js';
import { entitlement, makeCase, payableCash, rawCase } from './helpers.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;

describe('data-only test regime (fixtures/test-regime.json)', () => {
  const p = parsePolicySet([...DEFAULT_POLICY_DOCUMENTS, fixture('test-regime.json')]);
  // AKL–WLG 481 km (SHORT), AKL–NRT 8,800 km (LONG)
  it.each([
    [
      'strictly over 2 h on a short flight, 2024 amount',
      { route: 'AKL-WLG', carrier: 'NZ', date: '2024-05-01T01:00:00Z', arr: 121, cause: 'MECHANICAL' },
      10000,
      'TEST.3.a',
    ],
    [
      'same case in 2025 takes the effective-dated amount',
      { route: 'AKL-WLG', carrier: 'NZ', date: '2025-05-01T01:00:00Z', arr: 121, cause: 'MECHANICAL' },
      12000,
      'TEST.3.a',
    ],
    [
      'exactly 2 h 00 is not strictly more',
      { route: 'AKL-WLG', carrier: 'NZ', date: '2025-05-01T01:00:00Z', arr: 120, cause: 'MECHANICAL' },
      null,
      'TEST.3.THRESHOLD',
    ],
    [
      'long flight band',
      { route: 'AKL-NRT', carrier: 'NZ', date: '2025-05-01T01:00:00Z', arr: 300, cause: 'MECHANICAL' },
      30000,
      'TEST.3.b',
    ],
    [
      'extraordinary cause exempts',
      { route: 'AKL-NRT', carrier: 'NZ', date: '2025-05-01T01:00:00Z', arr: 300, cause: 'WEATHER' },
      null,
      'TEST.3.EXEMPT',
    ],
    [
      'denied boarding 150 % of fare under the cap',
      { route: 'AKL-WLG', carrier: 'NZ', kind: 'DENIED_BOARDING' as const, fare: [20001, 'NZD'] as [number, string] },
      30002,
      'TEST.4',
    ],
    [
      'denied boarding capped',
      { route: 'AKL-WLG', carrier: 'NZ', kind: 'DENIED_BOARDING' as const, fare: [90000, 'NZD'] as [number, string] },
      50000,
      'TEST.4',
    ],
    [
      'denied boarding reduced to 25 % when re-routed within 1 h',
      {
        route: 'AKL-WLG',
        carrier: 'NZ',
        kind: 'DENIED_BOARDING' as const,
        fare: [20000, 'NZD'] as [number, string],
        reroute: { dep: 30, arr: 59 },
      },
      7500,
      'TEST.5',
    ],
  ])('%s', (_n, spec, minor, clause) => {
    const d = evaluate(makeCase(spec), p);
    const r = d.regimes.find((x) => x.regime === 'TEST_NZ')!;
    expect(r.applies).toBe(true);
    expect(r.policy).toBe('test-ruritania@1.0');
    expect(payableCash(d, 'TEST_NZ')).toBe(minor ?? 0);
    if (minor !== null) expect(entitlement(d, 'TEST_NZ', 'cash')!.amount!.currency).toBe('NZD');
    expect([...r.clauses, ...d.entitlements.flatMap((e) => e.clauses)].map((c) => c.id)).toContain(clause);
    expect(d.policyVersion).toContain('test-ruritania@1.0');
  });

  it('tiered care: GOLD gets the automatic voucher after 61 min, others only from 90 min', () => {
    const gold = evaluate(makeCase({ route: 'AKL-WLG', carrier: 'NZ', dep: 61, tier: 'GOLD', cause: 'WEATHER' }), p);
    expect(entitlement(gold, 'TEST_NZ', 'meal')).toMatchObject({
      amount: { amountMinor: 4000, currency: 'NZD' },
      automatic: true,
    });
    const plain61 = evaluate(makeCase({ route: 'AKL-WLG', carrier: 'NZ', dep: 61, cause: 'WEATHER' }), p);
    expect(entitlement(plain61, 'TEST_NZ', 'meal')).toBeUndefined();
    const plain90 = evaluate(makeCase({ route: 'AKL-WLG', carrier: 'NZ', dep: 90, cause: 'WEATHER' }), p);
    expect(entitlement(plain90, 'TEST_NZ', 'meal')).toMatchObject({
      amount: { amountMinor: 2000, currency: 'NZD' },
      automatic: false,
    });
  });

  it('does not exist in the default set', () => {
    const d = evaluate(makeCase({ route: 'AKL-WLG', carrier: 'NZ', arr: 300 }), defaultPolicySet());
    expect(d.regimes.map((r) => r.regime)).not.toContain('TEST_NZ');
  });
});

describe('future-dated version (EU Council 2025 position, not in force)', () => {
  const p = parsePolicySet([...DEFAULT_POLICY_DOCUMENTS, fixture('eu261-council-2025.json')]);
  const eu = (spec: Parameters<typeof makeCase>[0]) => evaluate(makeCase(spec), p);

  it.each([
    [
      'long-haul 3 h 30 before the date: €300 (Sturgeon)',
      '2098-12-31T10:00:00Z',
      'FRA-JFK',
      210,
      30000,
      'eu261@2024.1',
    ],
    [
      'long-haul 3 h 30 after the date: nothing (needs 6 h)',
      '2099-01-02T10:00:00Z',
      'FRA-JFK',
      210,
      0,
      'eu261@2099.0-council-2025',
    ],
    ['long-haul 6 h after the date: €500', '2099-01-02T10:00:00Z', 'FRA-JFK', 360, 50000, 'eu261@2099.0-council-2025'],
    ['long-haul 6 h before the date: €600', '2098-12-31T10:00:00Z', 'FRA-JFK', 360, 60000, 'eu261@2024.1'],
    ['short-haul 3 h before the date: €250', '2098-12-31T10:00:00Z', 'CDG-AMS', 180, 25000, 'eu261@2024.1'],
    [
      'short-haul 3 h after the date: nothing (needs 4 h)',
      '2099-01-02T10:00:00Z',
      'CDG-AMS',
      180,
      0,
      'eu261@2099.0-council-2025',
    ],
    ['short-haul 4 h after the date: €300', '2099-01-02T10:00:00Z', 'CDG-AMS', 240, 30000, 'eu261@2099.0-council-2025'],
    [
      'intra-EU 3,895 km 4 h after the date: €300',
      '2099-01-02T10:00:00Z',
      'WAW-FUE',
      240,
      30000,
      'eu261@2099.0-council-2025',
    ],
  ])('%s', (_n, date, route, arr, minor, version) => {
    const d = eu({ route, date, arr, carrier: route === 'CDG-AMS' ? 'AF' : 'LH', cause: 'MECHANICAL' });
    expect(payableCash(d, 'EU261')).toBe(minor);
    expect(d.policyVersion.split('+')).toContain(version);
    expect(d.regimes.find((r) => r.regime === 'EU261')!.policy).toBe(version);
  });

  it('is listed as not in force', () => {
    expect(p.documents.find((x) => x.version === '2099.0-council-2025')!.notInForce).toBe(true);
  });
});

describe('policy set loading', () => {
  it('rejects a different document under a published id+version (immutability)', () => {
    const changed = structuredClone(DEFAULT_POLICY_DOCUMENTS[1]) as { description: string };
    changed.description = 'edited';
    expect(() => parsePolicySet([...DEFAULT_POLICY_DOCUMENTS, changed])).toThrow(
      /eu261@2024\.1 is already published with different content/,
    );
  });

  it('accepts an identical duplicate once and hashes content', () => {
    const p = parsePolicySet([...DEFAULT_POLICY_DOCUMENTS, structuredClone(DEFAULT_POLICY_DOCUMENTS[1])]);
    expect(p.documents.filter((d) => d.id === 'eu261')).toHaveLength(1);
    expect(p.documents.every((d) => /^[0-9a-f]{64}$/.test(d.hash))).toBe(true);
  });

  it('names the path of an invalid field', () => {
    const bad = structuredClone(DEFAULT_POLICY_DOCUMENTS[1]) as { regimes: { currency: string }[] };
    bad.regimes[0]!.currency = 'euro';
    expect(() => parsePolicySet([bad])).toThrow(PolicyInputError);
    expect(() => parsePolicySet([bad])).toThrow(/regimes\[0\]\.currency/);
  });

  it('rejects a reference to an unknown country group', () => {
    const bad = fixture('test-regime.json');
    delete bad.countryGroups;
    expect(() => parsePolicySet([bad])).toThrow(/unknown country group "RURITANIA"/);
  });

  it('exposes role limits and offline caps per role and currency', () => {
    const limits = defaultPolicySet().roleLimits('2025-06-01T00:00:00Z');
    for (const cur of ['EUR', 'GBP', 'CAD', 'USD', 'TRY', 'INR', 'ILS', 'BRL']) {
      expect(limits.agent!.approvalLimit[cur]).toBeGreaterThan(0);
      expect(limits.supervisor!.approvalLimit[cur]).toBeGreaterThan(limits.agent!.approvalLimit[cur]!);
      expect(limits.agent!.offlineCap[cur]).toBeGreaterThan(0);
    }
    expect(limits.admin).toBeDefined();
  });

  it('records the versions that applied and their hashes', () => {
    const d = evaluate(makeCase({ route: 'FRA-JFK', arr: 300, cause: 'MECHANICAL' }), defaultPolicySet());
    expect(d.policies.map((x) => x.id)).toEqual(expect.arrayContaining(['eu261', 'reference', 'goodwill']));
    expect(d.policyDate).toBe('2025-06-10T08:00:00.000Z');
  });
});

describe('claim case parsing', () => {
  it.each([
    [{ ...rawCase({ route: 'FRA-JFK' }), kind: 'LATE' }, 'kind'],
    [
      (() => {
        const c = rawCase({ route: 'FRA-JFK' });
        (c.segments as Record<string, unknown>[])[0]!.origin = 'fra';
        return c;
      })(),
      'segments[0].origin',
    ],
    [
      (() => {
        const c = rawCase({ route: 'FRA-JFK' });
        (c.segments as Record<string, unknown>[])[0]!.scheduledDeparture = 'tomorrow';
        return c;
      })(),
      'segments[0].scheduledDeparture',
    ],
    [{ ...rawCase({ route: 'FRA-JFK' }), fare: { amountMinor: 1.5, currency: 'EUR' } }, 'fare.amountMinor'],
    [{ ...rawCase({ route: 'FRA-JFK' }), segments: [] }, 'segments'],
    [{ ...rawCase({ route: 'FRA-JFK' }), disruptedSegment: 3 }, 'disruptedSegment'],
    [
      (() => {
        const c = rawCase({ route: 'FRA-CDG-JFK' });
        (c.segments as Record<string, unknown>[])[1]!.origin = 'ORY';
        return c;
      })(),
      'segments[1].origin',
    ],
  ])('rejects with the path %#', (raw, pathText) => {
    let err: unknown;
    try {
      parseClaimCase(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyInputError);
    expect((err as PolicyInputError).message).toContain(pathText);
    expect((err as PolicyInputError).path).toBe(pathText);
  });

  it('accepts JSON text and rejects broken JSON', () => {
    expect(parseClaimCase(JSON.stringify(rawCase({ route: 'FRA-JFK' }))).segments).toHaveLength(1);
    expect(() => parseClaimCase('{')).toThrow(/not JSON/);
  });
});

describe('shared outcome objects are never mutated across decisions', () => {
  it('a regime that is primary in one decision is not primary in the next', () => {
    const p = defaultPolicySet();
    const only = evaluate(makeCase({ route: 'MNL-BKK', carrier: 'PR', arr: 300, cause: 'MECHANICAL' }), p);
    expect(only.primaryRegime).toBe('MC99');
    expect(only.regimes.find((r) => r.regime === 'MC99')!.primary).toBe(true);
    const next = evaluate(makeCase({ route: 'FRA-JFK', arr: 300, cause: 'MECHANICAL' }), p);
    expect(next.primaryRegime).toBe('EU261');
    expect(next.regimes.filter((r) => r.primary).map((r) => r.regime)).toEqual(['EU261']);
    const again = evaluate(makeCase({ route: 'MNL-BKK', carrier: 'PR', arr: 300, cause: 'MECHANICAL' }), p);
    expect(again).toEqual(only);
  });
});

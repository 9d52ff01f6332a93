import { describe, expect, it } from 'vitest';
import { demoData } from '../../../backend/src/local/demo/index.js';
import { toClaimCase } from '../../../backend/src/workflows/claim-case.js';
import { defaultPolicySet, evaluate, parseClaimCase } from '../../../src/shared/policy/index.js';
import type { Disruption, Flight } from '../../../src/shared/domain/index.js';
import { entitlement, payableCash } from './helpers.js';

/**
 * Issue #9: the demo network's cancelled London flights show UK261 care (and compensation when the
 * cause is within the carrier's control), evaluated from the demo network's own flight data through the
 * same ClaimCase mapping the backend uses.
 */

const P = defaultPolicySet();
const TODAY = '2026-12-02';
const data = demoData({ today: TODAY, days: 1, passengers: 0 });

function cancel(flight: Flight, causeCode: string): Disruption {
  // Jetway learns of the cancellation 3 h before departure (what the chaos simulation does).
  const detectedAt = new Date(Date.parse(flight.scheduledDeparture) - 3 * 3_600_000).toISOString();
  return {
    id: `D-${flight.id}`,
    flightId: flight.id,
    kind: 'CANCELLATION',
    delayMinutes: 0,
    delayCategory: null,
    causeCode,
    causeDetail: null,
    urgent: true,
    eventIds: ['E1'],
    detectedAt,
    version: 1,
  };
}

function decide(flight: Flight, causeCode: string) {
  const c = toClaimCase({
    caseId: `C-${flight.id}`,
    flight: { ...flight, status: 'CANCELLED' },
    disruption: cancel(flight, causeCode),
    booking: {
      id: 'B1',
      pnr: 'ABC234',
      passengerId: 'P1',
      flightId: flight.id,
      seat: '12A',
      fareClass: 'Y',
      cabin: 'economy',
      fare: { amountMinor: 45000, currency: 'GBP' },
      status: 'CONFIRMED',
      bagsChecked: 0,
      version: 1,
    } as Parameters<typeof toClaimCase>[0]['booking'],
    passenger: null,
  })!;
  return evaluate(parseClaimCase(c), P);
}

const london = data.flights.filter((f) => f.origin === 'LHR' || f.origin === 'MAN');

describe('demo network: cancelled London flights', () => {
  it('the demo network has London departures (JK329 LHR→PHX among them)', () => {
    expect(london.length).toBeGreaterThan(5);
    expect(london.some((f) => f.carrier === 'JK' && f.destination === 'PHX')).toBe(true);
  });

  it('JK LHR→PHX cancelled (crew, within control): UK261 primary, care + £520', () => {
    const f = london.find((x) => x.carrier === 'JK' && x.destination === 'PHX')!;
    const d = decide(f, 'CREW');
    expect(d.primaryRegime).toBe('UK261');
    for (const type of ['meal', 'communication', 'refund_or_reroute'])
      expect(entitlement(d, 'UK261', type), type).toBeDefined();
    expect(payableCash(d, 'UK261')).toBe(52000);
    expect(d.needsReview.join(' | ')).not.toMatch(/carrier JK/);
  });

  it('every London departure of the demo network, cancelled for a within-control cause, gets UK261 care and compensation', () => {
    for (const f of london) {
      const d = decide(f, 'MECHANICAL');
      const name = `${f.carrier}${f.number} ${f.origin}→${f.destination}`;
      expect(d.regimes.find((r) => r.regime === 'UK261')!.applies, name).toBe(true);
      expect(entitlement(d, 'UK261', 'meal'), name).toBeDefined();
      expect(entitlement(d, 'UK261', 'communication'), name).toBeDefined();
      expect(payableCash(d, 'UK261'), name).toBeGreaterThan(0);
    }
  });

  it('cancelled for weather (extraordinary): UK261 care stays, no compensation', () => {
    const f = london.find((x) => x.carrier === 'JK' && x.destination === 'PHX')!;
    const d = decide(f, 'WEATHER');
    expect(entitlement(d, 'UK261', 'meal')).toBeDefined();
    expect(payableCash(d, 'UK261')).toBe(0);
  });
});

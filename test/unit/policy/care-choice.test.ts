import { describe, expect, it } from 'vitest';
import { deriveCaseStatus, type Booking, type Disruption, type Flight } from '../../../src/shared/domain/index.js';
import {
  careUnits,
  checkCare,
  checkIssue,
  defaultPolicySet,
  evaluate,
  maxHotelNights,
  roomGroupId,
  type CareEntitlement,
} from '../../../src/shared/policy/index.js';
import { toClaimCase } from '../../../src/shared/policy/claim-from-domain.js';
import { CaseChoiceRequestSchema, IssueCareInputSchema } from '../../../src/shared/rpc/care-choice.js';
import { COMMAND_PAYLOAD_SCHEMAS } from '../../../src/shared/sync/protocol.js';

// Care types and the passenger's choice (issue #12): the shared rules the desk's main process and
// the server both run (care.ts, controls.ts units, claim-from-domain choice, the payload schemas).

const policy = defaultPolicySet();
const AT = '2026-12-02T10:00:00Z';

const flight: Flight = {
  id: 'SW9012-2026-12-02',
  carrier: 'SW',
  number: '9012',
  origin: 'PHX',
  destination: 'OAK',
  scheduledDeparture: AT,
  scheduledArrival: '2026-12-02T12:00:00Z',
  estimatedDeparture: null,
  estimatedArrival: null,
  actualDeparture: null,
  actualArrivalDoorOpen: null,
  status: 'CANCELLED',
  gate: null,
  terminal: null,
  aircraft: null,
  delayMinutes: 0,
  version: 1,
};
const booking: Booking = {
  id: 'B009',
  pnr: 'YZA567',
  passengerId: 'P009',
  flightId: flight.id,
  seat: '3A',
  fareClass: 'WGA',
  cabin: 'economy',
  fare: { amountMinor: 18900, currency: 'USD' },
  status: 'NEEDS_REBOOKING',
  bagsChecked: 0,
  version: 1,
};
const cancellation: Disruption = {
  id: 'DIS-1',
  flightId: flight.id,
  kind: 'CANCELLATION',
  delayMinutes: 0,
  delayCategory: null,
  causeCode: 'WEATHER',
  causeDetail: null,
  urgent: false,
  eventIds: ['e1'],
  detectedAt: '2026-12-02T07:40:00Z',
  version: 1,
};

const hotel = (carePeriod: string, over: Partial<CareEntitlement> = {}): CareEntitlement => ({
  id: `E-hotel-${carePeriod}`,
  regime: 'goodwill',
  type: 'hotel',
  carePeriod,
  status: 'OFFERED',
  clauses: [{ id: 'GOODWILL.HOTEL' }],
  ...over,
});
const meal: CareEntitlement = { id: 'E-meal', regime: 'goodwill', type: 'meal', carePeriod: 'EVENT', status: 'OFFERED', clauses: [] };
const care = (e: CareEntitlement, c: Parameters<typeof checkCare>[0]['care'], others: CareEntitlement[] = [e], coTravellers: string[] = []) =>
  checkCare({ policy, at: AT, entitlement: e, caseEntitlements: others, care: c, passengerId: 'P009', coTravellers });

describe('care details (care.ts checkCare)', () => {
  it('counts nights for a hotel, transfers for transport, one for anything else', () => {
    expect(careUnits('hotel', { nights: 3 })).toBe(3);
    expect(careUnits('transport', { transfers: 2 })).toBe(2);
    expect(careUnits('meal', { nights: 3 })).toBe(1);
    expect(careUnits('hotel', null)).toBe(1);
  });

  it('refuses details that do not fit the type', () => {
    expect(care(meal, { nights: 2 })).toMatchObject({ ok: false, message: /nights apply to a hotel/ });
    expect(care(hotel('N1'), { transfers: 2 })).toMatchObject({ ok: false, message: /transfers apply to transport/ });
    expect(care(meal, { roomGroup: { id: 'RG-X-P1', passengerIds: ['P010'] } })).toMatchObject({ ok: false });
    expect(care(meal, null)).toEqual({ ok: true, units: 1 });
  });

  it('allows a hotel stay up to the policy maximum (goodwill: 3 nights)', () => {
    expect(maxHotelNights(policy, hotel('N1'), AT)).toBe(3);
    expect(care(hotel('N1'), { nights: 2 })).toEqual({ ok: true, units: 2 });
    expect(care(hotel('N1'), { nights: 3 })).toEqual({ ok: true, units: 3 });
    expect(care(hotel('N1'), { nights: 4 })).toMatchObject({ ok: false, message: /maximum of 3 nights/ });
  });

  it('never counts a night twice: a longer stay goes on the last night entitlement', () => {
    const n1 = hotel('N1');
    const n2 = hotel('N2');
    expect(care(n1, { nights: 2 }, [n1, n2])).toMatchObject({ ok: false, message: /each night as its own/ });
    expect(care(n2, { nights: 2 }, [n1, n2])).toEqual({ ok: true, units: 2 });
    expect(care(n2, { nights: 3 }, [n1, n2])).toMatchObject({ ok: false, message: /4 nights in all/ });
  });

  it('shares a room only with co-travellers of the same booking', () => {
    const rg = (ids: string[]) => ({ id: roomGroupId('YZA567', ['P009', ...ids]), passengerIds: ids });
    expect(care(hotel('N1'), { nights: 2, roomGroup: rg(['P010']) }, undefined, ['P010'])).toEqual({ ok: true, units: 2 });
    expect(care(hotel('N1'), { roomGroup: rg(['P999']) }, undefined, ['P010'])).toMatchObject({ ok: false, message: /not on this booking/ });
    expect(care(hotel('N1'), { roomGroup: rg(['P009']) }, undefined, ['P010'])).toMatchObject({ ok: false, message: /not the passenger themself/ });
    expect(roomGroupId('YZA567', ['P010', 'P009'])).toBe(roomGroupId('YZA567', ['P009', 'P010']));
  });

  it('the money rules count the value times the units (approval limit, offline cap, confirmation)', () => {
    const ent = { regime: 'goodwill', type: 'hotel', amount: { amountMinor: 15000, currency: 'USD' } };
    const conf = { paymentMethod: 'in_kind_voucher', passengerAgreement: null };
    const base = { policy, at: AT, role: 'agent' as const, entitlement: ent, offline: false, issuedTodayMinor: 0, confirmation: conf };
    expect(checkIssue({ ...base, units: 2 })).toEqual({ ok: true, value: { amountMinor: 30000, currency: 'USD' } });
    // Agent approval limit 500 USD: 4 nights (600 USD) need a supervisor.
    expect(checkIssue({ ...base, units: 4 })).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
    // Daily limit counts the units too.
    expect(checkIssue({ ...base, units: 3, issuedTodayMinor: 2_250_00 })).toMatchObject({ ok: false, code: 'DAILY_LIMIT_EXCEEDED' });
    expect(checkIssue({ ...base, units: 1, offline: true })).toMatchObject({ ok: false, code: 'OFFLINE_CAP_EXCEEDED' });
    // A transport voucher of 30 USD needs no confirmation; two transfers (60 USD) are above confirmAbove (50 USD).
    const tr = { ...base, entitlement: { regime: 'goodwill', type: 'transport', amount: { amountMinor: 3000, currency: 'USD' } }, confirmation: null };
    expect(checkIssue({ ...tr, units: 1 })).toMatchObject({ ok: true });
    expect(checkIssue({ ...tr, units: 2 })).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
  });
});

describe('the passenger’s choice in the claim (claim-from-domain)', () => {
  const decide = (choice: 'refund' | 'rebook' | null) =>
    evaluate(toClaimCase({ caseId: 'C1', flight, disruption: cancellation, booking, passenger: null, choice })!, policy);

  it('refund makes the US DOT automatic refund appear (14 CFR 260.6), of the full fare', () => {
    expect(decide(null).entitlements.find((e) => e.type === 'refund')).toBeUndefined();
    const refund = decide('refund').entitlements.find((e) => e.type === 'refund' && e.regime === 'US_DOT');
    expect(refund).toBeDefined();
    expect(refund!.amount).toEqual({ amountMinor: 18900, currency: 'USD' });
    expect(refund!.clauses.some((c) => c.id === 'US.260.6.CANCELLED' && c.inputs?.choice === 'refund')).toBe(true);
  });

  it('rebook is a re-route: no refund', () => {
    expect(decide('rebook').entitlements.find((e) => e.type === 'refund')).toBeUndefined();
  });

  it('meals are one entitlement per care period, not unlimited', () => {
    const delayed = evaluate(
      {
        caseId: 'C2',
        passengerId: 'P1',
        tier: null,
        fare: { amountMinor: 30000, currency: 'EUR' },
        cabinBooked: 'economy',
        segments: [
          {
            carrier: 'LH',
            flightNumber: '400',
            origin: 'FRA',
            destination: 'JFK',
            scheduledDeparture: '2026-12-02T10:00:00Z',
            scheduledArrival: '2026-12-02T18:00:00Z',
            expectedDeparture: '2026-12-04T10:00:00Z',
          },
        ],
        disruptedSegment: 0,
        kind: 'DELAY',
        cause: { code: 'MECHANICAL' },
        departureDelayMinutes: 2880,
      },
      policy,
    );
    const meals = delayed.entitlements.filter((e) => e.type === 'meal' && e.regime === 'EU261');
    const periods = meals.map((m) => m.carePeriod);
    expect(new Set(periods).size).toBe(periods.length);
    expect(meals.length).toBeGreaterThan(1);
    const hotels = delayed.entitlements.filter((e) => e.type === 'hotel' && e.regime === 'EU261').map((h) => h.carePeriod);
    expect(hotels).toEqual(['N1', 'N2']);
  });
});

describe('case status with a recorded choice', () => {
  it('a rebooking-or-refund entitlement is settled by the choice, not by a voucher', () => {
    const ents = [{ status: 'ISSUED' as const, type: 'meal' }, { status: 'OFFERED' as const, type: 'rebooking_or_refund' }];
    expect(deriveCaseStatus({ status: 'IN_PROGRESS', assignee: 'a' }, ents)).toBe('IN_PROGRESS');
    const passengerChoice = {
      choice: 'rebook' as const,
      recordedBy: 'a',
      recordedAt: AT,
      commandId: 'X',
      previous: null,
      reason: null,
    };
    expect(deriveCaseStatus({ status: 'IN_PROGRESS', assignee: 'a', passengerChoice }, ents)).toBe('RESOLVED');
  });
});

describe('payload and RPC schemas (the same zod on the desk and the server)', () => {
  const S = COMMAND_PAYLOAD_SCHEMAS;
  it('keeps a plain issue valid (care optional, default null)', () => {
    expect(S.issueEntitlement.parse({ entitlementId: 'E1' }).care ?? null).toBeNull();
    expect(S.issueEntitlement.parse({ entitlementId: 'E1', care: null }).care).toBeNull();
    expect(S.issueEntitlement.parse({ entitlementId: 'E1', care: { nights: 2 } }).care).toEqual({ nights: 2 });
  });
  it('refuses hostile care details', () => {
    expect(S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { nights: 0 } }).success).toBe(false);
    expect(S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { nights: 15 } }).success).toBe(false);
    expect(S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { nights: 1.5 } }).success).toBe(false);
    expect(S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { nights: 2, amountMinor: 1 } }).success).toBe(false);
    expect(S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { roomGroup: { id: 'x; drop', passengerIds: [] } } }).success).toBe(false);
    expect(
      S.issueEntitlement.safeParse({ entitlementId: 'E1', care: { roomGroup: { id: 'RG-A-P1', passengerIds: ['P2', 'P2'] } } }).success,
    ).toBe(false);
    expect(IssueCareInputSchema.safeParse({ nights: 2, shareWith: Array(9).fill('P') }).success).toBe(false);
  });
  it('a choice is refund or rebook, nothing else, no extra fields', () => {
    expect(S.recordChoice.parse({ caseId: 'C1', choice: 'refund' })).toEqual({ caseId: 'C1', choice: 'refund', reason: null });
    expect(S.recordChoice.safeParse({ caseId: 'C1', choice: 'cash' }).success).toBe(false);
    expect(S.recordChoice.safeParse({ caseId: 'C1', choice: 'refund', amount: 1 }).success).toBe(false);
    expect(S.recordChoice.safeParse({ caseId: 'x'.repeat(300), choice: 'refund' }).success).toBe(false);
    expect(CaseChoiceRequestSchema.safeParse({ caseId: 'C1', choice: 'rebook', reason: '  ' }).success).toBe(false);
  });
});

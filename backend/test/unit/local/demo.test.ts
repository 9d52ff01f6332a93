import { describe, expect, it } from 'vitest';
import { BookingSchema, FlightSchema, PassengerSchema } from '../../../../src/shared/domain/entities.js';
import { flightInstanceId } from '../../../../src/shared/domain/ids.js';
import { DEMO_STATIONS, demoData } from '../../../src/local/demo/index.js';
import { createRng } from '../../../src/local/demo/prng.js';
import { localDate, zonedToUtcMs } from '../../../src/local/demo/time.js';

const TODAY = '2026-11-24';
const data = demoData({ today: TODAY, seed: 'test' });

describe('demoData: FlightPulse sample re-dated', () => {
  it('keeps FlightPulse ids P001…P010 and B001…B015', () => {
    expect(data.passengers.slice(0, 10).map((p) => p.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`),
    );
    expect(data.bookings.slice(0, 15).map((b) => b.id)).toEqual(
      Array.from({ length: 15 }, (_, i) => `B${String(i + 1).padStart(3, '0')}`),
    );
  });

  it.each([
    ['SW1234', 'DAL', 'LAX', `${TODAY}T08:00:00Z`, `${TODAY}T10:30:00Z`],
    ['SW5678', 'HOU', 'DEN', `${TODAY}T09:30:00Z`, `${TODAY}T11:45:00Z`],
    ['SW9012', 'PHX', 'OAK', `${TODAY}T10:00:00Z`, `${TODAY}T11:30:00Z`],
    ['SW3456', 'LAS', 'SEA', `${TODAY}T11:15:00Z`, `${TODAY}T13:45:00Z`],
    ['SW7890', 'SAN', 'PDX', `${TODAY}T14:00:00Z`, `${TODAY}T16:15:00Z`],
  ])('%s %s→%s keeps its times of day', (code, origin, destination, dep, arr) => {
    const f = data.flights.find((x) => `${x.carrier}${x.number}` === code && x.scheduledDeparture.startsWith(TODAY));
    expect(f).toMatchObject({ origin, destination, scheduledDeparture: dep, scheduledArrival: arr, carrier: 'SW' });
    // 08:00Z at DAL is 02:00 local on the same date, so the instance is dated today.
    expect(f?.id).toBe(flightInstanceId('SW', code.slice(2), TODAY));
  });

  it('maps bookings to the re-dated flight instances (B001 → SW1234 today, seat 12A)', () => {
    expect(data.bookings[0]).toMatchObject({
      id: 'B001',
      passengerId: 'P001',
      pnr: 'ABC123',
      seat: '12A',
      flightId: `SW1234-${TODAY}`,
    });
    expect(data.bookings.find((b) => b.id === 'B003')?.status).toBe('CHECKED_IN');
  });
});

describe('demoData: generated network', () => {
  it('is deterministic: same seed and day → identical output', () => {
    expect(JSON.stringify(demoData({ today: TODAY, seed: 'test' }))).toBe(JSON.stringify(data));
  });

  it('differs for another seed', () => {
    const other = demoData({ today: TODAY, seed: 'other' });
    expect(JSON.stringify(other.passengers.slice(10, 50))).not.toBe(JSON.stringify(data.passengers.slice(10, 50)));
  });

  it('has the expected scale (~300 flights over today and tomorrow, ~5,000 passengers)', () => {
    expect(data.flights.length).toBeGreaterThanOrEqual(250);
    expect(data.flights.length).toBeLessThanOrEqual(400);
    expect(data.passengers.length).toBe(5010);
    expect(data.bookings.length).toBeGreaterThan(5000);
    const dates = new Set(data.flights.map((f) => f.id.slice(-10)));
    expect([...dates].sort()).toEqual([TODAY, '2026-11-25']);
  });

  it.each(['CDG', 'FRA', 'AMS', 'MAD', 'FCO', 'LHR', 'MAN', 'YYZ', 'YVR', 'PHX', 'DAL', 'OAK'])('serves %s', (iata) => {
    expect(data.flights.some((f) => f.origin === iata)).toBe(true);
    expect(data.flights.some((f) => f.destination === iata)).toBe(true);
  });

  it('every entity parses with the domain schemas; ids are unique', () => {
    for (const f of data.flights) FlightSchema.parse(f);
    for (const p of data.passengers) PassengerSchema.parse(p);
    for (const b of data.bookings) BookingSchema.parse(b);
    expect(new Set(data.flights.map((f) => f.id)).size).toBe(data.flights.length);
    expect(new Set(data.passengers.map((p) => p.id)).size).toBe(data.passengers.length);
    expect(new Set(data.bookings.map((b) => b.id)).size).toBe(data.bookings.length);
  });

  it('bookings reference existing flights and passengers; no seat is sold twice', () => {
    const flights = new Set(data.flights.map((f) => f.id));
    const passengers = new Set(data.passengers.map((p) => p.id));
    for (const b of data.bookings) {
      expect(flights.has(b.flightId)).toBe(true);
      expect(passengers.has(b.passengerId)).toBe(true);
    }
    expect(new Set(data.bookings.map((b) => `${b.flightId}/${b.seat}`)).size).toBe(data.bookings.length);
  });

  it('fares are integer minor units in the currency of the origin country', () => {
    const currency = new Map(DEMO_STATIONS.map((s) => [s.iata, s.currency]));
    const flights = new Map(data.flights.map((f) => [f.id, f]));
    const seen = new Set<string>();
    for (const b of data.bookings) {
      expect(b.fare).not.toBeNull();
      expect(Number.isInteger(b.fare!.amountMinor)).toBe(true);
      expect(b.fare!.amountMinor).toBeGreaterThan(0);
      expect(b.fare!.currency).toBe(currency.get(flights.get(b.flightId)!.origin));
      seen.add(b.fare!.currency);
    }
    expect([...seen].sort()).toEqual(['CAD', 'EUR', 'GBP', 'USD']);
  });

  it('passengers vary in tier, language, contact preference; cabins vary', () => {
    const gen = data.passengers.slice(10);
    expect(new Set(gen.map((p) => p.language)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(gen.map((p) => p.tier)).size).toBeGreaterThanOrEqual(6);
    expect(gen.some((p) => p.contact.sms) && gen.some((p) => !p.contact.email)).toBe(true);
    expect(new Set(data.bookings.map((b) => b.cabin))).toEqual(
      new Set(['economy', 'premium_economy', 'business', 'first']),
    );
  });

  it('flight instance ids use the local date at the origin (an evening Boston departure is after midnight UTC)', () => {
    const late = data.flights.find((f) => f.origin === 'BOS' && f.scheduledDeparture.slice(0, 10) !== f.id.slice(-10));
    expect(late).toBeDefined();
    expect(late!.id.slice(-10)).toBe(localDate(Date.parse(late!.scheduledDeparture), 'America/New_York'));
  });

  it('arrivals follow departures by a plausible block time', () => {
    for (const f of data.flights) {
      const minutes = (Date.parse(f.scheduledArrival) - Date.parse(f.scheduledDeparture)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(40);
      expect(minutes).toBeLessThanOrEqual(13 * 60);
    }
  });

  it('rejects a malformed today', () => {
    expect(() => demoData({ today: '24/11/2026' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('time and PRNG helpers', () => {
  it.each([
    ['2026-07-01', 9 * 60, 'Europe/Paris', '2026-07-01T07:00:00.000Z'],
    ['2026-11-24', 9 * 60, 'Europe/Paris', '2026-11-24T08:00:00.000Z'],
    ['2026-11-24', 23 * 60, 'America/Phoenix', '2026-11-25T06:00:00.000Z'],
    ['2026-03-08', 2 * 60 + 30, 'America/New_York', '2026-03-08T07:30:00.000Z'], // DST gap: moved forward
    ['2026-11-01', 60 + 30, 'America/New_York', '2026-11-01T05:30:00.000Z'], // DST overlap: first occurrence
  ])('%s %i min in %s → %s', (date, minutes, tz, iso) => {
    expect(new Date(zonedToUtcMs(date, minutes, tz)).toISOString()).toBe(iso);
  });

  it('the PRNG repeats for a seed and stays in range', () => {
    const a = createRng('x');
    const b = createRng('x');
    const xs = Array.from({ length: 1000 }, () => a.int(1, 6));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(1, 6)));
    expect(Math.min(...xs)).toBe(1);
    expect(Math.max(...xs)).toBe(6);
  });
});

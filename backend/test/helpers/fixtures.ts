import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Booking, Flight, Passenger } from '../../../src/shared/domain/index.js';
import { flightInstanceId } from '../../../src/shared/domain/index.js';
import type { SeedData } from '../../src/data/seed.js';
import { flightpulseDir } from './paths.js';

type Row = Record<string, unknown>;
const read = (f: string) => JSON.parse(readFileSync(path.join(flightpulseDir, f), 'utf8')) as Row[];

/** FlightPulse's instance ids: its sample is dated 2025-01-15 (all departures that UTC day). */
export const fpInstance = (flightNo: string): string => flightInstanceId(flightNo.slice(0, 2), flightNo.slice(2), '2025-01-15');

/**
 * FlightPulse's sample flights/passengers/bookings as Jetway domain entities (the same mapping
 * the demo data uses), optionally with `extraOnSW9012` generated passengers booked on the
 * flight that scenario 3 cancels, to exercise paging and Map batches.
 */
export function flightpulseData(extraOnSW9012 = 0): SeedData {
  const flights: Flight[] = read('flights.json').map((r) => ({
    id: fpInstance(String(r.flight_id)),
    carrier: String(r.flight_id).slice(0, 2),
    number: String(r.flight_id).slice(2),
    origin: String(r.origin),
    destination: String(r.destination),
    scheduledDeparture: String(r.scheduled_departure),
    scheduledArrival: String(r.scheduled_arrival),
    estimatedDeparture: null,
    estimatedArrival: null,
    actualDeparture: null,
    actualArrivalDoorOpen: null,
    status: 'SCHEDULED',
    gate: (r.gate as string) ?? null,
    terminal: null,
    aircraft: (r.aircraft as string) ?? null,
    delayMinutes: 0,
    version: 1,
  }));
  const passengers: Passenger[] = read('passengers.json').map((r) => {
    const prefs = r.notification_preferences as { email: boolean; sms: boolean; push: boolean };
    return {
      id: String(r.passenger_id),
      firstName: String(r.first_name),
      lastName: String(r.last_name),
      email: (r.email as string) ?? null,
      phone: (r.phone as string) ?? null,
      loyaltyNumber: (r.rapid_rewards_number as string) ?? null,
      tier: (r.tier as string) ?? null,
      language: 'en',
      contact: { email: prefs.email, sms: prefs.sms, push: prefs.push },
      specialRequests: (r.special_requests as string[]) ?? [],
      version: 1,
    };
  });
  const bookings: Booking[] = read('bookings.json')
    .filter((r) => r.SK === 'METADATA')
    .map((r) => ({
      id: String(r.booking_id),
      pnr: String(r.confirmation_number),
      passengerId: String(r.passenger_id),
      flightId: fpInstance(String(r.flight_id)),
      seat: (r.seat as string) ?? null,
      fareClass: (r.fare_class as string) ?? null,
      cabin: 'economy',
      fare: { amountMinor: 15900, currency: 'USD' },
      status: r.checked_in ? 'CHECKED_IN' : 'CONFIRMED',
      bagsChecked: Number(r.bags_checked ?? 0),
      version: 1,
    }));
  for (let i = 1; i <= extraOnSW9012; i++) {
    const id = `GX${String(i).padStart(4, '0')}`;
    passengers.push({
      id,
      firstName: `Guest${i}`,
      lastName: 'Traveller',
      email: `guest${i}@example.com`,
      phone: null,
      loyaltyNumber: null,
      tier: i % 5 === 0 ? 'A-LIST' : 'MEMBER',
      language: 'en',
      contact: { email: i % 3 !== 0, sms: false, push: false },
      specialRequests: [],
      version: 1,
    });
    bookings.push({
      id: `BX${String(i).padStart(4, '0')}`,
      pnr: `GX${String(i).padStart(4, '0')}`,
      passengerId: id,
      flightId: fpInstance('SW9012'),
      seat: null,
      fareClass: 'WGA',
      cabin: 'economy',
      fare: { amountMinor: 12900, currency: 'USD' },
      status: 'CONFIRMED',
      bagsChecked: 0,
      version: 1,
    });
  }
  return { flights, passengers, bookings };
}

/** The events of a FlightPulse scenario file, each as the bytes its simulator sends (one JSON object per message). */
export function scenarioMessages(file: string): string[] {
  const arr = JSON.parse(readFileSync(path.join(flightpulseDir, 'events', file), 'utf8')) as unknown[];
  return arr.map((e) => JSON.stringify(e));
}

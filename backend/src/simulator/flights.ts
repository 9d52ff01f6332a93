/**
 * The demo flights the simulator targets: FlightPulse's five sample flights (flights.json),
 * re-dated to a given day at the same UTC times, as the demo data does (constants: no I/O), and
 * the local cloud's generated network (backend/src/local/demo), looked up on demand.
 */
import { demoData } from '../local/demo/index.js';
import type { ScheduledFlight } from './jetway-event.js';

interface DemoFlightTemplate {
  flightId: string;
  origin: string;
  destination: string;
  /** UTC time of day. */
  departs: string;
  arrives: string;
  gate: string;
}

export const FLIGHTPULSE_FLIGHTS: readonly DemoFlightTemplate[] = [
  { flightId: 'SW1234', origin: 'DAL', destination: 'LAX', departs: '08:00', arrives: '10:30', gate: 'A12' },
  { flightId: 'SW5678', origin: 'HOU', destination: 'DEN', departs: '09:30', arrives: '11:45', gate: 'B7' },
  { flightId: 'SW9012', origin: 'PHX', destination: 'OAK', departs: '10:00', arrives: '11:30', gate: 'C3' },
  { flightId: 'SW3456', origin: 'LAS', destination: 'SEA', departs: '11:15', arrives: '13:45', gate: 'A5' },
  { flightId: 'SW7890', origin: 'SAN', destination: 'PDX', departs: '14:00', arrives: '16:15', gate: 'B12' },
];

/** Today's UTC date, YYYY-MM-DD. */
export const utcToday = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** A FlightPulse flight id (`SW1234`) on `date` as a scheduled flight instance. */
export function demoFlight(flightId: string, date: string): ScheduledFlight & { gate: string } {
  const t = FLIGHTPULSE_FLIGHTS.find((f) => f.flightId === flightId);
  if (!t) {
    throw new Error(
      `unknown demo flight ${flightId} (known: ${FLIGHTPULSE_FLIGHTS.map((f) => f.flightId).join(', ')})`,
    );
  }
  const m = /^([A-Z0-9]{2})(\d{1,4}[A-Z]?)$/.exec(t.flightId);
  if (!m?.[1] || !m[2]) throw new Error(`bad flight id ${t.flightId}`);
  return {
    carrier: m[1],
    number: m[2],
    origin: t.origin,
    destination: t.destination,
    scheduledDeparture: `${date}T${t.departs}:00.000Z`,
    scheduledArrival: `${date}T${t.arrives}:00.000Z`,
    localDepartureDate: date,
    gate: t.gate,
  };
}

export type DemoFlight = ScheduledFlight & { gate: string | null };

/** The local cloud's demo network on `date` (one day), as scheduled flights. ~0.1 s. */
export function networkFlights(date: string): DemoFlight[] {
  return demoData({ today: date, days: 1, passengers: 0 }).flights.map((f) => ({
    carrier: f.carrier,
    number: f.number,
    origin: f.origin,
    destination: f.destination,
    scheduledDeparture: f.scheduledDeparture,
    scheduledArrival: f.scheduledArrival,
    // The instance date is the local departure date at the origin, as the demo data computed it.
    localDepartureDate: f.id.slice(-10),
    gate: f.gate,
  }));
}

/** `SW1234` or any demo-network flight (`JE241`) on `date`; unknown → an error naming a few. */
export function findDemoFlight(flightId: string, date: string): DemoFlight {
  if (FLIGHTPULSE_FLIGHTS.some((f) => f.flightId === flightId)) return demoFlight(flightId, date);
  const network = networkFlights(date);
  const hit = network.find((f) => `${f.carrier}${f.number}` === flightId);
  if (!hit) {
    const some = network.slice(0, 8).map((f) => `${f.carrier}${f.number}`);
    throw new Error(`unknown demo flight ${flightId} on ${date} (e.g. ${some.join(', ')}, …)`);
  }
  return hit;
}

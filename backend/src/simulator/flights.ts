/**
 * The demo flights the simulator targets: FlightPulse's five sample flights (flights.json),
 * re-dated to a given day at the same UTC times, as the demo data does. Kept as constants so the
 * load and Jetway-event modes need no file I/O.
 */
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

import { seededRandom } from '../../src/simulator/load.js';

export interface OpsLoadOptions {
  /** FlightPulse flight numbers (e.g. `SW9012`), all scheduled on 2025-01-15 (fixtures.ts). */
  flights: readonly string[];
  count: number;
  seed: number;
  /** Event ids are `<prefix>-<n>` padded with `x` to this length (≤ 128, FlightPulse's limit). */
  idLength?: number;
  /** `reason_detail` of delays and cancellations (FlightPulse: ≤ 1,000 characters). */
  detail?: string;
  /** `new_gate` of gate changes is this long (≤ 16). */
  gateLength?: number;
  /** Share of delays, gate changes and cancellations (the rest of 1 after delays and gates). */
  mix?: { delay: number; gate: number };
}

export interface OpsLoadEvent {
  eventId: string;
  flight: string;
  value: string;
}

/**
 * Seeded FlightPulse events (delays, gate changes, cancellations) for load and bound tests, one
 * second apart from 2025-01-15T00:00:00 (every fixture flight's ±36 h resolution window), each
 * with a distinct event id. Replayable: the same options give the same events.
 */
export function fpLoad(o: OpsLoadOptions): OpsLoadEvent[] {
  const rand = seededRandom(o.seed);
  const start = Date.parse('2025-01-15T00:00:00Z');
  const mix = o.mix ?? { delay: 0.7, gate: 0.2 };
  const reasons = ['WEATHER', 'MECHANICAL', 'ATC', 'CREW'] as const;
  return Array.from({ length: o.count }, (_, i) => {
    const flight = o.flights[Math.floor(rand() * o.flights.length)]!;
    const base = `${o.seed}-${i}-`;
    const eventId = base.padEnd(Math.max(base.length, o.idLength ?? 36), 'x');
    const timestamp = new Date(start + i * 1000).toISOString().replace('Z', '');
    const reason = reasons[Math.floor(rand() * reasons.length)]!;
    const r = rand();
    const payload =
      r < mix.delay
        ? {
            flight_id: flight,
            delay_minutes: Math.floor(rand() * 600),
            reason,
            reason_detail: o.detail ?? 'Operational delay',
            new_departure: new Date(start + i * 1000 + 3600_000).toISOString().replace('Z', ''),
            new_arrival: new Date(start + i * 1000 + 7200_000).toISOString().replace('Z', ''),
          }
        : r < mix.delay + mix.gate
          ? { flight_id: flight, old_gate: 'A1', new_gate: `G${i}`.padEnd(o.gateLength ?? 3, 'g').slice(0, 16), terminal_change: rand() < 0.1 }
          : { flight_id: flight, reason, reason_detail: o.detail ?? 'Cancelled', rebooking_priority: 'HIGH' };
    const event_type = r < mix.delay ? 'FLIGHT_DELAY' : r < mix.delay + mix.gate ? 'GATE_CHANGE' : 'FLIGHT_CANCELLED';
    return { eventId, flight, value: JSON.stringify({ event_id: eventId, event_type, timestamp, source: 'load-test', payload }) };
  });
}

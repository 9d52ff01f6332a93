import type { Booking, Flight, Passenger } from '../../../src/shared/domain/index.js';
import { FEED_SCHEMA_VERSION, type ManifestMessage, type ScheduleMessage } from './schemas.js';

/**
 * Feed messages from Jetway entities: what an airline's schedule and reservation systems would
 * publish for them. The local cloud's demo seeding, the tests and the S3 sample export use it.
 * Input types are the wire shapes before zod's defaults (what a producer writes).
 */
export type ScheduleWire = ScheduleMessage;
export type ManifestWire = ManifestMessage;

export interface MessageOptions {
  /** entity_version (and passengers' profile_version) of every message. */
  version: number;
  source: string;
  /** source_timestamp of every message. */
  at: string;
}

/** The local departure date of an instance id `SW1234-2026-12-03`. */
export function departureDateOf(flight: Flight): string {
  const date = flight.id.slice(-10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || flight.id !== `${flight.carrier}${flight.number}-${date}`)
    throw new RangeError(`flight id ${flight.id} is not <carrier><number>-<local date>`);
  return date;
}

export function scheduleMessage(f: Flight, o: MessageOptions): ScheduleWire {
  return {
    schema_version: FEED_SCHEMA_VERSION,
    message_type: 'FLIGHT_SCHEDULE',
    message_id: `sched-${f.id}-v${o.version}`,
    source: o.source,
    source_timestamp: o.at,
    entity_version: o.version,
    flight: {
      carrier: f.carrier,
      number: f.number,
      departure_date: departureDateOf(f),
      origin: f.origin,
      destination: f.destination,
      scheduled_departure: f.scheduledDeparture,
      scheduled_arrival: f.scheduledArrival,
      gate: f.gate,
      terminal: f.terminal,
      aircraft: f.aircraft,
    },
  };
}

/**
 * One PNR message per record locator: its bookings as segments, its passengers whole. Bookings
 * must name flights of `flights`; Jetway's own statuses (NEEDS_REBOOKING, REBOOKED) are sent as
 * CONFIRMED (the reservation system does not know them).
 */
export function manifestMessages(flights: Flight[], passengers: Passenger[], bookings: Booking[], o: MessageOptions): ManifestWire[] {
  const flightById = new Map(flights.map((f) => [f.id, f]));
  const paxById = new Map(passengers.map((p) => [p.id, p]));
  const byPnr = new Map<string, Booking[]>();
  for (const b of bookings) (byPnr.get(b.pnr) ?? byPnr.set(b.pnr, []).get(b.pnr)!).push(b);
  const out: ManifestWire[] = [];
  for (const [loc, list] of byPnr) {
    const paxIds = [...new Set(list.map((b) => b.passengerId))];
    out.push({
      schema_version: FEED_SCHEMA_VERSION,
      message_type: 'PNR',
      message_id: `pnr-${loc}-v${o.version}`,
      source: o.source,
      source_timestamp: o.at,
      entity_version: o.version,
      pnr: {
        record_locator: loc,
        passengers: paxIds.map((id) => {
          const p = paxById.get(id);
          if (!p) throw new RangeError(`booking of PNR ${loc} names unknown passenger ${id}`);
          return {
            passenger_id: p.id,
            profile_version: o.version,
            first_name: p.firstName,
            last_name: p.lastName,
            email: p.email,
            phone: p.phone,
            loyalty_number: p.loyaltyNumber,
            tier: p.tier,
            language: p.language,
            contact_preferences: { email: p.contact.email, sms: p.contact.sms, push: p.contact.push },
            special_service_requests: p.specialRequests,
          };
        }),
        segments: list.map((b) => {
          const f = flightById.get(b.flightId);
          if (!f) throw new RangeError(`booking ${b.id} names unknown flight ${b.flightId}`);
          return {
            booking_id: b.id,
            passenger_id: b.passengerId,
            flight: { carrier: f.carrier, number: f.number, departure_date: departureDateOf(f), origin: f.origin, destination: f.destination },
            seat: b.seat,
            ticket_number: b.ticketNumber ?? null,
            fare_class: b.fareClass,
            cabin: b.cabin,
            fare: b.fare ? { amount_minor: b.fare.amountMinor, currency: b.fare.currency } : null,
            status: b.status === 'NEEDS_REBOOKING' || b.status === 'REBOOKED' ? 'CONFIRMED' : b.status,
            bags_checked: b.bagsChecked,
          };
        }),
      },
    });
  }
  return out;
}

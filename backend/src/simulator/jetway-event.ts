/**
 * NOTE FOR THE INGEST (helper C): this is Jetway's own, richer ops event, defined here because
 * backend/src/ingest had no Jetway event schema when the simulator needed one. The ingest must
 * accept it on topic `flight-operations` next to FlightPulse's events: import
 * `JetwayFlightEventSchema` from here (or move it to ingest and re-export it here; keep the name).
 *
 * Differences from FlightPulse's format, all deliberate:
 * - event_type `JETWAY_FLIGHT_UPDATE`, `schema_version` 1;
 * - the Kafka message is KEYED by the flight instance id (`SW1234-2026-11-24`, flightInstanceId
 *   from src/shared/domain/ids.ts) so per-flight order holds within a partition;
 * - the flight instance is explicit (carrier, number, origin, destination, schedule): no
 *   nearest-departure guessing;
 * - instants are ISO-8601 UTC **with** `Z`;
 * - door-open time at the destination (`door_open_at`, the "arrival" that compensation rules
 *   use), off-block time, and IATA AHM 730 delay codes with minutes per code.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { flightInstanceId } from '../../../src/shared/domain/ids.js';
import type { FlightPulseReason } from './events.js';

export const JETWAY_FLIGHT_UPDATE = 'JETWAY_FLIGHT_UPDATE';

const InstantSchema = z.iso.datetime();
const MAX_DELAY_MINUTES = 7 * 24 * 60;
const IataAirportSchema = z.string().regex(/^[A-Z]{3}$/, 'IATA airport code');

/** IATA AHM 730 two-digit delay code, optionally with an AHM 731 sub-code letter. */
export const IataDelayCodeSchema = z.string().regex(/^\d{2}[A-Z]?$/, 'IATA delay code (two digits, optional letter)');

export const JetwayFlightStatusSchema = z.enum([
  'SCHEDULED',
  'DELAYED',
  'CANCELLED',
  'DEPARTED',
  'ARRIVED',
  'DIVERTED',
]);

export const JetwayFlightEventSchema = z.strictObject({
  event_id: z.guid(),
  event_type: z.literal(JETWAY_FLIGHT_UPDATE),
  schema_version: z.literal(1),
  timestamp: InstantSchema,
  source: z.string().min(1),
  flight: z.strictObject({
    /** flightInstanceId(carrier, number, scheduled departure date at the origin); also the message key. */
    instance_id: z.string().regex(/^[A-Z0-9]{2}\d{1,4}[A-Z]?-\d{4}-\d{2}-\d{2}$/),
    carrier: z.string().regex(/^[A-Z0-9]{2}$/),
    number: z.string().regex(/^\d{1,4}[A-Z]?$/),
    origin: IataAirportSchema,
    destination: IataAirportSchema,
    scheduled_departure: InstantSchema,
    scheduled_arrival: InstantSchema,
  }),
  status: JetwayFlightStatusSchema,
  estimated_departure: InstantSchema.nullable().default(null),
  estimated_arrival: InstantSchema.nullable().default(null),
  /** Off-block time at the origin. */
  actual_departure: InstantSchema.nullable().default(null),
  /** Door-open time at the destination: "arrival" for EU261/APPR purposes. */
  door_open_at: InstantSchema.nullable().default(null),
  delay: z
    .strictObject({
      // Bounded like FlightPulse's delay_minutes (one week): a larger figure is a producer bug,
      // and would otherwise reach the policy engine and passengers' messages as a real delay.
      total_minutes: z.number().int().nonnegative().max(MAX_DELAY_MINUTES),
      codes: z.array(z.strictObject({ code: IataDelayCodeSchema, minutes: z.number().int().nonnegative().max(MAX_DELAY_MINUTES) })).min(1).max(32),
    })
    .nullable()
    .default(null),
  cancellation: z
    .strictObject({
      reason_code: IataDelayCodeSchema,
      /** When passengers were told (notice period rules). */
      notice_given_at: InstantSchema,
    })
    .nullable()
    .default(null),
  gate: z
    .strictObject({ old: z.string().nullable(), new: z.string().nullable(), terminal_change: z.boolean() })
    .nullable()
    .default(null),
  diverted_to: IataAirportSchema.nullable().default(null),
  remarks: z.string().nullable().default(null),
});
export type JetwayFlightEvent = z.infer<typeof JetwayFlightEventSchema>;
export type JetwayFlightEventInput = z.input<typeof JetwayFlightEventSchema>;

/** A few AHM 730 codes the simulator uses, with their meaning (for CLI help and remarks). */
export const IATA_DELAY_CODES: Readonly<Record<string, string>> = {
  '41': 'Aircraft defects',
  '64': 'Flight deck crew shortage',
  '71': 'Departure station weather',
  '81': 'ATFM due to ATC en-route demand/capacity',
  '93': 'Aircraft rotation: late arrival of aircraft from another flight',
};

/** FlightPulse reason → the AHM 730 code the simulator reports for it. */
export const DELAY_CODE_FOR_REASON: Readonly<Record<FlightPulseReason, string>> = {
  MECHANICAL: '41',
  CREW: '64',
  WEATHER: '71',
  ATC: '81',
};

export interface ScheduledFlight {
  carrier: string;
  number: string;
  origin: string;
  destination: string;
  /** ISO-8601 UTC with Z. */
  scheduledDeparture: string;
  scheduledArrival: string;
  /** Local departure date at the origin (instance date); defaults to the UTC date of scheduledDeparture. */
  localDepartureDate?: string;
}

const addMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export type JetwayUpdate =
  | { kind: 'delay'; codes: readonly { code: string; minutes: number }[] }
  | { kind: 'arrival'; codes: readonly { code: string; minutes: number }[]; taxiInMinutes?: number }
  | { kind: 'cancel'; reasonCode: string; noticeGivenAt?: string }
  | { kind: 'gate'; oldGate: string | null; newGate: string | null; terminalChange: boolean };

/**
 * Builds a Jetway event for one flight instance. `delay`: estimated times move by the sum of the
 * coded minutes. `arrival`: the flight has arrived; off-block = scheduled + delay, door-open =
 * scheduled arrival + delay + `taxiInMinutes` (default 5).
 */
export function buildJetwayEvent(
  flight: ScheduledFlight,
  update: JetwayUpdate,
  o: { at?: Date; eventId?: string; source?: string; remarks?: string } = {},
): JetwayFlightEvent {
  const at = o.at ?? new Date();
  const instanceDate = flight.localDepartureDate ?? flight.scheduledDeparture.slice(0, 10);
  const base: JetwayFlightEventInput = {
    event_id: o.eventId ?? randomUUID(),
    event_type: JETWAY_FLIGHT_UPDATE,
    schema_version: 1,
    timestamp: at.toISOString(),
    source: o.source ?? 'jetway-simulator',
    flight: {
      instance_id: flightInstanceId(flight.carrier, flight.number, instanceDate),
      carrier: flight.carrier,
      number: flight.number,
      origin: flight.origin,
      destination: flight.destination,
      scheduled_departure: flight.scheduledDeparture,
      scheduled_arrival: flight.scheduledArrival,
    },
    status: 'SCHEDULED',
    remarks: o.remarks ?? null,
  };
  switch (update.kind) {
    case 'delay':
    case 'arrival': {
      const total = update.codes.reduce((s, c) => s + c.minutes, 0);
      const delay = { total_minutes: total, codes: update.codes };
      if (update.kind === 'delay') {
        return JetwayFlightEventSchema.parse({
          ...base,
          status: 'DELAYED',
          estimated_departure: addMinutes(flight.scheduledDeparture, total),
          estimated_arrival: addMinutes(flight.scheduledArrival, total),
          delay,
        });
      }
      return JetwayFlightEventSchema.parse({
        ...base,
        status: 'ARRIVED',
        actual_departure: addMinutes(flight.scheduledDeparture, total),
        door_open_at: addMinutes(flight.scheduledArrival, total + (update.taxiInMinutes ?? 5)),
        delay: total > 0 ? delay : null,
      });
    }
    case 'cancel':
      return JetwayFlightEventSchema.parse({
        ...base,
        status: 'CANCELLED',
        cancellation: { reason_code: update.reasonCode, notice_given_at: update.noticeGivenAt ?? at.toISOString() },
      });
    case 'gate':
      return JetwayFlightEventSchema.parse({
        ...base,
        gate: { old: update.oldGate, new: update.newGate, terminal_change: update.terminalChange },
      });
  }
}

/** Kafka key for a Jetway event: the flight instance, so one flight's updates stay in order. */
export const jetwayEventKey = (e: JetwayFlightEvent): string => e.flight.instance_id;

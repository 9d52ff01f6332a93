import { z } from 'zod';
import { JetwayFlightEventSchema } from '../simulator/jetway-event.js';

/**
 * Schemas of the events on topic `flight-operations`.
 *
 * 1. FlightPulse events, accepted byte-for-byte as its simulator produces them: naive ISO-8601
 *    UTC timestamps (`2025-01-15T07:40:12.345678`, microseconds, no `Z`), `flight_id` = carrier
 *    + number with no date, reason one of WEATHER/MECHANICAL/ATC/CREW, no key on the message.
 * 2. Jetway's own richer event `JETWAY_FLIGHT_UPDATE` (schema_version 1), keyed by flight
 *    instance (message key = flight instance id, so per-flight order holds), with door-open
 *    arrival and IATA AHM 730 delay codes. Its schema `JetwayFlightEventSchema` was written by
 *    the simulator's owner (backend/src/simulator/jetway-event.ts) and is used here unchanged.
 *
 * Both normalise to {@link OpsEvent}; timestamps become UTC instants with `Z`.
 */

/** Naive (no offset) ISO-8601 date-time, read as UTC; an explicit Z/offset is accepted too. */
const NAIVE_OR_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
export const UtcTimestampSchema = z
  .string()
  .regex(NAIVE_OR_OFFSET, 'ISO-8601 date-time (naive = UTC)')
  .transform((s, ctx) => {
    const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(s);
    // Date.parse keeps milliseconds only; sub-millisecond digits are dropped (ops precision is seconds).
    const ms = Date.parse(hasZone ? s : `${s}Z`);
    // Date.parse rolls impossible calendar dates over (2025-02-30 → 2025-03-02) instead of
    // failing, so the written date/time fields must survive a round trip (checked before the offset applies).
    if (Number.isNaN(ms) || !calendarValid(s)) {
      ctx.addIssue({ code: 'custom', message: 'not a valid date-time' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** The written year-month-day and hour:minute:second exist (no Feb 30, no 24:00). */
function calendarValid(s: string): boolean {
  const [y, mo, d, h, mi, se] = [s.slice(0, 4), s.slice(5, 7), s.slice(8, 10), s.slice(11, 13), s.slice(14, 16), s.slice(17, 19)].map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === se;
}

/** Longest free text (a reason, remarks) and gate an event may carry: both end up in stored items. */
export const MAX_DETAIL_CHARS = 1000;
export const MAX_GATE_CHARS = 16;

const FlightNumberSchema = z.string().regex(/^[A-Z0-9]{2}\d{1,4}[A-Z]?$/, 'carrier + flight number, e.g. SW1234');
const ReasonSchema = z.enum(['WEATHER', 'MECHANICAL', 'ATC', 'CREW']);
const EventIdSchema = z.string().min(1).max(128);

const fpBase = {
  event_id: EventIdSchema,
  timestamp: UtcTimestampSchema,
  source: z.string().min(1).max(64),
};

export const FpFlightDelaySchema = z.object({
  ...fpBase,
  event_type: z.literal('FLIGHT_DELAY'),
  payload: z.object({
    flight_id: FlightNumberSchema,
    delay_minutes: z.number().int().nonnegative().max(7 * 24 * 60),
    reason: ReasonSchema,
    reason_detail: z.string().max(MAX_DETAIL_CHARS).optional(),
    new_departure: UtcTimestampSchema,
    new_arrival: UtcTimestampSchema,
  }),
});

export const FpFlightCancelledSchema = z.object({
  ...fpBase,
  event_type: z.literal('FLIGHT_CANCELLED'),
  payload: z.object({
    flight_id: FlightNumberSchema,
    reason: ReasonSchema,
    reason_detail: z.string().max(MAX_DETAIL_CHARS).optional(),
    rebooking_priority: z.enum(['LOW', 'MEDIUM', 'HIGH']).optional(),
  }),
});

export const FpGateChangeSchema = z.object({
  ...fpBase,
  event_type: z.literal('GATE_CHANGE'),
  payload: z.object({
    flight_id: FlightNumberSchema,
    old_gate: z.string().min(1).max(MAX_GATE_CHARS),
    new_gate: z.string().min(1).max(MAX_GATE_CHARS),
    terminal_change: z.boolean(),
  }),
});

export const OpsEventWireSchema = z.discriminatedUnion('event_type', [
  FpFlightDelaySchema,
  FpFlightCancelledSchema,
  FpGateChangeSchema,
  JetwayFlightEventSchema,
]);
export type OpsEventWire = z.infer<typeof OpsEventWireSchema>;

/** The normalised event the ingest pipeline works with. */
export interface OpsEvent {
  eventId: string;
  eventType: OpsEventWire['event_type'];
  source: string;
  /** UTC instant with Z. */
  timestamp: string;
  flight: { carrier: string; number: string; scheduledDeparture: string | null; instanceId: string | null };
  kind: 'DELAY' | 'CANCELLATION' | 'GATE_CHANGE' | 'UPDATE';
  delayMinutes: number | null;
  causeCode: string | null;
  causeDetail: string | null;
  estimatedDeparture: string | null;
  estimatedArrival: string | null;
  actualDeparture: string | null;
  doorOpenArrival: string | null;
  status: string | null;
  gate: string | null;
  terminal: string | null;
  terminalChange: boolean;
  noticeGivenAt: string | null;
}

export type ParseOutcome =
  | { ok: true; event: OpsEvent }
  | {
      ok: false;
      reason: 'INVALID_JSON' | 'MESSAGE_TOO_LARGE' | 'SCHEMA_VIOLATION' | 'UNKNOWN_EVENT_TYPE' | 'EMPTY_MESSAGE';
      errorPath: string;
      error: string;
    };

/**
 * Largest accepted message value. Real events are under 2 KiB; some Jetway fields (remarks,
 * gate, source) have no length limit, and a value copied into the flight, the disruption and
 * the change log could push an item past DynamoDB's 400 KB: a write that fails on every retry
 * and stalls the partition. Refusing it up front dead-letters it instead.
 */
export const MAX_EVENT_BYTES = 64 * 1024;

/** Strict decoder: invalid UTF-8 is an error, not silently replaced with U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The optional fields of an ops event, all empty: each event kind fills in what it carries. */
export const emptyEventFields = (): Omit<OpsEvent, 'eventId' | 'eventType' | 'source' | 'timestamp' | 'flight' | 'kind'> => ({
  delayMinutes: null,
  causeCode: null,
  causeDetail: null,
  estimatedDeparture: null,
  estimatedArrival: null,
  actualDeparture: null,
  doorOpenArrival: null,
  status: null,
  gate: null,
  terminal: null,
  terminalChange: false,
  noticeGivenAt: null,
});

const KNOWN_TYPES = new Set(['FLIGHT_DELAY', 'FLIGHT_CANCELLED', 'GATE_CHANGE', 'JETWAY_FLIGHT_UPDATE']);

/** Parse one message value (bytes as received). Never throws. */
export function parseOpsEvent(value: Buffer | string | null | undefined): ParseOutcome {
  if (value === null || value === undefined || value.length === 0) {
    return { ok: false, reason: 'EMPTY_MESSAGE', errorPath: '', error: 'message has no value' };
  }
  const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (bytes > MAX_EVENT_BYTES) {
    return { ok: false, reason: 'MESSAGE_TOO_LARGE', errorPath: '', error: `message value is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}` };
  }
  let text: string;
  try {
    text = typeof value === 'string' ? value : utf8.decode(value);
  } catch {
    // JSON on the wire is UTF-8 (RFC 8259): other bytes are not JSON we can trust.
    return { ok: false, reason: 'INVALID_JSON', errorPath: '', error: 'not JSON: the value is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'INVALID_JSON', errorPath: '', error: `not JSON: ${(e as Error).message.slice(0, 200)}` };
  }
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const t = (json as Record<string, unknown>).event_type;
    if (typeof t === 'string' && !KNOWN_TYPES.has(t)) {
      return { ok: false, reason: 'UNKNOWN_EVENT_TYPE', errorPath: 'event_type', error: `unknown event_type ${JSON.stringify(t.slice(0, 64))}` };
    }
  }
  const res = OpsEventWireSchema.safeParse(json);
  if (!res.success) {
    const issue = res.error.issues[0];
    return {
      ok: false,
      reason: 'SCHEMA_VIOLATION',
      errorPath: (issue?.path ?? []).map(String).join('.'),
      error: res.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 1000),
    };
  }
  const w = res.data;
  // The instance id names the flight the update is applied to; carrier and number must agree
  // with it, or one flight's delay would land on another (a producer bug or a forgery).
  if (w.event_type === 'JETWAY_FLIGHT_UPDATE' && !w.flight.instance_id.startsWith(`${w.flight.carrier}${w.flight.number}-`)) {
    return { ok: false, reason: 'SCHEMA_VIOLATION', errorPath: 'flight.instance_id', error: 'flight.instance_id: does not match flight.carrier + flight.number' };
  }
  // Text that is copied into the flight, the disruption and the change log is bounded like
  // FlightPulse's (reason_detail ≤ 1,000, gates ≤ 16), so that every item has a size bound (docs/ingest.md).
  if (w.event_type === 'JETWAY_FLIGHT_UPDATE') {
    const long = ([['remarks', w.remarks, MAX_DETAIL_CHARS], ['gate.new', w.gate?.new, MAX_GATE_CHARS], ['gate.old', w.gate?.old, MAX_GATE_CHARS]] as const).find(
      ([, v, max]) => typeof v === 'string' && v.length > max,
    );
    if (long) return { ok: false, reason: 'SCHEMA_VIOLATION', errorPath: long[0], error: `${long[0]}: at most ${long[2]} characters` };
  }
  // An estimate before the schedule while the flight is reported delayed contradicts itself: refused
  // whole, with the reason, rather than guessing which half is right.
  if (w.event_type === 'JETWAY_FLIGHT_UPDATE' && w.delay && w.delay.total_minutes > 0) {
    const sched = Date.parse(w.flight.scheduled_departure);
    if (w.estimated_departure && Date.parse(w.estimated_departure) < sched)
      return {
        ok: false,
        reason: 'SCHEMA_VIOLATION',
        errorPath: 'estimated_departure',
        error: `estimated_departure ${w.estimated_departure} is before the scheduled departure ${w.flight.scheduled_departure} while the delay is ${w.delay.total_minutes} min`,
      };
  }
  return { ok: true, event: normalise(w) };
}

function normalise(w: OpsEventWire): OpsEvent {
  const common = { eventId: w.event_id, eventType: w.event_type, source: w.source, timestamp: w.timestamp };
  switch (w.event_type) {
    case 'FLIGHT_DELAY': {
      const p = w.payload;
      return {
        ...emptyEventFields(),
        ...common,
        flight: { ...split(p.flight_id), scheduledDeparture: null, instanceId: null },
        kind: 'DELAY',
        delayMinutes: p.delay_minutes,
        causeCode: p.reason,
        causeDetail: p.reason_detail ?? null,
        estimatedDeparture: p.new_departure,
        estimatedArrival: p.new_arrival,
      };
    }
    case 'FLIGHT_CANCELLED': {
      const p = w.payload;
      return {
        ...emptyEventFields(),
        ...common,
        flight: { ...split(p.flight_id), scheduledDeparture: null, instanceId: null },
        kind: 'CANCELLATION',
        causeCode: p.reason,
        causeDetail: p.reason_detail ?? null,
        status: 'CANCELLED',
      };
    }
    case 'GATE_CHANGE': {
      const p = w.payload;
      return {
        ...emptyEventFields(),
        ...common,
        flight: { ...split(p.flight_id), scheduledDeparture: null, instanceId: null },
        kind: 'GATE_CHANGE',
        gate: p.new_gate,
        terminalChange: p.terminal_change,
      };
    }
    case 'JETWAY_FLIGHT_UPDATE': {
      const codes = w.delay?.codes ?? [];
      // The code carrying most minutes is the primary cause.
      const primary = [...codes].sort((a, b) => b.minutes - a.minutes || a.code.localeCompare(b.code))[0];
      const kind: OpsEvent['kind'] =
        w.status === 'CANCELLED' ? 'CANCELLATION' : w.delay && w.delay.total_minutes > 0 ? 'DELAY' : w.gate ? 'GATE_CHANGE' : 'UPDATE';
      return {
        ...emptyEventFields(),
        ...common,
        flight: { carrier: w.flight.carrier, number: w.flight.number, scheduledDeparture: w.flight.scheduled_departure, instanceId: w.flight.instance_id },
        kind,
        delayMinutes: w.delay ? w.delay.total_minutes : null,
        causeCode: w.cancellation?.reason_code ?? primary?.code ?? null,
        causeDetail: w.remarks ?? (codes.length ? codes.map((c) => `${c.code}:${c.minutes}`).join(',') : null),
        estimatedDeparture: w.estimated_departure,
        estimatedArrival: w.estimated_arrival,
        actualDeparture: w.actual_departure,
        doorOpenArrival: w.door_open_at,
        status: w.status,
        gate: w.gate?.new ?? null,
        terminalChange: w.gate?.terminal_change ?? false,
        noticeGivenAt: w.cancellation?.notice_given_at ?? null,
      };
    }
  }
}

function split(flightId: string): { carrier: string; number: string } {
  return { carrier: flightId.slice(0, 2), number: flightId.slice(2) };
}

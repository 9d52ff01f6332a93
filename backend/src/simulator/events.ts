/**
 * FlightPulse-format event builders (pure). The shapes, field order, texts and time formats
 * follow FlightPulse's Python simulator (`simulator/producer.py`, `simulator/scenarios.py`) so
 * that Jetway's ingest is exercised with exactly what FlightPulse puts on `flight-operations`:
 * - `timestamp`, `new_departure`, `new_arrival` are naive ISO-8601 UTC as Python's
 *   `datetime.utcnow().isoformat()` prints them (microseconds, no `Z`; Python drops the
 *   fraction when the microsecond is exactly 0, and so do we);
 * - `event_id` is a uuid4; `new_arrival` is `new_departure` + 120 minutes;
 * - messages carry no key (see produce.ts).
 * Time is passed in as epoch microseconds so that builders stay deterministic under test.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const FLIGHT_OPERATIONS_TOPIC = 'flight-operations';

/** FlightPulse's four reason codes (free text goes to `reason_detail`). */
export const FlightPulseReasonSchema = z.enum(['WEATHER', 'MECHANICAL', 'ATC', 'CREW']);
export type FlightPulseReason = z.infer<typeof FlightPulseReasonSchema>;

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]` with no offset: Python's naive `isoformat()`. */
export const NAIVE_UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;
const NaiveUtcIsoSchema = z.string().regex(NAIVE_UTC_ISO, 'naive ISO-8601 UTC timestamp (no offset) expected');
const FlightIdSchema = z.string().regex(/^[A-Z0-9]{2}\d{1,4}[A-Z]?$/, 'carrier + number, e.g. SW1234');

// z.guid, not z.uuid: the shared sample ids are not all RFC 4122 variants (e.g. `…-c4b9-…`).
// Field order matters (zod outputs keys in schema order): event_id, event_type, timestamp,
// source, payload, as FlightPulse writes them.
const EventIdSchema = z.guid();

export const FlightDelayEventSchema = z.strictObject({
  event_id: EventIdSchema,
  event_type: z.literal('FLIGHT_DELAY'),
  timestamp: NaiveUtcIsoSchema,
  source: z.literal('operations_center'),
  payload: z.strictObject({
    flight_id: FlightIdSchema,
    delay_minutes: z.number().int().nonnegative(),
    reason: FlightPulseReasonSchema,
    reason_detail: z.string(),
    new_departure: NaiveUtcIsoSchema,
    new_arrival: NaiveUtcIsoSchema,
  }),
});

export const FlightCancelledEventSchema = z.strictObject({
  event_id: EventIdSchema,
  event_type: z.literal('FLIGHT_CANCELLED'),
  timestamp: NaiveUtcIsoSchema,
  source: z.literal('operations_center'),
  payload: z.strictObject({
    flight_id: FlightIdSchema,
    reason: FlightPulseReasonSchema,
    reason_detail: z.string(),
    rebooking_priority: z.string(),
  }),
});

export const GateChangeEventSchema = z.strictObject({
  event_id: EventIdSchema,
  event_type: z.literal('GATE_CHANGE'),
  timestamp: NaiveUtcIsoSchema,
  source: z.literal('airport_ops'),
  payload: z.strictObject({
    flight_id: FlightIdSchema,
    old_gate: z.string().nullable(),
    new_gate: z.string().nullable(),
    terminal_change: z.boolean(),
  }),
});

/**
 * The simulator's own view of a FlightPulse event (strict: no extra fields). The ingest (C) has
 * its own, more lenient schema; this one exists so tests can assert we emit exactly this shape.
 */
export const FlightPulseEventSchema = z.discriminatedUnion('event_type', [
  FlightDelayEventSchema,
  FlightCancelledEventSchema,
  GateChangeEventSchema,
]);
export type FlightPulseEvent = z.infer<typeof FlightPulseEventSchema>;
export type FlightDelayEvent = z.infer<typeof FlightDelayEventSchema>;

/** Current time in epoch microseconds (sub-millisecond digits come from the monotonic clock). */
export const nowMicros = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/** Python's `datetime.utcfromtimestamp(us / 1e6).isoformat()`. */
export function naiveUtcIso(epochMicros: number): string {
  const micros = Math.floor(epochMicros);
  const ms = Math.floor(micros / 1000);
  const frac = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  const base = new Date(ms).toISOString().slice(0, 19);
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0')}`;
}

/** Parses a naive (or `Z`-suffixed) ISO-8601 UTC timestamp into epoch microseconds. */
export function parseUtcIsoMicros(iso: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$/.exec(iso);
  if (!m?.[1]) throw new Error(`not an ISO-8601 UTC timestamp: ${iso}`);
  const seconds = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) throw new Error(`not an ISO-8601 UTC timestamp: ${iso}`);
  return seconds * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

const MINUTE_US = 60_000_000;

export interface BuildOptions {
  /** Epoch microseconds; defaults to now. */
  at?: number;
  /** Defaults to a fresh uuid4. */
  eventId?: string;
}

/** FlightPulse `produce_delay_event`. */
export function buildDelayEvent(
  p: { flightId: string; delayMinutes: number; reason?: FlightPulseReason; reasonDetail?: string },
  o: BuildOptions = {},
): FlightPulseEvent {
  const at = o.at ?? nowMicros();
  const reason = p.reason ?? 'WEATHER';
  return FlightDelayEventSchema.parse({
    event_id: o.eventId ?? randomUUID(),
    event_type: 'FLIGHT_DELAY',
    timestamp: naiveUtcIso(at),
    source: 'operations_center',
    payload: {
      flight_id: p.flightId,
      delay_minutes: p.delayMinutes,
      reason,
      reason_detail: p.reasonDetail ?? `${reason} conditions affecting operations`,
      new_departure: naiveUtcIso(at + p.delayMinutes * MINUTE_US),
      new_arrival: naiveUtcIso(at + (p.delayMinutes + 120) * MINUTE_US),
    },
  });
}

/** FlightPulse `produce_cancellation_event`. */
export function buildCancelEvent(
  p: { flightId: string; reason?: FlightPulseReason; reasonDetail?: string },
  o: BuildOptions = {},
): FlightPulseEvent {
  const reason = p.reason ?? 'WEATHER';
  return FlightCancelledEventSchema.parse({
    event_id: o.eventId ?? randomUUID(),
    event_type: 'FLIGHT_CANCELLED',
    timestamp: naiveUtcIso(o.at ?? nowMicros()),
    source: 'operations_center',
    payload: {
      flight_id: p.flightId,
      reason,
      reason_detail: p.reasonDetail ?? `${reason} conditions require cancellation`,
      rebooking_priority: 'HIGH',
    },
  });
}

/** FlightPulse `produce_gate_change_event`. */
export function buildGateChangeEvent(
  p: { flightId: string; oldGate: string | null; newGate: string | null; terminalChange?: boolean },
  o: BuildOptions = {},
): FlightPulseEvent {
  return GateChangeEventSchema.parse({
    event_id: o.eventId ?? randomUUID(),
    event_type: 'GATE_CHANGE',
    timestamp: naiveUtcIso(o.at ?? nowMicros()),
    source: 'airport_ops',
    payload: {
      flight_id: p.flightId,
      old_gate: p.oldGate,
      new_gate: p.newGate,
      terminal_change: p.terminalChange ?? false,
    },
  });
}

/**
 * Re-dates a sample event to `targetDate` (YYYY-MM-DD): every timestamp field moves by the same
 * whole number of days (so "20 minutes before the 08:00 departure" stays true for today's
 * instance of the flight) and the event gets a fresh uuid4 (so ingest's dedupe by `event_id`
 * does not drop a re-run). Everything else, field order included, is kept.
 */
export function redateEvent(
  event: FlightPulseEvent,
  targetDate: string,
  eventId: string = randomUUID(),
): FlightPulseEvent {
  const sourceDay = Date.parse(`${event.timestamp.slice(0, 10)}T00:00:00Z`);
  const targetDay = Date.parse(`${targetDate}T00:00:00Z`);
  if (Number.isNaN(targetDay) || !/^\d{4}-\d{2}-\d{2}$/.test(targetDate))
    throw new Error(`not a date (YYYY-MM-DD): ${targetDate}`);
  const shiftUs = (targetDay - sourceDay) * 1000;
  const shift = (iso: string): string => naiveUtcIso(parseUtcIsoMicros(iso) + shiftUs);
  const copy = structuredClone(event) as FlightPulseEvent;
  copy.event_id = eventId;
  copy.timestamp = shift(copy.timestamp);
  if (copy.event_type === 'FLIGHT_DELAY') {
    copy.payload.new_departure = shift(copy.payload.new_departure);
    copy.payload.new_arrival = shift(copy.payload.new_arrival);
  }
  return FlightPulseEventSchema.parse(copy);
}

/**
 * Python `json.dumps(v)` with its defaults (separators `", "` and `": "`, `ensure_ascii=True`):
 * the exact bytes FlightPulse's kafka-python producer writes. Only JSON values (no floats with
 * integral values: FlightPulse events have none).
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
    return `{${parts.join(', ')}}`;
  }
  throw new Error(`not a JSON value: ${typeof value}`);
}

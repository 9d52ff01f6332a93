import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BookingSchema } from '../../../src/shared/domain/index.js';
import { UtcTimestampSchema } from '../ingest/events.js';

/**
 * The two production feeds' messages (docs/ingest.md, "Feeds"): JSON, one entity per message,
 * in a versioned envelope.
 *
 *   { "schema_version": 1, "message_type": "FLIGHT_SCHEDULE" | "PNR", "message_id": "…",
 *     "source": "…", "source_timestamp": "2026-12-03T08:00:00Z", "entity_version": 7, … }
 *
 * `entity_version` is the source system's revision of the entity (a flight instance, a PNR):
 * it only grows. A message older than what is stored is stale and changes nothing; the same
 * version again with the same content is a redelivery; the same version with other content is a
 * producer bug, dead-lettered `VERSION_CONFLICT`. Passengers inside a PNR carry their own
 * `profile_version` (a passenger travels on several PNRs).
 */

export const FEED_SCHEMA_VERSION = 1;

/** Largest accepted message value (a PNR with 9 passengers and 24 bookings is under 20 KiB). */
export const MAX_FEED_MESSAGE_BYTES = 64 * 1024;
/** Bounds of one PNR message, so that it fits one DynamoDB transaction with its change-log entries. */
export const PNR_LIMITS = { passengers: 9, bookings: 24, flights: 6 } as const;

/** An instant as Jetway stores it: UTC, `Z`, milliseconds only when there are some (the seeder's form). */
export const isoInstant = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const InstantWire = UtcTimestampSchema.transform((s) => isoInstant(Date.parse(s)));

const DateWire = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'not a calendar date');
const Iata = z.string().regex(/^[A-Z]{3}$/, 'IATA airport code');
const Carrier = z.string().regex(/^[A-Z0-9]{2}$/, 'two-character airline designator');
const FlightNo = z.string().regex(/^\d{1,4}[A-Z]?$/, 'flight number (1-4 digits, optional suffix)');
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, _ or -');
const Text = (max: number) => z.string().trim().min(1).max(max);

const envelope = {
  schema_version: z.literal(FEED_SCHEMA_VERSION),
  message_id: Text(128),
  source: Text(64),
  source_timestamp: InstantWire,
  entity_version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
};

/** A flight instance as the schedule publishes it (planned times, gate, aircraft). */
const ScheduledFlightWire = z
  .object({
    carrier: Carrier,
    number: FlightNo,
    /** Local departure date at the origin: with carrier and number, the instance's identity. */
    departure_date: DateWire,
    origin: Iata,
    destination: Iata,
    scheduled_departure: InstantWire,
    scheduled_arrival: InstantWire,
    gate: Text(16).nullable().default(null),
    terminal: Text(16).nullable().default(null),
    aircraft: Text(32).nullable().default(null),
  })
  .strict();

export const ScheduleMessageSchema = z
  .object({ ...envelope, message_type: z.literal('FLIGHT_SCHEDULE'), flight: ScheduledFlightWire })
  .strict()
  .superRefine((m, ctx) => {
    const f = m.flight;
    if (f.origin === f.destination) ctx.addIssue({ code: 'custom', path: ['flight', 'destination'], message: 'destination is the origin' });
    const dep = Date.parse(f.scheduled_departure);
    const arr = Date.parse(f.scheduled_arrival);
    if (arr <= dep) ctx.addIssue({ code: 'custom', path: ['flight', 'scheduled_arrival'], message: 'scheduled_arrival is not after scheduled_departure' });
    else if (arr - dep > 30 * 3_600_000) ctx.addIssue({ code: 'custom', path: ['flight', 'scheduled_arrival'], message: 'block time over 30 hours' });
    // The local date at the origin is the UTC date of departure give or take one day (UTC−12…+14).
    const utcDay = Date.parse(`${f.departure_date}T00:00:00Z`);
    if (Math.abs(Date.parse(`${new Date(dep).toISOString().slice(0, 10)}T00:00:00Z`) - utcDay) > 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['flight', 'departure_date'], message: `departure_date ${f.departure_date} is not the local date of ${f.scheduled_departure}` });
  });
export type ScheduleMessage = z.infer<typeof ScheduleMessageSchema>;

const PassengerWire = z
  .object({
    passenger_id: Id,
    /** Revision of this passenger's profile at the source (a passenger travels on several PNRs). */
    profile_version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    first_name: Text(100),
    last_name: Text(100),
    email: z.string().max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'e-mail address').nullable(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number, e.g. +15551234567').nullable(),
    loyalty_number: Text(32).nullable().default(null),
    tier: Text(32).nullable().default(null),
    /** ISO 639-1, optionally with a region (`en`, `fr`, `pt-BR`): the language of messages to them. */
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'ISO 639-1 language, e.g. en or pt-BR'),
    /** The channels they accept news on. */
    contact_preferences: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean().default(false) }).strict(),
    /** Special-service requests (IATA SSR codes or the airline's names, e.g. WCHR, wheelchair_assistance). */
    special_service_requests: z.array(Text(64)).max(16).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.contact_preferences.email && !p.email) ctx.addIssue({ code: 'custom', path: ['contact_preferences', 'email'], message: 'e-mail preferred but no email' });
    if (p.contact_preferences.sms && !p.phone) ctx.addIssue({ code: 'custom', path: ['contact_preferences', 'sms'], message: 'SMS preferred but no phone' });
  });

/** The reservation system's booking statuses (Jetway's own NEEDS_REBOOKING and REBOOKED never come from the feed). */
export const FEED_BOOKING_STATUSES = ['CONFIRMED', 'CHECKED_IN', 'BOARDED', 'CANCELLED'] as const;

/** One passenger on one flight of the PNR: a Jetway booking. */
const SegmentWire = z
  .object({
    booking_id: Id,
    passenger_id: Id,
    flight: z.object({ carrier: Carrier, number: FlightNo, departure_date: DateWire, origin: Iata, destination: Iata }).strict(),
    seat: z.string().regex(/^\d{1,3}[A-K]$/, 'seat, e.g. 12A').nullable().default(null),
    ticket_number: z.string().regex(/^\d{13}$/, '13-digit e-ticket number').nullable().default(null),
    fare_class: z.string().regex(/^[A-Z]{1,3}$/, 'fare class, e.g. Y or WGA').nullable().default(null),
    cabin: BookingSchema.shape.cabin.unwrap(),
    fare: z
      .object({ amount_minor: z.number().int().nonnegative().max(100_000_000_00), currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code') })
      .strict()
      .nullable()
      .default(null),
    status: z.enum(FEED_BOOKING_STATUSES),
    bags_checked: z.number().int().min(0).max(20).default(0),
  })
  .strict();

export const ManifestMessageSchema = z
  .object({
    ...envelope,
    message_type: z.literal('PNR'),
    pnr: z
      .object({
        record_locator: z.string().regex(/^[A-Z0-9]{5,8}$/, 'record locator, 5-8 letters or digits'),
        passengers: z.array(PassengerWire).min(1).max(PNR_LIMITS.passengers),
        segments: z.array(SegmentWire).max(PNR_LIMITS.bookings),
      })
      .strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const pax = new Set<string>();
    m.pnr.passengers.forEach((p, i) => {
      if (pax.has(p.passenger_id)) ctx.addIssue({ code: 'custom', path: ['pnr', 'passengers', i, 'passenger_id'], message: `passenger ${p.passenger_id} twice` });
      pax.add(p.passenger_id);
    });
    const bookings = new Set<string>();
    const flights = new Map<string, string>();
    m.pnr.segments.forEach((s, i) => {
      if (bookings.has(s.booking_id)) ctx.addIssue({ code: 'custom', path: ['pnr', 'segments', i, 'booking_id'], message: `booking ${s.booking_id} twice` });
      bookings.add(s.booking_id);
      if (!pax.has(s.passenger_id)) ctx.addIssue({ code: 'custom', path: ['pnr', 'segments', i, 'passenger_id'], message: `passenger ${s.passenger_id} is not in the PNR` });
      if (s.flight.origin === s.flight.destination) ctx.addIssue({ code: 'custom', path: ['pnr', 'segments', i, 'flight', 'destination'], message: 'destination is the origin' });
      const id = segmentFlightId(s);
      const stations = `${s.flight.origin}-${s.flight.destination}`;
      if (flights.has(id) && flights.get(id) !== stations)
        ctx.addIssue({ code: 'custom', path: ['pnr', 'segments', i, 'flight'], message: `flight ${id} with two routes in one PNR` });
      flights.set(id, stations);
    });
    if (flights.size > PNR_LIMITS.flights)
      ctx.addIssue({ code: 'custom', path: ['pnr', 'segments'], message: `${flights.size} flights; at most ${PNR_LIMITS.flights} per PNR` });
  });
export type ManifestMessage = z.infer<typeof ManifestMessageSchema>;
export type PassengerWire = ManifestMessage['pnr']['passengers'][number];
export type SegmentWire = ManifestMessage['pnr']['segments'][number];

/** The flight instance a segment (or a schedule message) names: `SW1234-2026-12-03`. */
export const segmentFlightId = (s: { flight: { carrier: string; number: string; departure_date: string } }): string =>
  `${s.flight.carrier}${s.flight.number}-${s.flight.departure_date}`;

export type FeedKind = 'schedule' | 'manifest';
export type FeedMessage = ({ kind: 'schedule' } & ScheduleMessage) | ({ kind: 'manifest' } & ManifestMessage);

export type FeedReason =
  | 'EMPTY_MESSAGE'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'UNKNOWN_MESSAGE_TYPE'
  | 'WRONG_TOPIC'
  | 'SCHEMA_VIOLATION'
  | 'VERSION_CONFLICT'
  | 'FLIGHT_MISMATCH'
  | 'UNPROCESSABLE';

export type FeedParseOutcome =
  | { ok: true; message: FeedMessage }
  | { ok: false; reason: FeedReason; errorPath: string; error: string; messageId: string | null };

const TYPES: Record<string, FeedKind> = { FLIGHT_SCHEDULE: 'schedule', PNR: 'manifest' };
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parse one feed message value (bytes as received). Never throws. `expect` is the topic's kind:
 * a PNR on the schedule topic (or the reverse) is refused `WRONG_TOPIC`; without it (the S3
 * import) the message type decides.
 */
export function parseFeedMessage(value: Buffer | string | null | undefined, expect?: FeedKind): FeedParseOutcome {
  const fail = (reason: FeedReason, errorPath: string, error: string, messageId: string | null = null): FeedParseOutcome => ({ ok: false, reason, errorPath, error, messageId });
  if (value === null || value === undefined || value.length === 0) return fail('EMPTY_MESSAGE', '', 'message has no value');
  const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (bytes > MAX_FEED_MESSAGE_BYTES) return fail('MESSAGE_TOO_LARGE', '', `message value is ${bytes} bytes; the limit is ${MAX_FEED_MESSAGE_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : utf8.decode(value));
  } catch (e) {
    return fail('INVALID_JSON', '', e instanceof SyntaxError ? `not JSON: ${e.message.slice(0, 200)}` : 'not JSON: the value is not valid UTF-8');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return fail('SCHEMA_VIOLATION', '', '(root): expected a JSON object');
  const o = json as Record<string, unknown>;
  const messageId = typeof o.message_id === 'string' ? o.message_id.slice(0, 128) : null;
  if (o.schema_version !== FEED_SCHEMA_VERSION)
    return fail('UNSUPPORTED_SCHEMA_VERSION', 'schema_version', `schema_version ${JSON.stringify(o.schema_version ?? null)?.slice(0, 32)}; this consumer reads ${FEED_SCHEMA_VERSION}`, messageId);
  const kind = typeof o.message_type === 'string' ? TYPES[o.message_type] : undefined;
  if (!kind) return fail('UNKNOWN_MESSAGE_TYPE', 'message_type', `unknown message_type ${JSON.stringify(o.message_type ?? null)?.slice(0, 64)}`, messageId);
  if (expect && kind !== expect) return fail('WRONG_TOPIC', 'message_type', `${String(o.message_type)} belongs on the ${kind} topic, not the ${expect} topic`, messageId);
  const res = kind === 'schedule' ? ScheduleMessageSchema.safeParse(json) : ManifestMessageSchema.safeParse(json);
  if (!res.success) {
    const issue = res.error.issues[0];
    return fail(
      'SCHEMA_VIOLATION',
      (issue?.path ?? []).map(String).join('.'),
      res.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 1000),
      messageId,
    );
  }
  return { ok: true, message: { kind, ...res.data } as FeedMessage };
}

/** A stable hash of normalised content (zod output keeps the schema's key order). */
export const contentHash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32);

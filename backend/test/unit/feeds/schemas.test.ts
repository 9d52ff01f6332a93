import { describe, expect, it } from 'vitest';
import { manifestMessages, scheduleMessage } from '../../../src/feeds/messages.js';
import { parseFeedMessage, type ManifestMessage, type ScheduleMessage } from '../../../src/feeds/schemas.js';
import { demoData } from '../../../src/local/demo/index.js';

/** The feed message schemas (backend/src/feeds/schemas.ts): what is accepted, normalised and refused, with which reason and field. */
const data = demoData({ today: '2026-11-24', passengers: 20 });
const o = { version: 3, source: 'test', at: '2026-11-24T06:00:00Z' };
const flight = data.flights.find((f) => f.id === 'SW9012-2026-11-24')!;
const sched = scheduleMessage(flight, o);
const pnr = manifestMessages(data.flights, data.passengers, data.bookings.filter((b) => b.pnr === data.bookings.find((x) => x.passengerId === 'P001')!.pnr), o)[0]!;
const with_ = <T>(m: T, patch: (c: T) => void): string => {
  const c = structuredClone(m);
  patch(c);
  return JSON.stringify(c);
};
const refused = (value: string | Buffer | null, expect_?: 'schedule' | 'manifest') => {
  const r = parseFeedMessage(value, expect_);
  if (r.ok) throw new Error('accepted');
  return r;
};

describe('parseFeedMessage', () => {
  it('accepts the messages built from demo data and normalises instants to UTC', () => {
    const r = parseFeedMessage(with_(sched, (m: ScheduleMessage) => (m.flight.scheduled_departure = '2026-11-24T03:00:00-07:00')), 'schedule');
    expect(r).toMatchObject({ ok: true, message: { kind: 'schedule', entity_version: 3, flight: { scheduled_departure: '2026-11-24T10:00:00Z' } } });
    expect(parseFeedMessage(JSON.stringify(pnr), 'manifest')).toMatchObject({ ok: true, message: { kind: 'manifest' } });
  });

  it.each([
    ['empty', null, 'EMPTY_MESSAGE', ''],
    ['not JSON', '{"schema_version":1', 'INVALID_JSON', ''],
    ['not UTF-8', Buffer.from([0xc3, 0x28]), 'INVALID_JSON', ''],
    ['an array', '[]', 'SCHEMA_VIOLATION', ''],
    ['schema v2', with_(sched, (m) => Object.assign(m, { schema_version: 2 })), 'UNSUPPORTED_SCHEMA_VERSION', 'schema_version'],
    ['unknown type', with_(sched, (m) => Object.assign(m, { message_type: 'CREW_ROSTER' })), 'UNKNOWN_MESSAGE_TYPE', 'message_type'],
    ['unknown field', with_(sched, (m) => Object.assign(m.flight, { price: 10 })), 'SCHEMA_VIOLATION', 'flight'],
    ['version 0', with_(sched, (m) => (m.entity_version = 0)), 'SCHEMA_VIOLATION', 'entity_version'],
    ['Feb 30', with_(sched, (m) => (m.flight.departure_date = '2026-02-30')), 'SCHEMA_VIOLATION', 'flight.departure_date'],
    ['a local date 3 days off', with_(sched, (m) => (m.flight.departure_date = '2026-11-21')), 'SCHEMA_VIOLATION', 'flight.departure_date'],
    ['arrival before departure', with_(sched, (m) => (m.flight.scheduled_arrival = '2026-11-24T09:00:00Z')), 'SCHEMA_VIOLATION', 'flight.scheduled_arrival'],
    ['a 31 h block', with_(sched, (m) => (m.flight.scheduled_arrival = '2026-11-25T17:00:00Z')), 'SCHEMA_VIOLATION', 'flight.scheduled_arrival'],
    ['same origin and destination', with_(sched, (m) => (m.flight.destination = m.flight.origin)), 'SCHEMA_VIOLATION', 'flight.destination'],
    ['a key injection in the carrier', with_(sched, (m) => (m.flight.carrier = 'S#')), 'SCHEMA_VIOLATION', 'flight.carrier'],
    ['too large', with_(sched, (m) => (m.source = 'x'.repeat(70_000))), 'MESSAGE_TOO_LARGE', ''],
  ] as const)('schedule: %s → %s', (_name, value, reason, errorPath) => {
    expect(refused(value, 'schedule')).toMatchObject({ reason, errorPath });
  });

  it.each([
    ['on the schedule topic', JSON.stringify(pnr), 'WRONG_TOPIC', 'message_type', 'schedule'],
    ['SMS preferred without a phone', with_(pnr, (m: ManifestMessage) => { m.pnr.passengers[0]!.phone = null; m.pnr.passengers[0]!.contact_preferences.sms = true; }), 'SCHEMA_VIOLATION', 'pnr.passengers.0.contact_preferences.sms', 'manifest'],
    ['a segment of a passenger not in the PNR', with_(pnr, (m: ManifestMessage) => (m.pnr.segments[0]!.passenger_id = 'P999')), 'SCHEMA_VIOLATION', 'pnr.segments.0.passenger_id', 'manifest'],
    ['a booking twice', with_(pnr, (m: ManifestMessage) => m.pnr.segments.push(m.pnr.segments[0]!)), 'SCHEMA_VIOLATION', 'pnr.segments.1.booking_id', 'manifest'],
    ['a negative fare', with_(pnr, (m: ManifestMessage) => (m.pnr.segments[0]!.fare = { amount_minor: -1, currency: 'USD' })), 'SCHEMA_VIOLATION', 'pnr.segments.0.fare.amount_minor', 'manifest'],
    ['a fractional fare', with_(pnr, (m: ManifestMessage) => (m.pnr.segments[0]!.fare = { amount_minor: 1.5, currency: 'USD' })), 'SCHEMA_VIOLATION', 'pnr.segments.0.fare.amount_minor', 'manifest'],
    ['Jetway’s own status', with_(pnr, (m: ManifestMessage) => Object.assign(m.pnr.segments[0]!, { status: 'NEEDS_REBOOKING' })), 'SCHEMA_VIOLATION', 'pnr.segments.0.status', 'manifest'],
    ['seven flights', with_(pnr, (m: ManifestMessage) => {
      const s = m.pnr.segments[0]!;
      m.pnr.segments = Array.from({ length: 7 }, (_, i) => ({ ...s, booking_id: `X${i}`, flight: { ...s.flight, number: String(7000 + i) } }));
    }), 'SCHEMA_VIOLATION', 'pnr.segments', 'manifest'],
    ['no passengers', with_(pnr, (m: ManifestMessage) => { m.pnr.passengers = []; m.pnr.segments = []; }), 'SCHEMA_VIOLATION', 'pnr.passengers', 'manifest'],
  ] as const)('PNR: %s → %s', (_name, value, reason, errorPath, topic) => {
    expect(refused(value, topic)).toMatchObject({ reason, errorPath });
  });

  it('keeps the message id of a refused message for its dead letter', () => {
    expect(refused(with_(sched, (m) => (m.entity_version = -3)), 'schedule')).toMatchObject({ messageId: sched.message_id });
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, parseOpsEvent } from '../../../src/ingest/events.js';

/** Hostile message values not covered by events.test.ts: each is refused with a reason, never thrown, never half-accepted. */
const delay = {
  event_id: 'hostile-1',
  event_type: 'FLIGHT_DELAY',
  timestamp: '2025-01-15T07:40:12.345678',
  source: 'flightpulse-simulator',
  payload: { flight_id: 'SW1234', delay_minutes: 45, reason: 'ATC', new_departure: '2025-01-15T08:25:00', new_arrival: '2025-01-15T10:30:00' },
};
const jetway = {
  event_id: '5b3f0c7e-8d1a-4f2b-9c3d-2e1f0a9b8c7d',
  event_type: 'JETWAY_FLIGHT_UPDATE',
  schema_version: 1,
  timestamp: '2025-01-15T07:40:12Z',
  source: 'jetway-simulator',
  flight: { instance_id: 'SW1234-2025-01-15', carrier: 'SW', number: '1234', origin: 'PHX', destination: 'DAL', scheduled_departure: '2025-01-15T08:00:00Z', scheduled_arrival: '2025-01-15T10:00:00Z' },
  status: 'DELAYED',
  delay: { total_minutes: 40, codes: [{ code: '81', minutes: 40 }] },
};

/** The JSON of `delay` with one byte of `source` replaced by an invalid UTF-8 byte. */
function withInvalidUtf8(): Buffer {
  const b = Buffer.from(JSON.stringify(delay), 'utf8');
  b[b.indexOf('flightpulse')] = 0xff;
  return b;
}

describe('hostile ops-event values', () => {
  it.each([
    ['invalid UTF-8 inside a string (would become U+FFFD)', withInvalidUtf8(), 'INVALID_JSON', ''],
    ['JSON string', '"FLIGHT_DELAY"', 'SCHEMA_VIOLATION', ''],
    ['JSON null', 'null', 'SCHEMA_VIOLATION', ''],
    ['deeply nested array', '['.repeat(100_000) + ']'.repeat(100_000), 'MESSAGE_TOO_LARGE', ''],
    ['deeply nested payload within the size limit', `{"event_type":"FLIGHT_DELAY","payload":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, 'SCHEMA_VIOLATION', 'event_id'],
    ['huge value', JSON.stringify({ ...delay, payload: { ...delay.payload, reason_detail: 'x'.repeat(5_000_000) } }), 'MESSAGE_TOO_LARGE', ''],
    ['Jetway remarks too big for a DynamoDB item', JSON.stringify({ ...jetway, remarks: 'r'.repeat(MAX_EVENT_BYTES) }), 'MESSAGE_TOO_LARGE', ''],
    ['February 30th (Date.parse rolls it to March 2nd)', JSON.stringify({ ...delay, timestamp: '2025-02-30T07:40:12' }), 'SCHEMA_VIOLATION', 'timestamp'],
    ['hour 24', JSON.stringify({ ...delay, payload: { ...delay.payload, new_departure: '2025-01-15T24:00:00' } }), 'SCHEMA_VIOLATION', 'payload.new_departure'],
    ['offset out of range', JSON.stringify({ ...delay, timestamp: '2025-01-15T07:40:12+99:99' }), 'SCHEMA_VIOLATION', 'timestamp'],
    ['huge delay', JSON.stringify({ ...delay, payload: { ...delay.payload, delay_minutes: 1e300 } }), 'SCHEMA_VIOLATION', 'payload.delay_minutes'],
    ['Jetway delay of a million minutes', JSON.stringify({ ...jetway, delay: { total_minutes: 1_000_000, codes: [{ code: '81', minutes: 1_000_000 }] } }), 'SCHEMA_VIOLATION', 'delay.total_minutes'],
    ['Jetway negative delay', JSON.stringify({ ...jetway, delay: { total_minutes: -10, codes: [{ code: '81', minutes: 10 }] } }), 'SCHEMA_VIOLATION', 'delay.total_minutes'],
    ['Jetway instance of another flight', JSON.stringify({ ...jetway, flight: { ...jetway.flight, carrier: 'UA', number: '1' } }), 'SCHEMA_VIOLATION', 'flight.instance_id'],
    ['Jetway instance of another flight number sharing a prefix', JSON.stringify({ ...jetway, flight: { ...jetway.flight, number: '123' } }), 'SCHEMA_VIOLATION', 'flight.instance_id'],
    ['event_type "__proto__"', JSON.stringify({ ...delay, event_type: '__proto__' }), 'UNKNOWN_EVENT_TYPE', 'event_type'],
    ['event_type "constructor"', JSON.stringify({ ...delay, event_type: 'constructor' }), 'UNKNOWN_EVENT_TYPE', 'event_type'],
    ['event_type a number', JSON.stringify({ ...delay, event_type: 7 }), 'SCHEMA_VIOLATION', 'event_type'],
    ['Jetway remarks over 1,000 characters (copied into stored items)', JSON.stringify({ ...jetway, remarks: 'r'.repeat(1001) }), 'SCHEMA_VIOLATION', 'remarks'],
    ['Jetway gate of 17 characters', JSON.stringify({ ...jetway, gate: { old: 'A1', new: 'G'.repeat(17), terminal_change: false } }), 'SCHEMA_VIOLATION', 'gate.new'],
    ['Jetway delay with an estimate before the schedule', JSON.stringify({ ...jetway, estimated_departure: '2025-01-15T07:55:00Z' }), 'SCHEMA_VIOLATION', 'estimated_departure'],
    ['Jetway event with an unknown key (strict)', JSON.stringify({ ...jetway, constructor: { prototype: { polluted: true } } }), 'SCHEMA_VIOLATION', ''],
  ])('%s', (_name, value, reason, errorPath) => {
    // Act
    const r = parseOpsEvent(value);
    // Assess
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.errorPath).toBe(errorPath);
    expect(r.error.length).toBeGreaterThan(0);
    expect(r.error.length).toBeLessThanOrEqual(1000);
  });

  it('ignores __proto__ / constructor keys on a FlightPulse event without polluting Object.prototype', () => {
    const value = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(delay).slice(1)}`;
    const r = parseOpsEvent(value);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (r.ok) expect(Object.keys(r.event)).not.toContain('__proto__');
  });

  it.each([
    ['naive with microseconds (FlightPulse)', '2025-01-15T07:40:12.345678', '2025-01-15T07:40:12.345Z'],
    ['naive without fraction', '2025-01-15T07:40:12', '2025-01-15T07:40:12.000Z'],
    ['Z', '2025-01-15T07:40:12Z', '2025-01-15T07:40:12.000Z'],
    ['+00:00', '2025-01-15T07:40:12+00:00', '2025-01-15T07:40:12.000Z'],
    ['negative offset', '2025-01-15T02:40:12-05:00', '2025-01-15T07:40:12.000Z'],
    ['February 29th of a leap year', '2024-02-29T07:40:12', '2024-02-29T07:40:12.000Z'],
  ])('accepts a FlightPulse timestamp %s as the same UTC instant', (_name, ts, utc) => {
    const r = parseOpsEvent(JSON.stringify({ ...delay, timestamp: ts }));
    expect(r.ok && r.event.timestamp).toBe(utc);
  });

  it('the unmodified fixtures are valid (so each rejection above has one cause)', () => {
    expect(parseOpsEvent(JSON.stringify(delay)).ok).toBe(true);
    expect(parseOpsEvent(JSON.stringify(jetway)).ok).toBe(true);
  });

  it('accepts a UTF-8 byte-order mark on a Buffer value and a value just under the size limit', () => {
    const padded = JSON.stringify({ ...delay, payload: { ...delay.payload, reason_detail: 'é'.repeat(400) } });
    expect(parseOpsEvent(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(padded)])).ok).toBe(true);
    expect(parseOpsEvent(JSON.stringify(delay) + ' '.repeat(MAX_EVENT_BYTES - JSON.stringify(delay).length)).ok).toBe(true);
  });
});

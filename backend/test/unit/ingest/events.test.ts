import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpsEvent } from '../../../src/ingest/events.js';
import { buildJetwayEvent } from '../../../src/simulator/jetway-event.js';
import { flightpulseEventsDir } from '../../helpers/paths.js';
import { pyDumps } from '../../helpers/python-json.js';

const scenarioFiles = readdirSync(flightpulseEventsDir).filter((f) => f.endsWith('.json')).sort();
const scenarioEvents = scenarioFiles.flatMap((file) =>
  (JSON.parse(readFileSync(path.join(flightpulseEventsDir, file), 'utf8')) as Record<string, unknown>[]).map((e, i) => ({ file, i, e })),
);

describe('FlightPulse scenario events', () => {
  it('finds all five scenario files', () => {
    expect(scenarioFiles).toHaveLength(5);
    expect(scenarioEvents).toHaveLength(7);
  });

  describe.each(scenarioEvents.map((s) => [`${s.file}#${s.i}`, s] as const))('%s', (_name, s) => {
    it.each([
      ['python json.dumps bytes', pyDumps(s.e)],
      ['compact JSON', JSON.stringify(s.e)],
    ])('parses as sent (%s), timestamps as UTC with Z', (_fmt, text) => {
      const r = parseOpsEvent(Buffer.from(text, 'utf8'));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.event.eventId).toBe(s.e.event_id);
      expect(r.event.timestamp).toBe('2025-01-15T07:40:12.345Z');
      const flightId = (s.e.payload as { flight_id: string }).flight_id;
      expect(`${r.event.flight.carrier}${r.event.flight.number}`).toBe(flightId);
      expect(r.event.flight.instanceId).toBeNull();
    });
  });

  it('maps each scenario to its kind and facts', () => {
    const byId = new Map(scenarioEvents.map((s) => [s.e.event_id as string, parseOpsEvent(JSON.stringify(s.e))]));
    const get = (id: string) => {
      const r = byId.get(id);
      if (!r?.ok) throw new Error(`not parsed: ${id}`);
      return r.event;
    };
    const cancel = get('9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73');
    expect(cancel).toMatchObject({ kind: 'CANCELLATION', causeCode: 'WEATHER', status: 'CANCELLED' });
    const major = get('7a1c9e2f-5b3d-4c8a-8e2f-1d2c3b4a5e62');
    expect(major).toMatchObject({ kind: 'DELAY', delayMinutes: 90, causeCode: 'MECHANICAL', estimatedDeparture: '2025-01-15T09:10:12.345Z' });
    const gate = get('b2d5f8a1-6c4e-4b9d-a2f7-3f4e5d6c7b84');
    expect(gate).toMatchObject({ kind: 'GATE_CHANGE', gate: 'D15', terminalChange: true });
  });
});

describe('Jetway events', () => {
  const flight = { carrier: 'SW', number: '9012', origin: 'PHX', destination: 'OAK', scheduledDeparture: '2026-11-24T17:00:00.000Z', scheduledArrival: '2026-11-24T18:30:00.000Z' };

  it('parses a delay with IATA codes; the biggest code is the cause', () => {
    const e = buildJetwayEvent(flight, { kind: 'delay', codes: [{ code: '41', minutes: 100 }, { code: '93', minutes: 20 }] }, { at: new Date('2026-11-24T16:00:00Z') });
    const r = parseOpsEvent(JSON.stringify(e));
    expect(r.ok && r.event).toMatchObject({ kind: 'DELAY', delayMinutes: 120, causeCode: '41', flight: { instanceId: 'SW9012-2026-11-24' } });
  });

  it('parses an arrival with the door-open time', () => {
    const e = buildJetwayEvent(flight, { kind: 'arrival', codes: [{ code: '71', minutes: 200 }] });
    const r = parseOpsEvent(JSON.stringify(e));
    expect(r.ok && r.event.doorOpenArrival).toBe('2026-11-24T21:55:00.000Z');
  });

  it('parses a cancellation with the notice time', () => {
    const e = buildJetwayEvent(flight, { kind: 'cancel', reasonCode: '71', noticeGivenAt: '2026-11-20T10:00:00.000Z' });
    const r = parseOpsEvent(JSON.stringify(e));
    expect(r.ok && r.event).toMatchObject({ kind: 'CANCELLATION', causeCode: '71', noticeGivenAt: '2026-11-20T10:00:00.000Z' });
  });
});

const valid = {
  event_id: 'x-1',
  event_type: 'FLIGHT_CANCELLED',
  timestamp: '2025-01-15T07:40:12.345678',
  source: 'operations_center',
  payload: { flight_id: 'SW9012', reason: 'WEATHER' },
};

describe('hostile inputs are rejected with a reason and a path, never thrown', () => {
  it.each([
    ['null value', null, 'EMPTY_MESSAGE', ''],
    ['empty value', '', 'EMPTY_MESSAGE', ''],
    ['not JSON', '{"event_id": ', 'INVALID_JSON', ''],
    ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'INVALID_JSON', ''],
    ['a JSON array (the scenario file itself)', JSON.stringify([valid]), 'SCHEMA_VIOLATION', ''],
    ['a number', '42', 'SCHEMA_VIOLATION', ''],
    ['unknown event type', JSON.stringify({ ...valid, event_type: 'FLIGHT_TELEPORTED' }), 'UNKNOWN_EVENT_TYPE', 'event_type'],
    ['missing payload', JSON.stringify({ ...valid, payload: undefined }), 'SCHEMA_VIOLATION', 'payload'],
    ['bad flight id', JSON.stringify({ ...valid, payload: { ...valid.payload, flight_id: 'SW 9012; DROP TABLE' } }), 'SCHEMA_VIOLATION', 'payload.flight_id'],
    ['unknown reason', JSON.stringify({ ...valid, payload: { ...valid.payload, reason: 'ALIENS' } }), 'SCHEMA_VIOLATION', 'payload.reason'],
    ['bad timestamp', JSON.stringify({ ...valid, timestamp: '15/01/2025 07:40' }), 'SCHEMA_VIOLATION', 'timestamp'],
    ['impossible date', JSON.stringify({ ...valid, timestamp: '2025-02-30T25:61:00' }), 'SCHEMA_VIOLATION', 'timestamp'],
    ['negative delay', JSON.stringify({ event_id: 'd', event_type: 'FLIGHT_DELAY', timestamp: '2025-01-15T07:40:12', source: 's', payload: { flight_id: 'SW1234', delay_minutes: -5, reason: 'ATC', new_departure: '2025-01-15T08:00:00', new_arrival: '2025-01-15T10:00:00' } }), 'SCHEMA_VIOLATION', 'payload.delay_minutes'],
    ['fractional delay', JSON.stringify({ event_id: 'd', event_type: 'FLIGHT_DELAY', timestamp: '2025-01-15T07:40:12', source: 's', payload: { flight_id: 'SW1234', delay_minutes: 2.5, reason: 'ATC', new_departure: '2025-01-15T08:00:00', new_arrival: '2025-01-15T10:00:00' } }), 'SCHEMA_VIOLATION', 'payload.delay_minutes'],
    ['delay as string', JSON.stringify({ event_id: 'd', event_type: 'FLIGHT_DELAY', timestamp: '2025-01-15T07:40:12', source: 's', payload: { flight_id: 'SW1234', delay_minutes: '25', reason: 'ATC', new_departure: '2025-01-15T08:00:00', new_arrival: '2025-01-15T10:00:00' } }), 'SCHEMA_VIOLATION', 'payload.delay_minutes'],
    ['empty event id', JSON.stringify({ ...valid, event_id: '' }), 'SCHEMA_VIOLATION', 'event_id'],
    ['__proto__ pollution attempt', '{"__proto__":{"polluted":true},"event_type":"GATE_CHANGE"}', 'SCHEMA_VIOLATION', 'event_id'],
  ])('%s', (_name, value, reason, errorPath) => {
    const r = parseOpsEvent(value as string | Buffer | null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.errorPath).toBe(errorPath);
    expect(r.error.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts an explicit Z or offset on FlightPulse timestamps too', () => {
    const r = parseOpsEvent(JSON.stringify({ ...valid, timestamp: '2025-01-15T08:40:12+01:00' }));
    expect(r.ok && r.event.timestamp).toBe('2025-01-15T07:40:12.000Z');
  });
});

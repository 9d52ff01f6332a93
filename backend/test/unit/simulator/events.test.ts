import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FlightPulseEventSchema,
  NAIVE_UTC_ISO,
  buildCancelEvent,
  buildDelayEvent,
  buildGateChangeEvent,
  naiveUtcIso,
  parseUtcIsoMicros,
  pythonJsonDumps,
  redateEvent,
  type FlightPulseEvent,
} from '../../../src/simulator/events.js';
import { flightPulseDataDir, scenarioMessages } from '../../../src/simulator/scenarios.js';

const eventsDir = path.join(flightPulseDataDir(), 'events');
const sampleFiles = readdirSync(eventsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const samples: FlightPulseEvent[] = sampleFiles.flatMap(
  (f) => JSON.parse(readFileSync(path.join(eventsDir, f), 'utf8')) as FlightPulseEvent[],
);
const sampleOf = (type: string): FlightPulseEvent => {
  const s = samples.find((e) => e.event_type === type);
  if (!s) throw new Error(`no ${type} sample`);
  return s;
};

/** The "shape" of a JSON value: key order and value types, recursively. */
const shape = (v: unknown): unknown =>
  v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v;
const keysInOrder = (v: unknown): string[] =>
  v !== null && typeof v === 'object'
    ? Object.entries(v).flatMap(([k, x]) => [k, ...keysInOrder(x).map((c) => `${k}.${c}`)])
    : [];

// 2025-01-15T07:40:12.345678 as epoch microseconds
const AT = parseUtcIsoMicros('2025-01-15T07:40:12.345678');

describe('naive UTC timestamps (Python utcnow().isoformat())', () => {
  it.each([
    ['2025-01-15T07:40:12.345678', AT],
    ['2025-01-15T07:40:12.000001', parseUtcIsoMicros('2025-01-15T07:40:12') + 1],
    ['2025-01-15T07:40:12', parseUtcIsoMicros('2025-01-15T07:40:12')], // Python omits a zero fraction
    ['1999-12-31T23:59:59.999999', Date.parse('2000-01-01T00:00:00Z') * 1000 - 1],
  ])('%s', (iso, micros) => {
    // Act
    const printed = naiveUtcIso(micros);
    // Assess
    expect(printed).toBe(iso);
    expect(printed).toMatch(NAIVE_UTC_ISO);
    expect(printed.endsWith('Z')).toBe(false);
    expect(parseUtcIsoMicros(printed)).toBe(micros);
  });
});

describe('builders produce exactly the shared sample shapes', () => {
  const built: [string, FlightPulseEvent][] = [
    ['FLIGHT_DELAY', buildDelayEvent({ flightId: 'SW5678', delayMinutes: 90, reason: 'MECHANICAL' }, { at: AT })],
    ['FLIGHT_CANCELLED', buildCancelEvent({ flightId: 'SW9012', reason: 'WEATHER' }, { at: AT })],
    [
      'GATE_CHANGE',
      buildGateChangeEvent({ flightId: 'SW3456', oldGate: 'A5', newGate: 'D15', terminalChange: true }, { at: AT }),
    ],
  ];
  it.each(built)('%s', (type, event) => {
    const sample = sampleOf(type);
    expect(shape(event)).toEqual(shape(sample));
    expect(keysInOrder(event)).toEqual(keysInOrder(sample));
    expect(event.timestamp).toBe('2025-01-15T07:40:12.345678');
    expect(event.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // uuid4
  });

  it('a delay moves new_departure by the delay and new_arrival by delay + 120 min, like FlightPulse', () => {
    const e = buildDelayEvent({ flightId: 'SW1234', delayMinutes: 25 }, { at: AT });
    if (e.event_type !== 'FLIGHT_DELAY') throw new Error('type');
    expect(e.payload.new_departure).toBe('2025-01-15T08:05:12.345678');
    expect(e.payload.new_arrival).toBe('2025-01-15T10:05:12.345678');
    expect(e.payload.reason_detail).toBe('WEATHER conditions affecting operations');
  });

  it('scenario samples have the same relation (so our builders match what FlightPulse produced)', () => {
    for (const s of samples) {
      if (s.event_type !== 'FLIGHT_DELAY') continue;
      const rebuilt = buildDelayEvent(
        {
          flightId: s.payload.flight_id,
          delayMinutes: s.payload.delay_minutes,
          reason: s.payload.reason,
          reasonDetail: s.payload.reason_detail,
        },
        { at: parseUtcIsoMicros(s.timestamp), eventId: s.event_id },
      );
      expect(rebuilt).toEqual(s);
    }
  });

  it('rejects an unknown reason', () => {
    expect(() => buildCancelEvent({ flightId: 'SW1', reason: 'ALIENS' as never })).toThrow(/reason/);
  });
});

describe('every shared sample event parses as a FlightPulse event', () => {
  it.each(samples.map((s) => [s.event_id, s] as const))('%s', (_id, s) => {
    expect(FlightPulseEventSchema.safeParse(s).success).toBe(true);
  });
});

describe('re-dating scenarios to another day', () => {
  it.each([1, 2, 3, 4, 5])('scenario %i keeps shapes, moves dates by whole days, fresh ids', (n) => {
    const verbatim = scenarioMessages(n, { verbatim: true, date: '2026-11-24' });
    const redated = scenarioMessages(n, { verbatim: false, date: '2026-11-24' });
    expect(redated).toHaveLength(verbatim.length);
    redated.forEach((m, i) => {
      const orig = verbatim[i]!.event;
      expect(shape(m.event)).toEqual(shape(orig));
      expect(keysInOrder(JSON.parse(m.value))).toEqual(keysInOrder(orig));
      expect(m.event.event_id).not.toBe(orig.event_id);
      expect(m.event.timestamp).toBe(orig.timestamp.replace('2025-01-15', '2026-11-24'));
      if (m.event.event_type === 'FLIGHT_DELAY' && orig.event_type === 'FLIGHT_DELAY') {
        expect(m.event.payload.new_departure).toBe(orig.payload.new_departure.replace('2025-01-15', '2026-11-24'));
        expect(m.event.payload.new_arrival).toBe(orig.payload.new_arrival.replace('2025-01-15', '2026-11-24'));
      }
      expect(m.event.payload).toEqual(
        m.event.event_type === 'FLIGHT_DELAY'
          ? { ...orig.payload, new_departure: expect.any(String), new_arrival: expect.any(String) }
          : orig.payload,
      );
    });
  });

  it('verbatim values are the file elements as JSON.stringify prints them', () => {
    const raw = JSON.parse(readFileSync(path.join(eventsDir, sampleFiles[4]!), 'utf8')) as unknown[];
    expect(scenarioMessages(5, { verbatim: true, date: '2030-01-01' }).map((m) => m.value)).toEqual(
      raw.map((r) => JSON.stringify(r)),
    );
  });

  it('refuses a bad date', () => {
    expect(() => redateEvent(samples[0]!, '24/11/2026')).toThrow(/YYYY-MM-DD/);
  });
});

describe('pythonJsonDumps matches Python json.dumps defaults', () => {
  it.each([
    [{ a: 1, b: [true, null, 'x'] }, '{"a": 1, "b": [true, null, "x"]}'],
    [{ s: 'Zürich → "A5"\n' }, '{"s": "Z\\u00fcrich \\u2192 \\"A5\\"\\n"}'],
    [[], '[]'],
    [{}, '{}'],
    [{ del: '\u007f' }, '{"del": "\\u007f"}'],
  ])('%j', (value, expected) => {
    expect(pythonJsonDumps(value)).toBe(expected);
    expect(JSON.parse(pythonJsonDumps(value))).toEqual(value);
  });
});

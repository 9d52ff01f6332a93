import { describe, expect, it } from 'vitest';
import { JetwayFlightEventSchema, buildJetwayEvent, jetwayEventKey } from '../../../src/simulator/jetway-event.js';
import { demoFlight, findDemoFlight, networkFlights } from '../../../src/simulator/flights.js';
import { jetwayScenarioEvents } from '../../../src/simulator/jetway-scenarios.js';
import { loadEventGenerator } from '../../../src/simulator/load.js';
import { parseOpsEvent } from '../../../src/ingest/events.js';

const flight = demoFlight('SW1234', '2026-11-24');
const at = new Date('2026-11-24T06:00:00.000Z');

describe('Jetway flight events', () => {
  it('an arrival carries off-block and door-open times and the IATA delay codes', () => {
    // Act
    const e = buildJetwayEvent(
      flight,
      {
        kind: 'arrival',
        codes: [
          { code: '41', minutes: 150 },
          { code: '93', minutes: 40 },
        ],
        taxiInMinutes: 7,
      },
      { at },
    );
    // Assess
    expect(e.status).toBe('ARRIVED');
    expect(e.actual_departure).toBe('2026-11-24T11:10:00.000Z');
    expect(e.door_open_at).toBe('2026-11-24T13:47:00.000Z');
    expect(e.delay).toEqual({
      total_minutes: 190,
      codes: [
        { code: '41', minutes: 150 },
        { code: '93', minutes: 40 },
      ],
    });
    expect(jetwayEventKey(e)).toBe('SW1234-2026-11-24');
    expect(e.flight).toMatchObject({ carrier: 'SW', number: '1234', origin: 'DAL', destination: 'LAX' });
  });

  it.each([
    ['delay', { kind: 'delay', codes: [{ code: '71', minutes: 45 }] }, 'DELAYED'],
    ['cancel', { kind: 'cancel', reasonCode: '71', noticeGivenAt: '2026-11-20T10:00:00.000Z' }, 'CANCELLED'],
    ['gate', { kind: 'gate', oldGate: 'A12', newGate: 'C3', terminalChange: true }, 'SCHEDULED'],
  ] as const)('%s round-trips through the schema as JSON', (_n, update, status) => {
    const e = buildJetwayEvent(flight, update, { at });
    const back = JetwayFlightEventSchema.parse(JSON.parse(JSON.stringify(e)));
    expect(back).toEqual(e);
    expect(back.status).toBe(status);
    expect(back.timestamp).toBe('2026-11-24T06:00:00.000Z');
  });

  it.each([
    ['bad delay code', { codes: [{ code: '4', minutes: 1 }] }],
    ['naive timestamp', { timestamp: '2026-11-24T06:00:00' }],
    ['unknown field', { colour: 'red' }],
  ])('rejects %s', (_n, patch) => {
    const e = buildJetwayEvent(flight, { kind: 'delay', codes: [{ code: '41', minutes: 10 }] }, { at });
    const bad = 'codes' in patch ? { ...e, delay: { total_minutes: 1, ...patch } } : { ...e, ...patch };
    expect(JetwayFlightEventSchema.safeParse(bad).success).toBe(false);
  });

  it('an unknown demo flight is a clear error', () => {
    expect(() => demoFlight('XX1', '2026-11-24')).toThrow(/unknown demo flight XX1/);
  });
});

describe('demo-network flights', () => {
  it('any flight of the local cloud demo network resolves, with its local instance date', () => {
    const net = networkFlights('2026-11-24');
    expect(net.length).toBeGreaterThan(5);
    const other = net.find((f) => f.carrier !== 'SW')!;
    const found = findDemoFlight(`${other.carrier}${other.number}`, '2026-11-24');
    expect(found).toEqual(other);
    const e = buildJetwayEvent(found, { kind: 'arrival', codes: [{ code: '41', minutes: 200 }] }, { at });
    expect(jetwayEventKey(e)).toBe(`${other.carrier}${other.number}-${other.localDepartureDate}`);
    expect(JetwayFlightEventSchema.safeParse(JSON.parse(JSON.stringify(e))).success).toBe(true);
  });
  it('FlightPulse flights still come from the sample schedule', () => {
    expect(findDemoFlight('SW9012', '2026-11-24')).toMatchObject({
      origin: 'PHX',
      destination: 'OAK',
      scheduledDeparture: '2026-11-24T10:00:00.000Z',
    });
  });
  it('an unknown flight names some known ones', () => {
    expect(() => findDemoFlight('ZZ1', '2026-11-24')).toThrow(/unknown demo flight ZZ1 on 2026-11-24 \(e\.g\. SW1234/);
  });
});

describe('Jetway scenario door-open', () => {
  it('coded delay < 3 h, door-open > 3 h after the scheduled arrival, one instance key, in order', () => {
    const f = findDemoFlight('JE241', '2026-11-24');
    const events = jetwayScenarioEvents('door-open', f, at);
    expect(events.map((e) => e.status)).toEqual(['DELAYED', 'DELAYED', 'ARRIVED']);
    expect(new Set(events.map(jetwayEventKey))).toEqual(new Set(['JE241-2026-11-24']));
    const arrival = events[2]!;
    const lateMin = (Date.parse(arrival.door_open_at!) - Date.parse(arrival.flight.scheduled_arrival)) / 60_000;
    expect(arrival.delay!.total_minutes).toBeLessThan(180);
    expect(lateMin).toBeGreaterThan(180);
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort());
  });
});

describe('the ingest accepts what the simulator produces', () => {
  it('door-open scenario events and a load sample all parse with the ingest parser', () => {
    const f = findDemoFlight('JE241', '2026-11-24');
    const values = [
      ...jetwayScenarioEvents('door-open', f, at).map((e) => JSON.stringify(e)),
      ...Array.from({ length: 50 }, loadEventGenerator({ seed: 11, flights: ['SW1234', 'JE241'] })).map((m) => m.value),
    ];
    const outcomes = values.map((v) => parseOpsEvent(Buffer.from(v)));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delayCategory, type Flight } from '../../../../src/shared/domain/index.js';
import { emptyEventFields, type OpsEvent } from '../../../src/ingest/events.js';
import { applyEventToAspects, withBase, deriveDisruption, deriveFlight, needsCases, type Aspects } from '../../../src/ingest/fold.js';

const baseFlight: Flight = {
  id: 'SW1234-2025-01-15',
  carrier: 'SW',
  number: '1234',
  origin: 'DAL',
  destination: 'LAX',
  scheduledDeparture: '2025-01-15T08:00:00Z',
  scheduledArrival: '2025-01-15T10:30:00Z',
  estimatedDeparture: null,
  estimatedArrival: null,
  actualDeparture: null,
  actualArrivalDoorOpen: null,
  status: 'SCHEDULED',
  gate: 'A12',
  terminal: null,
  aircraft: '737-800',
  delayMinutes: 0,
  version: 1,
};

function ev(p: Partial<OpsEvent> & { eventId: string; kind: OpsEvent['kind'] }): OpsEvent {
  return {
    eventType: 'FLIGHT_DELAY',
    source: 'test',
    timestamp: '2025-01-15T07:40:12.345Z',
    flight: { carrier: 'SW', number: '1234', scheduledDeparture: null, instanceId: null },
    ...emptyEventFields(),
    ...p,
  };
}

function fold(events: OpsEvent[]) {
  let a: Aspects = {};
  let flight = baseFlight;
  const ids: string[] = [];
  events.forEach((e, i) => {
    a = applyEventToAspects(withBase(a, flight), e);
    ids.push(e.eventId);
    flight = deriveFlight(flight, a, baseFlight.version + i + 1);
  });
  return { flight, disruption: deriveDisruption('DIS-x', baseFlight.id, a, ids.length, events.length) };
}

describe('estimated times: the schedule plus the delay, never the producer clock', () => {
  it('a FlightPulse delay announced 3 h early is estimated from the schedule, not now + delay', () => {
    // FlightPulse sends new_departure = now + delay: 05:00 + 200 min = 08:20, which is 20 min after
    // the 08:00 schedule, though the flight leaves 200 min late.
    const { flight } = fold([
      ev({ eventId: 'e1', kind: 'DELAY', timestamp: '2025-01-15T05:00:00.000Z', delayMinutes: 200, causeCode: 'ATC', estimatedDeparture: '2025-01-15T08:20:00.000Z', estimatedArrival: '2025-01-15T10:50:00.000Z' }),
    ]);
    expect(flight.status).toBe('DELAYED');
    expect(flight.estimatedDeparture).toBe('2025-01-15T11:20:00.000Z');
    expect(flight.estimatedArrival).toBe('2025-01-15T13:50:00.000Z');
  });
  it('a later, smaller delay moves the estimate back; never before the schedule', () => {
    const { flight } = fold([
      ev({ eventId: 'e1', kind: 'DELAY', delayMinutes: 90, causeCode: 'ATC' }),
      ev({ eventId: 'e2', kind: 'DELAY', timestamp: '2025-01-15T07:50:00.000Z', delayMinutes: 30, causeCode: 'ATC' }),
    ]);
    expect(flight.estimatedDeparture).toBe('2025-01-15T08:30:00.000Z');
    expect(Date.parse(flight.estimatedDeparture!)).toBeGreaterThanOrEqual(Date.parse(flight.scheduledDeparture));
  });
});

describe('delay categories (FlightPulse: minor < 30, major 30–120, severe > 120)', () => {
  it.each([
    [0, 'minor'],
    [29, 'minor'],
    [30, 'major'],
    [90, 'major'],
    [120, 'major'],
    [121, 'severe'],
    [600, 'severe'],
  ] as const)('%i min → %s', (m, cat) => {
    expect(delayCategory(m)).toBe(cat);
  });
});

describe('folding ops events', () => {
  it('cancellation dominates and is urgent', () => {
    const { flight, disruption } = fold([
      ev({ eventId: 'a', kind: 'DELAY', delayMinutes: 45, causeCode: 'CREW' }),
      ev({ eventId: 'b', kind: 'CANCELLATION', causeCode: 'WEATHER', status: 'CANCELLED', timestamp: '2025-01-15T07:50:00.000Z' }),
    ]);
    expect(flight.status).toBe('CANCELLED');
    expect(disruption).toMatchObject({ kind: 'CANCELLATION', urgent: true, causeCode: 'WEATHER' });
    expect(needsCases(disruption)).toBe(true);
  });

  it('a gate change with a terminal change makes the disruption urgent; without, it does not', () => {
    const t = fold([ev({ eventId: 'g', kind: 'GATE_CHANGE', gate: 'D15', terminalChange: true })]);
    expect(t.disruption).toMatchObject({ kind: 'GATE_CHANGE', urgent: true });
    expect(t.flight.gate).toBe('D15');
    const n = fold([ev({ eventId: 'g', kind: 'GATE_CHANGE', gate: 'B12', terminalChange: false })]);
    expect(n.disruption.urgent).toBe(false);
    expect(needsCases(n.disruption)).toBe(false);
  });

  it.each([
    [25, 'minor', false],
    [90, 'major', true],
    [150, 'severe', true],
  ] as const)('a %i-minute delay is %s (cases: %s)', (m, cat, cases) => {
    const { disruption, flight } = fold([ev({ eventId: 'd', kind: 'DELAY', delayMinutes: m })]);
    expect(disruption.delayCategory).toBe(cat);
    expect(disruption.urgent).toBe(cat === 'severe');
    expect(flight.status).toBe('DELAYED');
    expect(needsCases(disruption)).toBe(cases);
  });

  it('the later event wins for the same aspect, whatever the arrival order; ties break on event id', () => {
    const early = ev({ eventId: 'z-early', kind: 'DELAY', delayMinutes: 30, timestamp: '2025-01-15T07:00:00.000Z' });
    const late = ev({ eventId: 'a-late', kind: 'DELAY', delayMinutes: 60, timestamp: '2025-01-15T08:00:00.000Z' });
    expect(fold([early, late]).disruption.delayMinutes).toBe(60);
    expect(fold([late, early]).disruption.delayMinutes).toBe(60);
  });

  it('converges: any delivery order of the same events gives the same flight and disruption (property)', () => {
    const arbEvent = fc.record({
      eventId: fc.uuid(),
      kind: fc.constantFrom('DELAY', 'CANCELLATION', 'GATE_CHANGE') as fc.Arbitrary<OpsEvent['kind']>,
      minute: fc.integer({ min: 0, max: 5 }),
      delay: fc.integer({ min: 0, max: 300 }),
      gate: fc.constantFrom('A1', 'B2', 'C3'),
      terminalChange: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), (raw, rnd) => {
        const events = raw.map((r) =>
          ev({
            eventId: r.eventId,
            kind: r.kind,
            // equal timestamps are common (FlightPulse's scenario 5): ties break on event id
            timestamp: `2025-01-15T07:4${r.minute}:12.345Z`,
            ...(r.kind === 'DELAY' ? { delayMinutes: r.delay } : {}),
            ...(r.kind === 'CANCELLATION' ? { status: 'CANCELLED', causeCode: 'WEATHER' } : {}),
            ...(r.kind === 'GATE_CHANGE' ? { gate: r.gate, terminalChange: r.terminalChange } : {}),
          }),
        );
        const shuffled = [...events];
        const it = rnd[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(fold(shuffled)).toEqual(fold(events));
      }),
      { numRuns: process.env.JETWAY_SOAK === '1' ? 5000 : 300, seed: 20261124 },
    );
  });
});

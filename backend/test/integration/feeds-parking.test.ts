import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, type Flight } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../../src/data/client.js';
import { getCase, getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedThroughFeeds } from '../../src/data/seed.js';
import { manifestMessages, scheduleMessage } from '../../src/feeds/messages.js';
import type { DeadLetter } from '../../src/ingest/processor.js';
import { MANIFEST_TOPIC, OPS_DLQ_TOPIC, OPS_TOPIC, SCHEDULE_TOPIC } from '../../src/ingest/topics.js';
import { startBackendApp, type BackendApp } from '../../src/local/app.js';
import { demoData } from '../../src/local/demo/index.js';
import { scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce, readTopic, startServices, type Services } from '../helpers/stack.js';

/**
 * Parking (backend/src/feeds/parking.ts) through the local app's real wiring: ops events for a
 * flight the schedule has not delivered yet wait, are applied exactly once and in order when the
 * schedule feed creates the flight, and are dead-lettered FLIGHT_NOT_FOUND only past the horizon.
 */
const TODAY = new Date().toISOString().slice(0, 10);
const HORIZON_MS = 3_600_000;
const naive = (ms: number) => new Date(ms).toISOString().replace('Z', '000');

let s: Services;
let ctx: DataContext;
let app: BackendApp;
let clock = Date.now();
const data = demoData({ today: TODAY, passengers: 0 });
const sw9012 = data.flights.find((f) => f.id === `SW9012-${TODAY}`)!;
const onSw9012 = data.bookings.filter((b) => b.flightId === sw9012.id);

beforeAll(async () => {
  s = await startServices({ kafka: true, cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  // The schedule without SW9012 (its bookings arrive, the flight does not).
  await seedThroughFeeds(ctx, { ...data, flights: data.flights.filter((f) => f.id !== sw9012.id), bookings: data.bookings.filter((b) => b.flightId !== sw9012.id) });
  app = await startBackendApp({
    dynamodbEndpoint: s.dynamo.endpoint,
    tablePrefix: prefix,
    kafkaBrokers: s.kafka!.brokers,
    cognito: s.cognito!,
    smtpPort: s.smtp.port,
    sms: s.sms,
    ingestGroupId: `parking-${process.pid}`,
    parking: { horizonMs: HORIZON_MS, now: () => clock, sweepIntervalMs: 0 },
  });
});
afterAll(async () => {
  await app?.stop();
  await s?.stop();
});

const delay = (id: string, flight: string, at: number, minutes: number) =>
  JSON.stringify({
    event_id: id,
    event_type: 'FLIGHT_DELAY',
    timestamp: naive(at),
    source: 'operations_center',
    payload: { flight_id: flight, delay_minutes: minutes, reason: 'ATC', new_departure: naive(at + minutes * 60_000), new_arrival: naive(at + (minutes + 90) * 60_000) },
  });
const cancel = (id: string, flight: string, at: number) =>
  JSON.stringify({ event_id: id, event_type: 'FLIGHT_CANCELLED', timestamp: naive(at), source: 'operations_center', payload: { flight_id: flight, reason: 'WEATHER' } });

describe('parking ops events until their flight is scheduled', () => {
  it('parks events for a flight not scheduled yet, and applies them once, in order, when the schedule feed creates it', async () => {
    // Prepare: the PNRs of SW9012 arrive before its schedule (bookings may precede their flight).
    const pnrs = manifestMessages(data.flights, data.passengers, onSw9012, { version: 1, source: 'test', at: new Date().toISOString() });
    await produce(s.kafka!.brokers, MANIFEST_TOPIC, pnrs.map((m) => JSON.stringify(m)));
    // Act 1: a delay then a cancellation of SW9012, before the flight exists.
    const t = Date.now();
    await produce(s.kafka!.brokers, OPS_TOPIC, [delay('park-d1', 'SW9012', t, 45), cancel('park-c1', 'SW9012', t + 1000)], () => 'sw9012');
    await eventually(async () => (await app.parking.list('SW', '9012')).length === 2, 60_000, 200);
    // Assess 1: parked in arrival order, nothing applied, nothing dead-lettered.
    expect((await app.parking.list('SW', '9012')).map((p) => p.eventId)).toEqual(['park-d1', 'park-c1']);
    expect(await getFlight(ctx, sw9012.id)).toBeNull();
    expect(await getDisruption(ctx, sw9012.id)).toBeNull();
    expect(await readTopic(s.kafka!.brokers, OPS_DLQ_TOPIC, 1, 3000)).toEqual([]);

    // Act 2: the schedule feed delivers SW9012.
    await produce(s.kafka!.brokers, SCHEDULE_TOPIC, [JSON.stringify(scheduleMessage(sw9012, { version: 1, source: 'test', at: new Date().toISOString() }))], () => sw9012.id);
    // Assess 2: both events applied, the flight cancelled, its passengers' cases opened; nothing parked.
    const d = await eventually(async () => {
      const x = await getDisruption(ctx, sw9012.id);
      return x?.eventIds.length === 2 ? x : null;
    }, 90_000, 250);
    expect(d).toMatchObject({ kind: 'CANCELLATION', delayMinutes: 45 });
    expect([...d.eventIds].sort()).toEqual(['park-c1', 'park-d1']);
    expect(await getFlight(ctx, sw9012.id)).toMatchObject({ status: 'CANCELLED', gate: sw9012.gate });
    expect(await app.parking.list('SW', '9012')).toEqual([]);
    await app.idle();
    for (const b of onSw9012) await eventually(async () => getCase(ctx, caseId(sw9012.id, b.passengerId)), 60_000, 250);

    // Act 3: the delay is delivered again (Kafka is at least once).
    const before = app.ingest!.processed();
    await produce(s.kafka!.brokers, OPS_TOPIC, [delay('park-d1', 'SW9012', t, 45)]);
    await eventually(async () => app.ingest!.processed() > before, 60_000, 200);
    await app.idle();
    // Assess 3: applied once.
    const again = (await getDisruption(ctx, sw9012.id))!;
    expect(again.eventIds.filter((e) => e === 'park-d1')).toHaveLength(1);
    expect(again.version).toBe(d.version);
  });

  it('a flight created without the feed consumer (an S3 load) is caught by the sweep', async () => {
    const f: Flight = { ...sw9012, id: `SW7001-${TODAY}`, number: '7001' };
    await produce(s.kafka!.brokers, OPS_TOPIC, [delay('park-d2', 'SW7001', Date.now(), 20)]);
    await eventually(async () => (await app.parking.list('SW', '7001')).length === 1, 60_000, 200);
    // The flight arrives by another path: nothing re-drives it at once.
    await seedThroughFeeds(ctx, { flights: [f], passengers: [], bookings: [] });
    expect(await getDisruption(ctx, f.id)).toBeNull();
    const swept = await app.sweepParked();
    expect(swept).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(await getDisruption(ctx, f.id)).toMatchObject({ kind: 'DELAY', delayMinutes: 20, eventIds: ['park-d2'] });
    expect(await app.parking.list('SW', '7001')).toEqual([]);
  });

  it('dead-letters FLIGHT_NOT_FOUND past the horizon (at once for an event already past it)', async () => {
    // Prepare: one event for a flight that never comes; FlightPulse's 2025 cancellation of an unknown flight.
    const old = scenarioMessages('scenario3-cancellation.json')[0]!.replace('SW9012', 'SW0001').replace('9c4e1a7b', '0ld00000');
    await produce(s.kafka!.brokers, OPS_TOPIC, [delay('park-never', 'JE9999', Date.now(), 30), old]);
    await eventually(async () => (await app.parking.list('JE', '9999')).length === 1, 60_000, 200);
    const first = (await readTopic(s.kafka!.brokers, OPS_DLQ_TOPIC, 1, 30_000)).map((m) => JSON.parse(m.value) as DeadLetter);
    expect(first).toMatchObject([{ reason: 'FLIGHT_NOT_FOUND', errorPath: 'payload.flight_id', originalValue: old }]);
    // A sweep before the horizon leaves it parked.
    expect(await app.sweepParked()).toMatchObject({ stillParked: 1, deadLettered: 0 });
    // Act: the clock passes the horizon.
    clock = Date.now() + HORIZON_MS + 60_000;
    const swept = await app.sweepParked();
    // Assess
    expect(swept).toMatchObject({ deadLettered: 1, applied: 0 });
    expect(await app.parking.list('JE', '9999')).toEqual([]);
    const letters = (await readTopic(s.kafka!.brokers, OPS_DLQ_TOPIC, 2, 30_000)).map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letters[1]).toMatchObject({ reason: 'FLIGHT_NOT_FOUND', eventId: 'park-never', topic: OPS_TOPIC, errorPath: 'payload.flight_id' });
    expect(letters[1]!.originalValue).toContain('"park-never"');
  });
});

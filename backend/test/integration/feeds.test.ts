import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Flight } from '../../../src/shared/domain/index.js';
import { readHead, readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { getFlight, items } from '../../src/data/repositories.js';
import { seedDemoData, seedThroughFeeds } from '../../src/data/seed.js';
import { applyFeedBatch, type FeedRecord } from '../../src/feeds/apply.js';
import { startFeedsConsumer, type FeedsConsumer } from '../../src/feeds/consumer.js';
import { manifestMessages, scheduleMessage } from '../../src/feeds/messages.js';
import type { ManifestMessage, ScheduleMessage } from '../../src/feeds/schemas.js';
import { ingestRecord, type DeadLetter } from '../../src/ingest/processor.js';
import { demoData } from '../../src/local/demo/index.js';
import { eventually, produce, readTopic, startServices, type Services } from '../helpers/stack.js';

/**
 * The production feeds (backend/src/feeds) on DynamoDB Local and a real Kafka broker: the schedule
 * and PNR topics build the same flights, bookings and passengers as the fixture seeder; stale and
 * redelivered messages change nothing; hostile messages are dead-lettered with their reason while
 * the consumer goes on.
 */
let s: Services;
beforeAll(async () => {
  s = await startServices({ kafka: true });
});
afterAll(async () => {
  await s?.stop();
});

type Row = Record<string, unknown>;
const ENTITY_TYPES = new Set(['flight', 'booking', 'passenger']);

async function scanEntities(ctx: DataContext): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const it of r.Items ?? []) if (ENTITY_TYPES.has(String(it.entityType))) out.set(`${String(it.PK)}|${String(it.SK)}`, it);
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Every change logged per station: `kind id vN`. */
async function logged(ctx: DataContext, stations: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const st of stations) {
    const set = new Set<string>();
    for (let cursor = 0; ; ) {
      const entries = await readLog(ctx, st, cursor, 500);
      if (!entries.length) break;
      for (const e of entries) for (const c of e.changes) set.add(`${c.kind} ${c.id} v${c.version}`);
      cursor = entries[entries.length - 1]!.seq;
    }
    out.set(st, set);
  }
  return out;
}

const at = '2026-11-24T06:00:00Z';
const msgOpts = { version: 1, source: 'test', at };

describe('schedule and manifest topics', () => {
  const data = demoData({ today: '2026-11-24', passengers: 400 });
  const topics = { scheduleTopic: `sched-${process.pid}`, manifestTopic: `pnr-${process.pid}` };
  let seeded: DataContext;
  let fed: DataContext;
  let consumer: FeedsConsumer;
  const schedule = data.flights.map((f) => JSON.stringify(scheduleMessage(f, msgOpts)));
  const manifests = manifestMessages(data.flights, data.passengers, data.bookings, msgOpts).map((m) => JSON.stringify(m));

  beforeAll(async () => {
    ({ ctx: seeded } = await s.newTables());
    ({ ctx: fed } = await s.newTables());
    consumer = await startFeedsConsumer({ ctx: fed }, { brokers: s.kafka!.brokers, groupId: `feeds-${process.pid}`, ...topics });
  });
  afterAll(async () => {
    await consumer?.stop();
  });

  it('build the same flights, bookings and passengers as the seeder, logged to their stations', async () => {
    // Prepare: the fixture seeder's state in one table.
    await seedDemoData(seeded, data);
    // Act: the same data as feed messages, keyed by entity, the schedule first.
    await produce(s.kafka!.brokers, topics.scheduleTopic, schedule, (i) => data.flights[i]!.id);
    await produce(s.kafka!.brokers, topics.manifestTopic, manifests, (i) => (JSON.parse(manifests[i]!) as ManifestMessage).pnr.record_locator);
    await eventually(async () => consumer.processed() >= schedule.length + manifests.length, 120_000, 250);
    await consumer.idle();
    // Assess: every item of the seeder, the same (passengers without a booking have no PNR: the feeds never name them).
    expect(consumer.totals().deadLettered).toBe(0);
    const [a, b] = [await scanEntities(seeded), await scanEntities(fed)];
    const booked = new Set(data.bookings.map((x) => x.passengerId));
    const unbooked = data.passengers.filter((p) => !booked.has(p.id)).map((p) => `PAX#${p.id}|META`);
    expect([...a.keys()].filter((k) => !b.has(k)).sort()).toEqual(unbooked.sort());
    expect([...b.keys()].filter((k) => !a.has(k))).toEqual([]);
    const differing = [...b.keys()].filter((k) => JSON.stringify(sortKeys(a.get(k))) !== JSON.stringify(sortKeys(b.get(k))));
    expect(differing.slice(0, 5).map((k) => ({ seeder: a.get(k), feeds: b.get(k) }))).toEqual([]);
    expect(b.size).toBe(data.flights.length + data.bookings.length + booked.size);

    // Change logs: each station hears at least what the seeder told it, and flights only of its own.
    const stations = [...new Set(data.flights.flatMap((f) => [f.origin, f.destination]))];
    const [la, lb] = [await logged(seeded, stations), await logged(fed, stations)];
    for (const st of stations) {
      const missing = [...la.get(st)!].filter((c) => !lb.get(st)!.has(c));
      expect({ st, missing: missing.slice(0, 5) }).toEqual({ st, missing: [] });
      const foreign = [...lb.get(st)!].filter((c) => c.startsWith('flight ')).filter((c) => {
        const f = data.flights.find((x) => x.id === c.split(' ')[1]);
        return f?.origin !== st && f?.destination !== st;
      });
      expect(foreign).toEqual([]);
    }
  });

  it('redelivered messages write nothing and log nothing', async () => {
    const heads = await Promise.all(['PHX', 'DAL', 'LHR'].map((st) => readHead(fed, st)));
    const before = consumer.totals();
    await produce(s.kafka!.brokers, topics.scheduleTopic, schedule.slice(0, 50));
    await produce(s.kafka!.brokers, topics.manifestTopic, manifests.slice(0, 50));
    // (Kafka may redeliver more after a rebalance: only ever as unchanged messages.)
    await eventually(async () => consumer.totals().unchanged >= before.unchanged + 100, 60_000, 250);
    await consumer.idle();
    expect(consumer.totals()).toMatchObject({ written: before.written, deadLettered: 0 });
    expect(await Promise.all(['PHX', 'DAL', 'LHR'].map((st) => readHead(fed, st)))).toEqual(heads);
  });

  it('dead-letters hostile messages with the reason, applies nothing of them, and keeps consuming', async () => {
    const dlq = `${topics.scheduleTopic}.dlq`;
    const base = JSON.parse(schedule[0]!) as ScheduleMessage;
    const other = (n: string, patch: (m: ScheduleMessage) => unknown) => JSON.stringify(patch({ ...structuredClone(base), message_id: n }));
    const hostile: (string | Buffer | null)[] = [
      '{"schema_version": 1, "message_type": "FLIGHT_SCHEDULE"',
      null,
      Buffer.from([0xff, 0xfe, 0x7b, 0x00]),
      other('v2', (m) => ({ ...m, schema_version: 2 })),
      other('teleport', (m) => ({ ...m, message_type: 'FLIGHT_TELEPORTED' })),
      manifests[0]!,
      other('backwards', (m) => ({ ...m, flight: { ...m.flight, scheduled_arrival: '2026-11-24T01:00:00Z', scheduled_departure: '2026-11-24T03:00:00Z', departure_date: '2026-11-24' } })),
      other('feb30', (m) => ({ ...m, flight: { ...m.flight, departure_date: '2026-02-30' } })),
      other('extra', (m) => ({ ...m, flight: { ...m.flight, price: 1 } })),
      other('proto', (m) => JSON.parse(JSON.stringify(m).replace('"flight":{', '"__proto__":{"admin":true},"flight":{'))),
      other('big', (m) => ({ ...m, source: 'x'.repeat(70_000) })),
      other('neg', (m) => ({ ...m, entity_version: -1 })),
      other('moved', (m) => ({ ...m, entity_version: 9, flight: { ...m.flight, destination: m.flight.origin === 'LHR' ? 'CDG' : 'LHR' } })),
      other('conflict', (m) => ({ ...m, flight: { ...m.flight, gate: 'Z99' } })),
    ];
    const goodFlight: Flight = { ...data.flights[0]!, id: `${data.flights[0]!.carrier}9${data.flights[0]!.number.slice(-3)}-2026-11-24`, number: `9${data.flights[0]!.number.slice(-3)}` };
    await produce(s.kafka!.brokers, topics.scheduleTopic, [...hostile, JSON.stringify(scheduleMessage(goodFlight, msgOpts))], () => 'one-partition');
    const letters = (await readTopic(s.kafka!.brokers, dlq, hostile.length, 60_000)).map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letters.map((l) => l.reason)).toEqual([
      'INVALID_JSON',
      'EMPTY_MESSAGE',
      'INVALID_JSON',
      'UNSUPPORTED_SCHEMA_VERSION',
      'UNKNOWN_MESSAGE_TYPE',
      'WRONG_TOPIC',
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
      'SCHEMA_VIOLATION',
      'MESSAGE_TOO_LARGE',
      'SCHEMA_VIOLATION',
      'FLIGHT_MISMATCH',
      'VERSION_CONFLICT',
    ]);
    expect(letters[2]).toMatchObject({ originalEncoding: 'base64', originalValue: Buffer.from([0xff, 0xfe, 0x7b, 0x00]).toString('base64') });
    expect(letters[6]).toMatchObject({ errorPath: 'flight.scheduled_arrival' });
    expect(letters[7]).toMatchObject({ errorPath: 'flight.departure_date' });
    expect(letters[13]).toMatchObject({ errorPath: 'entity_version', eventId: 'conflict', topic: topics.scheduleTopic });
    for (const l of letters) expect(l.error.length).toBeGreaterThan(0);
    // Nothing of them applied; the message after them was.
    await eventually(async () => getFlight(fed, goodFlight.id), 30_000);
    expect(await getFlight(fed, data.flights[0]!.id)).toMatchObject({ gate: data.flights[0]!.gate, destination: data.flights[0]!.destination, version: 1 });
  });
});

describe('versions', () => {
  const sample = demoData({ today: '2026-11-24', passengers: 0 });
  const flight = sample.flights.find((f) => f.id === 'SW9012-2026-11-24')!;
  const pnrOf = (bookings: Booking[], o: { version: number }, patch: (m: ManifestMessage) => void = () => {}) => {
    const m = manifestMessages(sample.flights, sample.passengers, bookings, { ...msgOpts, ...o })[0]!;
    patch(m);
    return m;
  };
  const letters: DeadLetter[] = [];
  const apply = async (ctx: DataContext, messages: unknown[]) =>
    applyFeedBatch({ ctx, deadLetters: { send: async (l) => void letters.push(l) } }, messages.map((m, i): FeedRecord => ({ value: JSON.stringify(m), meta: { topic: 't', partition: 0, offset: String(i) } })));

  it('a stale schedule message never overwrites a newer one; ops fields and an ops gate stay the ops feed’s', async () => {
    const { ctx } = await s.newTables();
    await seedThroughFeeds(ctx, sample);
    const v = (version: number, f: Partial<Flight>) => scheduleMessage({ ...flight, ...f }, { ...msgOpts, version });
    // Act: v3 (new gate), then the older v2 and a redelivered v3.
    const r = await apply(ctx, [v(3, { gate: 'C9' })]);
    expect(r.outcomes[0]).toMatchObject({ outcome: 'applied', written: 1 });
    const r2 = await apply(ctx, [v(2, { gate: 'C5', aircraft: '737-800' }), v(3, { gate: 'C9' })]);
    expect(r2.outcomes.map((o) => o.outcome === 'unchanged' && o.why)).toEqual(['stale', 'duplicate']);
    expect(await getFlight(ctx, flight.id)).toMatchObject({ gate: 'C9', aircraft: flight.aircraft, version: 2 });

    // An ops delay of 40 min, then a schedule change 30 min later with another gate.
    const delay = { event_id: 'd-1', event_type: 'FLIGHT_DELAY', timestamp: '2026-11-24T07:00:00', source: 'ops', payload: { flight_id: 'SW9012', delay_minutes: 40, reason: 'ATC', new_departure: '2026-11-24T10:40:00', new_arrival: '2026-11-24T12:10:00' } };
    const ingested = await ingestRecord({ ctx, workflows: { startDisruption: async () => undefined }, deadLetters: { send: async (l) => expect.fail(l.reason) } }, JSON.stringify(delay), { topic: 'ops', partition: 0, offset: '0' });
    expect(ingested.outcome).toBe('applied');
    const later = (ms: number, iso: string) => new Date(Date.parse(iso) + ms).toISOString().replace('.000Z', 'Z');
    const moved = v(4, { gate: 'D1', scheduledDeparture: later(30 * 60_000, flight.scheduledDeparture), scheduledArrival: later(30 * 60_000, flight.scheduledArrival) });
    expect((await apply(ctx, [moved])).outcomes[0]).toMatchObject({ outcome: 'applied' });
    const after = (await getFlight(ctx, flight.id))!;
    expect(after).toMatchObject({ gate: 'C9', status: 'DELAYED', delayMinutes: 40, scheduledDeparture: moved.flight.scheduled_departure });
    expect(Date.parse(after.estimatedDeparture!)).toBe(Date.parse(moved.flight.scheduled_departure) + 40 * 60_000);
    expect(letters).toEqual([]);
  });

  it('a stale PNR never overwrites a newer one; a dropped segment is cancelled; Jetway’s rebooking status stays', async () => {
    const { ctx } = await s.newTables();
    await seedThroughFeeds(ctx, { ...sample, bookings: [] });
    const list = sample.bookings.filter((b) => b.pnr === sample.bookings.find((x) => x.passengerId === 'P001')!.pnr);
    const b0 = list[0]!;
    await apply(ctx, [pnrOf(list, { version: 1 })]);
    // v3 moves the seat; the older v2 (another seat) arrives after it.
    await apply(ctx, [pnrOf(list, { version: 3 }, (m) => (m.pnr.segments[0]!.seat = '30F'))]);
    const stale = await apply(ctx, [pnrOf(list, { version: 2 }, (m) => (m.pnr.segments[0]!.seat = '1A'))]);
    expect(stale.outcomes[0]).toMatchObject({ outcome: 'unchanged', why: 'stale' });
    const row = async (b: Booking) => (await ctx.doc.send(new ScanCommand({ TableName: ctx.table, FilterExpression: 'SK = :sk', ExpressionAttributeValues: { ':sk': `BOOKING#${b.id}` }, ConsistentRead: true }))).Items?.[0];
    expect(await row(b0)).toMatchObject({ seat: '30F', version: 2 });

    // Jetway marks it NEEDS_REBOOKING (as a cancellation does); the airline's v4 still says CONFIRMED.
    const cur = (await row(b0)) as Booking;
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: items.booking({ ...cur, status: 'NEEDS_REBOOKING', version: cur.version + 1 }) }));
    await apply(ctx, [pnrOf(list, { version: 4 }, (m) => { m.pnr.segments[0]!.seat = '30F'; m.pnr.segments[0]!.bags_checked = 2; })]);
    expect(await row(b0)).toMatchObject({ status: 'NEEDS_REBOOKING', bagsChecked: 2, version: 4 });

    // v5 without the first segment: that booking is cancelled, and logged.
    const v5 = pnrOf(list, { version: 5 }, (m) => { m.pnr.segments = m.pnr.segments.slice(1); });
    await apply(ctx, [v5]);
    expect(await row(b0)).toMatchObject({ status: 'CANCELLED', version: 5 });
    const f0 = sample.flights.find((f) => f.id === b0.flightId)!;
    const log = (await readLog(ctx, f0.origin, 0, 1000)).flatMap((e) => e.changes);
    expect(log.some((c) => c.kind === 'booking' && c.id === b0.id && (c.data as Booking).status === 'CANCELLED')).toBe(true);

    // The same version with other content is a producer bug: dead-lettered, nothing applied.
    const conflict = await apply(ctx, [pnrOf(list, { version: 5 }, (m) => { m.pnr.segments = []; m.pnr.passengers[0]!.language = 'fr'; })]);
    expect(conflict.outcomes[0]).toMatchObject({ outcome: 'dead-lettered', reason: 'VERSION_CONFLICT' });
    expect(letters.map((l) => l.reason)).toEqual(['VERSION_CONFLICT']);
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

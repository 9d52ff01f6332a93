import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, flightInstanceId, type Booking, type Flight, type Passenger } from '../../../src/shared/domain/index.js';
import { readAuditTrail } from '../../src/data/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { seedDemoData } from '../../src/data/seed.js';
import type { BackendApp } from '../../src/local/app.js';
import { buildJetwayEvent, type ScheduledFlight } from '../../src/simulator/jetway-event.js';
import { eventually, produce, startApp, startServices, type Services } from '../helpers/stack.js';

/**
 * Notices on every material change, end to end: Kafka `flight-operations` → ingest → disruption
 * workflow → QueueNotifications → outbox → SMTP sink / SMS log (DynamoDB Local, Kafka, cognito-local
 * for the app). A delay past a threshold, then more delay in the same band (no news), then a
 * cancellation: each affected passenger receives exactly two messages per channel, in their language,
 * with the EU261 Art 14 written notice (the flight departs Madrid).
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;

const sched: ScheduledFlight = {
  carrier: 'IB',
  number: '3166',
  origin: 'MAD',
  destination: 'FRA',
  scheduledDeparture: '2026-12-05T09:00:00Z',
  scheduledArrival: '2026-12-05T11:30:00Z',
  localDepartureDate: '2026-12-05',
};
const FLIGHT = flightInstanceId('IB', '3166', '2026-12-05');
const gateSched: ScheduledFlight = { ...sched, number: '3170', scheduledDeparture: '2026-12-05T15:00:00Z', scheduledArrival: '2026-12-05T17:30:00Z' };
const GATE_FLIGHT = flightInstanceId('IB', '3170', '2026-12-05');

const pax = (id: string, language: string, email: string | null, phone: string | null): Passenger => ({
  id,
  firstName: `First${id}`,
  lastName: `Last${id}`,
  email,
  phone,
  loyaltyNumber: null,
  tier: null,
  language,
  contact: { email: email !== null, sms: phone !== null, push: false },
  specialRequests: [],
  version: 1,
});
// P1 reads Spanish (email), P2 French (email + SMS), P3 German (email), P4 English (SMS only), P5 Dutch (email: English fallback).
const PASSENGERS = [
  pax('NP1', 'es', 'ana@notify.test', null),
  pax('NP2', 'fr', 'luc@notify.test', '+33612345678'),
  pax('NP3', 'de', 'jonas@notify.test', null),
  pax('NP4', 'en', null, '+447700900123'),
  pax('NP5', 'nl', 'sanne@notify.test', null),
];

function seedData() {
  const flight: Flight = {
    id: FLIGHT,
    carrier: 'IB',
    number: '3166',
    origin: 'MAD',
    destination: 'FRA',
    scheduledDeparture: sched.scheduledDeparture,
    scheduledArrival: sched.scheduledArrival,
    estimatedDeparture: null,
    estimatedArrival: null,
    actualDeparture: null,
    actualArrivalDoorOpen: null,
    status: 'SCHEDULED',
    gate: 'B12',
    terminal: '4',
    aircraft: 'A321',
    delayMinutes: 0,
    version: 1,
  };
  const bookings: Booking[] = PASSENGERS.map((p, i) => ({
    id: `NB${i + 1}`,
    pnr: `NPNR${i + 1}`,
    passengerId: p.id,
    flightId: FLIGHT,
    seat: `${10 + i}A`,
    fareClass: 'Y',
    cabin: 'economy',
    fare: { amountMinor: 18000, currency: 'EUR' },
    status: 'CONFIRMED',
    bagsChecked: 0,
    version: 1,
  }));
  const gateFlight: Flight = { ...flight, id: GATE_FLIGHT, number: '3170', scheduledDeparture: gateSched.scheduledDeparture, scheduledArrival: gateSched.scheduledArrival };
  const gateBookings: Booking[] = [PASSENGERS[0]!, PASSENGERS[2]!].map((p, i) => ({ ...bookings[0]!, id: `NG${i + 1}`, pnr: `NGPNR${i + 1}`, passengerId: p.id, flightId: GATE_FLIGHT }));
  return { flights: [flight, gateFlight], passengers: PASSENGERS, bookings: [...bookings, ...gateBookings] };
}

beforeAll(async () => {
  s = await startServices({ kafka: true, cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  await seedDemoData(ctx, seedData());
  app = await startApp(s, prefix);
}, 180_000);
afterAll(async () => {
  await app?.stop();
  await s?.stop();
});

const mailsTo = (to: string) => s.smtp.messages().filter((m) => m.to.includes(to));
const smsTo = (to: string) => s.sms.messages().filter((m) => m.to === to);
const at = (iso: string) => new Date(iso);

async function send(update: Parameters<typeof buildJetwayEvent>[1], when: string, flight = sched): Promise<void> {
  await produce(s.kafka!.brokers, 'flight-operations', [JSON.stringify(buildJetwayEvent(flight, update, { at: at(when) }))]);
}

describe('a delay, more delay in the same band, then a cancellation', () => {
  it('each passenger receives exactly two messages per channel, in their language, recorded on their case', async () => {
    // Act 1: 130 minutes late (past the 120-minute threshold).
    await send({ kind: 'delay', codes: [{ code: '41', minutes: 130 }] }, '2026-12-05T07:00:00Z');
    await eventually(async () => mailsTo('ana@notify.test').length >= 1 && smsTo('+447700900123').length >= 1, 90_000);
    // Act 2: 150 minutes late: the same band (120–179), not news.
    await send({ kind: 'delay', codes: [{ code: '41', minutes: 150 }] }, '2026-12-05T07:20:00Z');
    await eventually(async () => (await app.ctx.doc.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: ctx.table, Key: { PK: `FLIGHT#${FLIGHT}`, SK: 'META' } }))).Item?.delayMinutes === 150, 60_000);
    await app.idle();
    // Act 3: cancelled.
    await send({ kind: 'cancel', reasonCode: '41' }, '2026-12-05T07:40:00Z');
    await eventually(async () => mailsTo('ana@notify.test').length >= 2 && smsTo('+447700900123').length >= 2, 90_000);
    await app.idle();
    await new Promise((r) => setTimeout(r, 1000));

    // Assess: exactly two messages per passenger and channel.
    for (const to of ['ana@notify.test', 'luc@notify.test', 'jonas@notify.test', 'sanne@notify.test']) expect(mailsTo(to), to).toHaveLength(2);
    for (const to of ['+33612345678', '+447700900123']) expect(smsTo(to), to).toHaveLength(2);

    // In their language: Spanish, French, German; Dutch falls back to English.
    const [esDelay, esCancel] = mailsTo('ana@notify.test');
    expect(esDelay!.subject).toBe('El vuelo IB3166 tiene un retraso de 130 minutos');
    expect(esCancel!.subject).toBe('El vuelo IB3166 ha sido cancelado');
    expect(esCancel!.text).toContain('Estimado/a FirstNP1 LastNP1:');
    // The EU261 Art 14 written notice of rights, in Spanish, with each disruption notice.
    for (const m of [esDelay!, esCancel!]) expect(m.text).toContain('Sus derechos según el Reglamento (CE) n.º 261/2004 (información del artículo 14)');
    expect(mailsTo('luc@notify.test').map((m) => m.subject)).toEqual(['Le vol IB3166 est retardé de 130 minutes', 'Le vol IB3166 est annulé']);
    expect(mailsTo('jonas@notify.test').map((m) => m.subject)).toEqual(['Flug IB3166 hat 130 Minuten Verspätung', 'Flug IB3166 wurde annulliert']);
    expect(mailsTo('sanne@notify.test').map((m) => m.subject)).toEqual(['Flight IB3166 is delayed by 130 minutes', 'Flight IB3166 has been cancelled']);
    // Local time at Madrid (UTC+1 in December): 10:00 scheduled, 12:10 estimated.
    expect(esDelay!.text).toContain('10:00');
    expect(esDelay!.text).toContain('12:10');
    const [frDelay, frCancel] = smsTo('+33612345678');
    expect(frDelay!.text).toMatch(/^Jetway : le vol IB3166 MAD–FRA est retardé de 130 minutes ; départ estimé .*12:10/);
    expect(frCancel!.text).toMatch(/^Jetway : le vol IB3166 MAD–FRA du .*10:00 est annulé/);
    expect(smsTo('+447700900123')[1]!.text).toContain('Under EU261');

    // Recorded on each passenger's case: delay then cancellation, per channel.
    for (const p of PASSENGERS) {
      const trail = (await readAuditTrail(ctx, caseId(FLIGHT, p.id))).filter((a) => a.action.startsWith('notif'));
      const channels = (p.email ? 1 : 0) + (p.phone ? 1 : 0);
      expect(trail.map((a) => a.action), p.id).toEqual(Array(2 * channels).fill('notified'));
      expect(new Set(trail.map((a) => a.details.topic))).toEqual(new Set(['disruption:DELAY', 'disruption:CANCELLATION']));
    }
  });
});

describe('a gate change (no workflow, no cases)', () => {
  it('reaches each passenger of the flight once, in their language, through an outbox fanout job', async () => {
    // Act: the gate moves from B12 to C7; the same move is reported again by a second event.
    await send({ kind: 'gate', oldGate: 'B12', newGate: 'C7', terminalChange: false }, '2026-12-05T12:00:00Z', gateSched);
    await send({ kind: 'gate', oldGate: 'B12', newGate: 'C7', terminalChange: false }, '2026-12-05T12:01:00Z', gateSched);
    const gateMails = (to: string) => mailsTo(to).filter((m) => m.subject.includes('IB3170'));
    // The drainer (a timer in the local cloud; SchedDrainOutbox in AWS) expands the job.
    await eventually(async () => {
      await app.idle();
      await app.notifier.drain();
      return gateMails('ana@notify.test').length >= 1 && gateMails('jonas@notify.test').length >= 1;
    }, 90_000, 500);
    await app.notifier.drain();
    await new Promise((r) => setTimeout(r, 500));
    // Assess: one each, Spanish and German; nobody else on that flight, no case opened.
    expect(gateMails('ana@notify.test').map((m) => m.subject)).toEqual(['Vuelo IB3170: ahora sale de la puerta C7, terminal 4']);
    expect(gateMails('jonas@notify.test').map((m) => m.subject)).toEqual(['Flug IB3170: Abflug jetzt von Gate C7, Terminal 4']);
    expect(gateMails('luc@notify.test')).toHaveLength(0);
    expect(await readAuditTrail(ctx, caseId(GATE_FLIGHT, 'NP1'))).toEqual([]);
  });
});

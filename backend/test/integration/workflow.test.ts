import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId } from '../../../src/shared/domain/index.js';
import { readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getCaseWithEntitlements, getDisruption, pageBookings } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import type { BackendApp } from '../../src/local/app.js';
import { OPS_TOPIC } from '../../src/ingest/topics.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce, startApp, startServices, type Services } from '../helpers/stack.js';

/**
 * Kafka → ingest → disruption workflow (the ASL file run by aws-local-stepfunctions, Task
 * states bound to the Lambda handler functions) → cases, entitlements, change logs, emails.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
const EXTRA = 60; // 62 passengers on SW9012: 3 Map batches of ≤ 25, several transactions
const flight = fpInstance('SW9012');

beforeAll(async () => {
  s = await startServices({ kafka: true, cognito: true });
  let prefix: string;
  ({ ctx, prefix } = await s.newTables());
  await seedDemoData(ctx, flightpulseData(EXTRA));
  app = await startApp(s, prefix);
});
afterAll(async () => {
  await app?.stop();
  await s?.stop();
});

async function countPrefix(pk: string): Promise<number> {
  const res = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p)', ExpressionAttributeValues: { ':p': pk }, Select: 'COUNT' }));
  return res.Count ?? 0;
}

describe('cancellation → cases', () => {
  it('a duplicated cancellation produces one disruption and exactly one case per booked passenger, with entitlements', async () => {
    // Prepare
    const booked = (await pageBookings(ctx, flight, 1000, null)).bookings;
    expect(booked).toHaveLength(EXTRA + 2);
    const [cancel] = scenarioMessages('scenario3-cancellation.json');
    // Act: Kafka delivers it twice (at-least-once; FlightPulse sends no key)
    await produce(s.kafka!.brokers, OPS_TOPIC, [cancel!, cancel!]);
    await eventually(async () => (app.ingest?.processed() ?? 0) >= 2, 60_000);
    await app.idle();
    // Assess
    const d = await getDisruption(ctx, flight);
    expect(d).toMatchObject({ kind: 'CANCELLATION', version: 1 });
    expect(app.workflows.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(await countPrefix('CASE#')).toBeGreaterThan(0);
    for (const b of booked) {
      const c = await getCaseWithEntitlements(ctx, caseId(flight, b.passengerId));
      expect(c, b.passengerId).not.toBeNull();
      expect(c!.case).toMatchObject({ flightId: flight, disruptionId: d!.id, bookingId: b.id, status: 'OPEN', stations: ['PHX', 'OAK'], primaryRegime: 'US_DOT' });
      expect(c!.case.policyVersion).toMatch(/goodwill@/);
      expect(c!.entitlements.length).toBeGreaterThan(0);
      for (const e of c!.entitlements) {
        expect(e.status).toBe('OFFERED');
        expect(e.clauses.length).toBeGreaterThan(0);
        expect(e.clauses[0]!.reason.length).toBeGreaterThan(0);
      }
      expect(c!.entitlements.some((e) => e.type === 'meal' && e.amount?.currency === 'USD')).toBe(true);
    }
    const caseRows = await ctx.doc.send(
      new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p) AND SK = :m', ExpressionAttributeValues: { ':p': 'CASE#', ':m': 'META' }, Select: 'COUNT' }),
    );
    expect(caseRows.Count).toBe(booked.length);
    // Every booking needs rebooking now.
    const after = (await pageBookings(ctx, flight, 1000, null)).bookings;
    expect(after.every((b) => b.status === 'NEEDS_REBOOKING' && b.version === 2)).toBe(true);
  });

  it('cases reach both stations’ change logs, each case exactly once, several cases per entry', async () => {
    for (const st of ['PHX', 'OAK']) {
      const entries = await readLog(ctx, st, 0, 1000);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      const cases = entries.flatMap((e) => e.changes.filter((c) => c.kind === 'case').map((c) => c.id));
      expect(cases).toHaveLength(EXTRA + 2);
      expect(new Set(cases).size).toBe(EXTRA + 2);
      const withCases = entries.filter((e) => e.changes.some((c) => c.kind === 'case'));
      expect(withCases.length).toBeLessThan(EXTRA + 2);
    }
  });

  it('passengers who opted in got one disruption email each, even though the event came twice', async () => {
    const data = flightpulseData(EXTRA);
    const onFlight = new Set(data.bookings.filter((b) => b.flightId === flight).map((b) => b.passengerId));
    const optedIn = data.passengers.filter((p) => onFlight.has(p.id) && p.email && p.contact.email);
    await eventually(async () => s.smtp.messages().filter((m) => m.subject.includes('SW9012 has been cancelled')).length >= optedIn.length, 20_000);
    const mails = s.smtp.messages().filter((m) => m.subject.includes('SW9012 has been cancelled'));
    expect(mails).toHaveLength(optedIn.length);
    expect(new Set(mails.flatMap((m) => m.to))).toEqual(new Set(optedIn.map((p) => p.email)));
  });

  it('passengers who opted in to SMS and have a phone got one text each', async () => {
    const data = flightpulseData(EXTRA);
    const onFlight = new Set(data.bookings.filter((b) => b.flightId === flight).map((b) => b.passengerId));
    const wantSms = data.passengers.filter((p) => onFlight.has(p.id) && p.phone && p.contact.sms);
    expect(wantSms.length).toBeGreaterThan(0);
    const texts = s.sms.messages().filter((m) => m.text.includes('SW9012') && m.text.includes('cancelled'));
    expect(texts.map((m) => m.to).sort()).toEqual(wantSms.map((p) => p.phone).sort());
  });

  it('re-running the workflow for the same disruption creates nothing twice', async () => {
    // Act: a second execution (e.g. a re-drive) of the same event under another name.
    await app.workflows.startDisruption({ flightId: flight, disruptionId: `DIS-${flight}`, eventId: '9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73' }, 'redrive-1');
    await app.idle();
    // Assess
    expect(app.workflows.executions().find((e) => e.name === 'redrive-1')?.status).toBe('SUCCEEDED');
    const cases = await ctx.doc.send(
      new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p) AND SK = :m', ExpressionAttributeValues: { ':p': 'CASE#', ':m': 'META' }, Select: 'COUNT' }),
    );
    expect(cases.Count).toBe(EXTRA + 2);
    const phx = await readLog(ctx, 'PHX', 0, 1000);
    expect(phx.flatMap((e) => e.changes.filter((c) => c.kind === 'case'))).toHaveLength(EXTRA + 2);
    const ents = await ctx.doc.send(new QueryCommand({ TableName: ctx.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.case(caseId(flight, 'GX0001')).PK } }));
    expect(ents.Items?.length).toBeGreaterThan(1);
  });
});

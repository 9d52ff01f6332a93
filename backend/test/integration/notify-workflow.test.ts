import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataContext } from '../../src/data/client.js';
import { getCaseWithEntitlements, getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { ingestRecord } from '../../src/ingest/processor.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { smtpTransport } from '../../src/notify/smtp.js';
import type { EmailTransport } from '../../src/notify/transports.js';
import { createLocalWorkflowRunner } from '../../src/workflows/local-runner.js';
import { buildJetwayEvent } from '../../src/simulator/jetway-event.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { caseId } from '../../../src/shared/domain/index.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { startServices, type Services } from '../helpers/stack.js';

let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.stop();
});

const meta = { topic: 'flight-operations', partition: 0, offset: '0' };
const noLetters = { send: async () => undefined };

describe('notifier: at most once per key (DynamoDB Local + SMTP sink)', () => {
  let ctx: DataContext;
  beforeAll(async () => {
    ({ ctx } = await s.newTables());
  });

  it('sends once however often and however concurrently it is asked', async () => {
    const email = smtpTransport({ port: s.smtp.port });
    const n = createNotifier({ ctx, email });
    const msg = { to: 'once@example.com', subject: 'once-only', text: 'hello' };
    const results = await Promise.all(Array.from({ length: 6 }, () => n.emailOnce('voucher:ISS-1', msg)));
    results.push(await n.emailOnce('voucher:ISS-1', msg));
    expect(results.filter((r) => r === 'sent')).toHaveLength(1);
    await s.smtp.waitFor((m) => m.subject === 'once-only', 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.smtp.messages().filter((m) => m.subject === 'once-only')).toHaveLength(1);
    email.close();
  });

  it('a failed send stays in the outbox; the next try sends; a sent item is never sent again', async () => {
    let calls = 0;
    const flaky: EmailTransport = {
      send: async () => {
        calls++;
        if (calls === 1) throw new Error('SMTP down');
        return { messageId: `m${calls}` };
      },
    };
    const n = createNotifier({ ctx, email: flaky });
    const msg = { to: 'x@example.com', subject: 's', text: 't' };
    await expect(n.emailOnce('k-flaky', msg)).rejects.toThrow('SMTP down');
    expect(await n.emailOnce('k-flaky', msg)).toBe('sent');
    expect(await n.emailOnce('k-flaky', msg)).toBe('already-sent');
    expect(calls).toBe(2);
    expect(await n.outbox.get('email:k-flaky')).toMatchObject({ status: 'SENT', messageId: 'm2', attempts: 2, lastError: 'SMTP down' });
  });
});

describe('disruption workflow failure and re-drive', () => {
  it('a failing task ends in the compensating state; a re-drive after the fix creates the cases once', async () => {
    // Prepare
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(5));
    const sent: string[] = [];
    const notifier = { canSms: false, emailOnce: async (k: string) => (sent.push(k), 'sent' as const), smsOnce: async () => 'sent' as const };
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
    let broken = true;
    const policy = () => {
      if (broken) throw new Error('policy store unavailable');
      return defaultPolicySet();
    };
    const wf = createLocalWorkflowRunner({ ctx, policy, notifier, log });
    // Act 1: the policy cannot load → EvaluatePassengers fails → Map Catch → MarkDisruptionFailed → Fail.
    await ingestRecord({ ctx, workflows: wf, deadLetters: noLetters }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    // Assess 1
    expect(wf.executions().map((e) => e.status)).toEqual(['FAILED']);
    expect(warnings).toContain('disruption workflow failed');
    expect(await getCaseWithEntitlements(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).toBeNull();
    // Act 2: fixed; the same event is re-driven (a FAILED execution name may run again).
    broken = false;
    const exec = wf.executions()[0]!;
    await wf.startDisruption({ flightId: fpInstance('SW9012'), disruptionId: `DIS-${fpInstance('SW9012')}`, eventId: '9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73' }, exec.name);
    await wf.idle();
    // Assess 2
    expect(wf.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(await getCaseWithEntitlements(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).not.toBeNull();
    await wf.stop();
  });
});

describe('Jetway events end to end into the domain', () => {
  it('a coded delay and the door-open arrival reach the flight, the disruption and the cases', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(3));
    const notifier = { canSms: false, emailOnce: async () => 'sent' as const, smsOnce: async () => 'sent' as const };
    const p = defaultPolicySet();
    const wf = createLocalWorkflowRunner({ ctx, policy: () => p, notifier });
    const deps = { ctx, workflows: wf, deadLetters: noLetters };
    const sched = { carrier: 'SW', number: '9012', origin: 'PHX', destination: 'OAK', scheduledDeparture: '2025-01-15T10:00:00Z', scheduledArrival: '2025-01-15T11:30:00Z', localDepartureDate: '2025-01-15' };
    // Act: delay 200 min (code 41 aircraft defect, 150; 93 rotation, 50), then the arrival.
    const delay = buildJetwayEvent(sched, { kind: 'delay', codes: [{ code: '41', minutes: 150 }, { code: '93', minutes: 50 }] }, { at: new Date('2025-01-15T09:00:00Z') });
    const arrival = buildJetwayEvent(sched, { kind: 'arrival', codes: [{ code: '41', minutes: 150 }, { code: '93', minutes: 50 }], taxiInMinutes: 7 }, { at: new Date('2025-01-15T15:00:00Z') });
    expect(await ingestRecord(deps, JSON.stringify(delay), meta)).toMatchObject({ outcome: 'applied', workflowStarted: true });
    expect(await ingestRecord(deps, JSON.stringify(arrival), meta)).toMatchObject({ outcome: 'applied' });
    await wf.idle();
    // Assess
    const f = await getFlight(ctx, fpInstance('SW9012'));
    expect(f).toMatchObject({ status: 'ARRIVED', delayMinutes: 200, actualArrivalDoorOpen: '2025-01-15T14:57:00.000Z' });
    const d = await getDisruption(ctx, fpInstance('SW9012'));
    expect(d).toMatchObject({ kind: 'DELAY', delayMinutes: 200, delayCategory: 'severe', urgent: true, causeCode: '41' });
    const c = await getCaseWithEntitlements(ctx, caseId(fpInstance('SW9012'), 'GX0001'));
    expect(c?.case).toMatchObject({ status: 'OPEN', stations: ['PHX', 'OAK'] });
    await wf.stop();
  });
});

describe('auto-issue of policy-automatic entitlements (opt-in)', () => {
  it('issues each passenger’s automatic meal voucher once, through the command path, and a re-run replays', async () => {
    // Prepare
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(6));
    const mails: string[] = [];
    const transport: EmailTransport = { send: async (m) => (mails.push(m.subject), { messageId: String(mails.length) }) };
    const notifier = createNotifier({ ctx, email: transport });
    const p = defaultPolicySet();
    const wf = createLocalWorkflowRunner({ ctx, policy: () => p, notifier, autoIssue: true });
    // Act
    await ingestRecord({ ctx, workflows: wf, deadLetters: noLetters }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    await wf.startDisruption({ flightId: fpInstance('SW9012'), disruptionId: `DIS-${fpInstance('SW9012')}`, eventId: 'x' }, 'rerun');
    await wf.idle();
    // Assess: 8 passengers, each with one ISSUED automatic meal voucher; one issuance and one voucher email each.
    const pax = flightpulseData(6).bookings.filter((b) => b.flightId === fpInstance('SW9012')).map((b) => b.passengerId);
    expect(pax).toHaveLength(8);
    for (const id of pax) {
      const c = await getCaseWithEntitlements(ctx, caseId(fpInstance('SW9012'), id));
      const auto = c!.entitlements.filter((e) => e.automatic);
      expect(auto.length).toBeGreaterThan(0);
      for (const e of auto) expect(e).toMatchObject({ status: 'ISSUED', version: 2 });
      for (const e of c!.entitlements.filter((x) => !x.automatic)) expect(e.status).toBe('OFFERED');
    }
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const issuances = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p)', ExpressionAttributeValues: { ':p': 'ISSUANCE#' } }));
    expect(issuances.Items).toHaveLength(8);
    expect(issuances.Items!.every((i) => i.issuedBy === 'system:auto-issue')).toBe(true);
    expect(mails.filter((m) => m.includes('voucher'))).toHaveLength(8);
    // One `notified` entry per voucher email on each case, even after the re-run.
    const { readAuditTrail } = await import('../../src/data/audit.js');
    for (const id of pax) {
      const trail = await readAuditTrail(ctx, caseId(fpInstance('SW9012'), id));
      expect(trail.filter((a) => a.action === 'notified' && String(a.details.topic).startsWith('voucher:'))).toHaveLength(1);
    }
    await wf.stop();
  });
});

describe('disruption notices', () => {
  it('a passenger with a bad phone number does not fail the workflow; the others are notified', async () => {
    // Prepare: GX0001 has a phone the SMS transport refuses; GX0002 a good one.
    const { ctx } = await s.newTables();
    const data = flightpulseData(3);
    for (const p of data.passengers) {
      if (p.id === 'GX0001') Object.assign(p, { phone: 'call me maybe', contact: { email: false, sms: true, push: false } });
      if (p.id === 'GX0002') Object.assign(p, { phone: '+15550001111', contact: { email: false, sms: true, push: false } });
    }
    await seedDemoData(ctx, data);
    const { createSmsLog } = await import('../../src/local/services/sms.js');
    const sms = createSmsLog();
    const notifier = createNotifier({ ctx, email: { send: async () => ({ messageId: 'm' }) }, sms });
    const warnings: string[] = [];
    const p = defaultPolicySet();
    const wf = createLocalWorkflowRunner({ ctx, policy: () => p, notifier, log: { info: () => undefined, warn: (m) => void warnings.push(m) } });
    // Act
    await ingestRecord({ ctx, workflows: wf, deadLetters: noLetters }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    // Assess
    expect(wf.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(warnings).toContain('passenger notice not delivered yet');
    expect(sms.messages().map((m) => m.to)).toContain('+15550001111');
    expect(sms.messages().some((m) => m.to === 'call me maybe')).toBe(false);
    // Each message and its delivery status is on the case's audit trail (the desk's case timeline).
    const { readAuditTrail } = await import('../../src/data/audit.js');
    const bad = (await readAuditTrail(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).filter((a) => a.action.startsWith('notif'));
    expect(bad.map((a) => [a.action, a.details.channel, a.details.topic])).toEqual([['notification_failed', 'sms', 'disruption:CANCELLATION']]);
    const good = (await readAuditTrail(ctx, caseId(fpInstance('SW9012'), 'GX0002'))).filter((a) => a.action.startsWith('notif'));
    expect(good.map((a) => [a.action, a.details.channel, a.details.to])).toEqual([['notified', 'sms', '***1111']]);
    await wf.stop();
  });
});

describe('one case per passenger per flight', () => {
  it('a passenger with two bookings on the cancelled flight gets one case; both bookings need rebooking', async () => {
    const { ctx } = await s.newTables();
    const data = flightpulseData(2);
    const first = data.bookings.find((b) => b.passengerId === 'GX0001')!;
    data.bookings.push({ ...first, id: 'BX9999', pnr: 'GX9999', seat: '30C' });
    await seedDemoData(ctx, data);
    const notifier = { canSms: false, emailOnce: async () => 'sent' as const, smsOnce: async () => 'sent' as const };
    const p = defaultPolicySet();
    const wf = createLocalWorkflowRunner({ ctx, policy: () => p, notifier });
    await ingestRecord({ ctx, workflows: wf, deadLetters: noLetters }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    expect(wf.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
    const { pageBookings } = await import('../../src/data/repositories.js');
    const mine = (await pageBookings(ctx, fpInstance('SW9012'), 100, null)).bookings.filter((b) => b.passengerId === 'GX0001');
    expect(mine.map((b) => b.status)).toEqual(['NEEDS_REBOOKING', 'NEEDS_REBOOKING']);
    const c = await getCaseWithEntitlements(ctx, caseId(fpInstance('SW9012'), 'GX0001'));
    expect(c?.case.bookingId).toBe(first.id);
    await wf.stop();
  });
});

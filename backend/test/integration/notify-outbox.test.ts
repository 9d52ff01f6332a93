import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId } from '../../../src/shared/domain/index.js';
import { readAuditTrail } from '../../src/data/audit.js';
import { seedDemoData } from '../../src/data/seed.js';
import { ingestRecord } from '../../src/ingest/processor.js';
import { noticeFlightChanges } from '../../src/notify/changes.js';
import { idempotentSend } from '../../src/notify/idempotency.js';
import type { Delivery } from '../../src/notify/outbox.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { smtpTransport } from '../../src/notify/smtp.js';
import type { EmailTransport } from '../../src/notify/transports.js';
import { METRIC, metricTotals } from '../../src/observability/metrics.js';
import { createLocalWorkflowRunner } from '../../src/workflows/local-runner.js';
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { startServices, type Services } from '../helpers/stack.js';

/**
 * The durable outbox on DynamoDB Local with the SMTP sink: a failed send is retried (backoff) until
 * delivered, exactly once; a send that never succeeds is given up after its last attempt and recorded
 * as `notification_failed`; a send the transport accepted before a crash is not sent again (Powertools
 * Idempotency); two drainers at once deliver each message once.
 */
let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.stop();
});

const meta = { topic: 'flight-operations', partition: 0, offset: '0' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real SMTP transport to the sink, failing the first `failures` attempts for each address ('SMTP 451'). */
function failingFirst(failures: number | ((to: string) => number)): EmailTransport & { attempts: Map<string, number>; close(): void } {
  const smtp = smtpTransport({ port: s.smtp.port });
  const attempts = new Map<string, number>();
  return {
    attempts,
    async send(msg) {
      const n = (attempts.get(msg.to) ?? 0) + 1;
      attempts.set(msg.to, n);
      const limit = typeof failures === 'number' ? failures : failures(msg.to);
      if (n <= limit) throw new Error(`451 4.3.0 try again later (attempt ${n})`);
      return smtp.send(msg);
    },
    close: () => smtp.close(),
  };
}

/**
 * Drains until nothing has been due for longer than the longest backoff these tests configure
 * (200 ms, +20 % jitter): a retry scheduled by the last round is then no longer waiting.
 */
async function drainUntilQuiet(drain: () => Promise<Record<Delivery, number>>, rounds = 100): Promise<void> {
  let quietSince: number | null = null;
  for (let i = 0; i < rounds; i++) {
    const c = await drain();
    if (c.sent + c.retry + c['in-progress'] + c.dead > 0) quietSince = null;
    else if (quietSince === null) quietSince = Date.now();
    else if (i > 2 && Date.now() - quietSince > 400) return;
    await sleep(60);
  }
}

describe('notification outbox', () => {
  it('a failed send is retried with backoff until delivered, once, and recorded once on the case', async () => {
    // Prepare: SW9012 cancelled; every passenger's email fails three times before the sink takes it.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(3));
    const email = failingFirst(3);
    const notifier = createNotifier({ ctx, email, maxAttempts: 6, backoff: { baseMs: 40, maxMs: 200 }, graceMs: 0 });
    const retriesBefore = metricTotals()[METRIC.notificationRetries] ?? 0;
    const sentBefore = metricTotals()[METRIC.notificationsSent] ?? 0;
    const wf = createLocalWorkflowRunner({ ctx, policy: () => defaultPolicySet(), notifier });
    // Act: the workflow's first try fails for everyone; the drainer retries.
    await ingestRecord({ ctx, workflows: wf, deadLetters: { send: async () => undefined } }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    expect(wf.executions().map((e) => e.status)).toEqual(['SUCCEEDED']);
    const addresses = [...email.attempts.keys()];
    expect(addresses.length).toBeGreaterThan(3);
    expect(s.smtp.messages().filter((m) => addresses.some((a) => m.to.includes(a)))).toHaveLength(0);
    await drainUntilQuiet(() => notifier.drain());
    // Assess: each address got exactly one message, on its fourth attempt.
    await sleep(300);
    for (const a of addresses) {
      expect(s.smtp.messages().filter((m) => m.to.includes(a)), a).toHaveLength(1);
      expect(email.attempts.get(a), a).toBe(4);
    }
    expect((metricTotals()[METRIC.notificationRetries] ?? 0) - retriesBefore).toBe(3 * addresses.length);
    expect((metricTotals()[METRIC.notificationsSent] ?? 0) - sentBefore).toBe(addresses.length);
    // One `notified` entry per case (attempts 4), no `notification_failed`.
    const gx1 = (await readAuditTrail(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).filter((a) => a.action.startsWith('notif'));
    expect(gx1.map((a) => [a.action, a.details.topic, a.details.attempts])).toEqual([['notified', 'disruption:CANCELLATION', 4]]);
    // Drained again, re-run again: nothing more is sent.
    await wf.startDisruption({ flightId: fpInstance('SW9012'), disruptionId: `DIS-${fpInstance('SW9012')}`, eventId: 'again' }, 'again');
    await wf.idle();
    await drainUntilQuiet(() => notifier.drain(), 5);
    for (const a of addresses) expect(s.smtp.messages().filter((m) => m.to.includes(a))).toHaveLength(1);
    await wf.stop();
    email.close();
  });

  it('a send that never succeeds is given up after the last attempt: notification_failed on the case, NotificationsFailed', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(3));
    // guest1 is refused for ever; the others are delivered at once.
    const email = failingFirst((to) => (to === 'guest1@example.com' ? 1000 : 0));
    const notifier = createNotifier({ ctx, email, maxAttempts: 3, backoff: { baseMs: 30, maxMs: 60 }, graceMs: 0 });
    const failedBefore = metricTotals()[METRIC.notificationsFailed] ?? 0;
    const wf = createLocalWorkflowRunner({ ctx, policy: () => defaultPolicySet(), notifier });
    await ingestRecord({ ctx, workflows: wf, deadLetters: { send: async () => undefined } }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    await drainUntilQuiet(() => notifier.drain());
    expect(email.attempts.get('guest1@example.com')).toBe(3);
    const trail = (await readAuditTrail(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).filter((a) => a.action.startsWith('notif'));
    expect(trail.map((a) => [a.action, a.details.attempts])).toEqual([['notification_failed', 3]]);
    expect(String(trail[0]!.details.error)).toContain('451 4.3.0');
    expect((metricTotals()[METRIC.notificationsFailed] ?? 0) - failedBefore).toBe(1);
    const item = await notifier.outbox.get(`email:${fpInstance('SW9012')}:CANCELLATION|GX0001`);
    expect(item).toMatchObject({ status: 'DEAD', attempts: 3 });
    // Nothing is tried any more.
    await drainUntilQuiet(() => notifier.drain(), 5);
    expect(email.attempts.get('guest1@example.com')).toBe(3);
    await wf.stop();
    email.close();
  });

  it('a send the transport accepted before the worker crashed is not sent again (Powertools Idempotency)', async () => {
    const { ctx } = await s.newTables();
    let calls = 0;
    const email: EmailTransport = { send: async () => ({ messageId: `accepted-${++calls}` }) };
    const notifier = createNotifier({ ctx, email, graceMs: 0 });
    const item = await notifier.outbox.enqueue({ id: 'email:crash-test', channel: 'email', to: 'crash@example.com', subject: 's', text: 't', topic: 'test' });
    // The first worker's send went through Powertools and the transport, then it died before marking the item SENT.
    const send = idempotentSend(ctx, async () => email.send({ to: 'crash@example.com', subject: 's', text: 't' }));
    await send({ key: item.id, channel: 'email', to: 'crash@example.com', subject: 's', text: 't' });
    expect(calls).toBe(1);
    expect((await notifier.outbox.get(item.id))?.status).toBe('PENDING');
    // The drainer retries the PENDING item: the stored answer, no second send.
    const counts = await notifier.drain();
    expect(counts.sent).toBe(1);
    expect(calls).toBe(1);
    expect(await notifier.outbox.get(item.id)).toMatchObject({ status: 'SENT', messageId: 'accepted-1' });
  });

  it('two drainers at once deliver each due message once', async () => {
    const { ctx } = await s.newTables();
    let calls = 0;
    const email: EmailTransport = {
      send: async (m) => {
        calls++;
        await sleep(20);
        return { messageId: `m-${m.to}` };
      },
    };
    const a = createNotifier({ ctx, email, graceMs: 0 });
    const b = createNotifier({ ctx, email, graceMs: 0 });
    for (let i = 0; i < 30; i++) await a.outbox.enqueue({ id: `email:bulk-${i}`, channel: 'email', to: `bulk${i}@example.com`, subject: 's', text: 't', topic: 'test' }, { dueInMs: 0 });
    await Promise.all([drainUntilQuiet(() => a.drain()), drainUntilQuiet(() => b.drain())]);
    expect(calls).toBe(30);
    for (let i = 0; i < 30; i++) expect((await a.outbox.get(`email:bulk-${i}`))?.status).toBe('SENT');
  });

  it('past its time budget the notice step only stores messages (due now); the drainer sends each once', async () => {
    // Prepare: SW9012 cancelled, its cases opened by a workflow whose notifier sends nothing.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData(4));
    const silent = { canSms: false, emailOnce: async () => 'sent' as const, smsOnce: async () => 'sent' as const };
    const wf = createLocalWorkflowRunner({ ctx, policy: () => defaultPolicySet(), notifier: silent });
    await ingestRecord({ ctx, workflows: wf, deadLetters: { send: async () => undefined } }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    await wf.idle();
    await wf.stop();
    let calls = 0;
    const notifier = createNotifier({ ctx, email: { send: async () => ({ messageId: `q${++calls}` }) }, graceMs: 60_000 });
    // Act: the budget is already spent.
    const r = await noticeFlightChanges({ ctx, notifier }, { flightId: fpInstance('SW9012'), deliverUntil: 0 });
    // Assess: stored, nothing sent; the drainer sends each message once, a second drain nothing.
    expect(r.queued).toBeGreaterThan(3);
    expect(r.notified).toBe(0);
    expect(calls).toBe(0);
    const first = await notifier.drain();
    expect(first.sent).toBe(calls);
    expect(calls).toBeGreaterThan(3);
    expect((await notifier.drain()).sent).toBe(0);
    // The case trail records each delivery.
    const gx1 = (await readAuditTrail(ctx, caseId(fpInstance('SW9012'), 'GX0001'))).filter((a) => a.action === 'notified');
    expect(gx1.map((a) => a.details.topic)).toEqual(['disruption:CANCELLATION']);
  });
});

describe('recordNotification with the outbox transition alongside', () => {
  it('writes the trail entry and the transition together, or neither when the transition is refused', async () => {
    const { ctx } = await s.newTables();
    const { PutCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { items } = await import('../../src/data/repositories.js');
    const { keys } = await import('../../src/data/keys.js');
    const { recordNotification } = await import('../../src/notify/record.js');
    const id = 'CASE-rec-1';
    await ctx.doc.send(new PutCommand({
      TableName: ctx.table,
      Item: items.case({ id, flightId: 'SW1-2026-12-03', disruptionId: 'DIS-SW1-2026-12-03', passengerId: 'P1', bookingId: 'B1', status: 'OPEN', policyVersion: null, primaryRegime: null, needsReview: [], stations: ['PHX'], assignee: null, openedAt: null, statusSince: null, version: 1 }),
    }));
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.outbox('n-1'), status: 'PENDING', attempts: 0 } }));
    const toSent = (prev: number) => ({
      Update: {
        TableName: ctx.table,
        Key: keys.outbox('n-1'),
        UpdateExpression: 'SET #s = :sent',
        ConditionExpression: '#s = :pending AND attempts = :prev',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':prev': prev },
      },
    });
    const rec = { channel: 'email' as const, topic: 'disruption:CANCELLATION', to: 'j***@example.com', status: 'sent' as const, attempts: 1 };
    const notified = async () => (await readAuditTrail(ctx, id)).filter((a) => a.action === 'notified').length;

    // Refused (the item was at another attempt count: another worker moved it): nothing written.
    expect(await recordNotification(ctx, id, rec, undefined, toSent(3))).toBe('alongside-refused');
    expect(await notified()).toBe(0);
    expect((await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.outbox('n-1') }))).Item?.status).toBe('PENDING');
    // Accepted: both.
    expect(await recordNotification(ctx, id, rec, undefined, toSent(0))).toBe('recorded');
    expect(await notified()).toBe(1);
    expect((await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.outbox('n-1') }))).Item?.status).toBe('SENT');
    // No case: neither (the outbox then makes the transition alone).
    expect(await recordNotification(ctx, 'CASE-none', rec, undefined, toSent(0))).toBe('not-recorded');
  });
});

describe('idempotentSend (Powertools Idempotency, claims and completions through the group committer)', () => {
  it('sends once per key: a concurrent call is refused in progress, a repeat gets the stored answer, a failed send leaves no claim, an expired claim is taken over', async () => {
    const { IdempotencyAlreadyInProgressError } = await import('@aws-lambda-powertools/idempotency');
    const { ctx } = await s.newTables();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let failNext = false;
    const send = idempotentSend(ctx, async () => {
      calls++;
      if (failNext) {
        failNext = false;
        throw new Error('451 try again');
      }
      if (calls === 1) await gate;
      return { messageId: `m-${calls}` };
    });
    const req = (key: string) => ({ key, channel: 'email' as const, to: 'x@example.com', text: 't' });

    const first = send(req('k1'));
    await sleep(50);
    await expect(send(req('k1'))).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    release();
    expect(await first).toEqual({ messageId: 'm-1' });
    expect(await send(req('k1'))).toEqual({ messageId: 'm-1' });
    expect(calls).toBe(1);

    failNext = true;
    await expect(send(req('k2'))).rejects.toThrow('451');
    expect(await send(req('k2'))).toEqual({ messageId: 'm-3' });
    expect(calls).toBe(3);

    // A claim whose holder died: taken over once its in-progress time has passed.
    const short = idempotentSend(ctx, async () => ({ messageId: `short-${++calls}` }), { inProgressSeconds: 1 });
    const hung = idempotentSend(ctx, () => new Promise<{ messageId: string }>(() => undefined), { inProgressSeconds: 1 });
    void hung(req('k3'));
    await sleep(300);
    await expect(short(req('k3'))).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    await sleep(1200);
    expect(await short(req('k3'))).toEqual({ messageId: `short-${calls}` });
  });
});

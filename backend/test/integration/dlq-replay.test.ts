import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDlqCli } from '../../src/cli/dlq.js';
import { getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { startLocalIngest, type LocalIngest } from '../../src/ingest/kafka-consumer.js';
import type { DisruptionWorkflowInput, WorkflowStarter } from '../../src/workflows/starter.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce, startServices, type Services } from '../helpers/stack.js';

/** `jetway dlq` against real Kafka and DynamoDB Local: an event dead-lettered before its flight existed is re-driven once. */
let s: Services;
beforeAll(async () => {
  s = await startServices({ kafka: true });
});
afterAll(async () => {
  await s?.stop();
});

function cliIo() {
  let out = '';
  let err = '';
  return {
    io: { stdin: process.stdin, stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: (t: string) => ((err += t), true) } } as never,
    out: () => out,
    err: () => err,
  };
}

describe('jetway dlq', () => {
  const topic = `ops-dlq-replay-${process.pid}`;
  const dlq = `${topic}.dlq`;
  let ingest: LocalIngest;
  const starts: DisruptionWorkflowInput[] = [];
  const workflows: WorkflowStarter = { startDisruption: async (input) => void starts.push(input) };

  afterAll(async () => {
    await ingest?.stop();
  });

  it('lists the dead letter, replays it once after the fix, and ingest applies the event exactly once', async () => {
    // Prepare: the schedule without SW9012, so FlightPulse's cancellation of it is FLIGHT_NOT_FOUND.
    const { ctx } = await s.newTables();
    const full = flightpulseData();
    const missing = fpInstance('SW9012');
    await seedDemoData(ctx, { ...full, flights: full.flights.filter((f) => f.id !== missing), bookings: full.bookings.filter((b) => b.flightId !== missing) });
    ingest = await startLocalIngest({ ctx, workflows }, { brokers: s.kafka!.brokers, groupId: `ingest-${topic}`, topic, dlqTopic: dlq });
    const cancel = scenarioMessages('scenario3-cancellation.json')[0]!;
    const eventId = (JSON.parse(cancel) as { event_id: string }).event_id;
    await produce(s.kafka!.brokers, topic, [cancel], () => 'one');
    await eventually(async () => ingest.processed() >= 1, 60_000);
    await ingest.idle();
    const common = ['--brokers', s.kafka!.brokers.join(','), '--dlq-topic', dlq, '--topic', topic];
    const table = ['--endpoint', s.dynamo.endpoint, '--table', ctx.table];

    // Act 1: list
    const list = cliIo();
    expect(await runDlqCli(['list', ...common], list.io)).toBe(0);
    // Assess 1: one letter with its reason and event id
    const lines = list.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('FLIGHT_NOT_FOUND');
    expect(lines[0]).toContain(eventId);
    const id = lines[0]!.split(/\s+/)[0]!;
    expect(id).toMatch(/^\d+:\d+$/);
    const show = cliIo();
    expect(await runDlqCli(['show', id, ...common], show.io)).toBe(0);
    expect(JSON.parse(show.out())).toMatchObject({ id, letter: { reason: 'FLIGHT_NOT_FOUND', eventId, originalValue: cancel } });

    // Act 2: replay before the fix: dead-lettered again, with the same reason (nothing applied).
    // Then the flight arrives (the fix) and the new letter is replayed.
    const early = cliIo();
    expect(await runDlqCli(['replay', id, ...common, ...table], early.io)).toBe(0);
    expect(early.out()).toContain(`${id}  replayed`);
    await eventually(async () => ingest.processed() >= 2, 60_000);
    await ingest.idle();
    expect(await getDisruption(ctx, fpInstance('SW9012'))).toBeNull();
    await seedDemoData(ctx, full);
    const again = cliIo();
    expect(await runDlqCli(['replay', id, ...common, ...table], again.io)).toBe(0);
    expect(again.out()).toContain(`${id}  already-replayed`);
    const all = cliIo();
    expect(await runDlqCli(['replay', '--all', '--reason', 'FLIGHT_NOT_FOUND', ...common, ...table], all.io)).toBe(0);
    expect(all.out()).toMatch(/1 replayed, 1 already replayed/);
    await eventually(async () => ingest.processed() >= 3, 60_000);
    await ingest.idle();

    // Assess 2: applied once
    const d = await getDisruption(ctx, fpInstance('SW9012'));
    expect(d?.eventIds.filter((e) => e === eventId)).toHaveLength(1);
    expect((await getFlight(ctx, fpInstance('SW9012')))?.status).toBe('CANCELLED');
    expect(starts.filter((x) => x.eventId === eventId)).toHaveLength(1);

    // Act 3: --again re-drives a replayed letter; ingest's event_id dedupe keeps it applied once.
    const forced = cliIo();
    expect(await runDlqCli(['replay', '--all', '--again', ...common, ...table], forced.io)).toBe(0);
    await eventually(async () => ingest.processed() >= 5, 60_000);
    await ingest.idle();
    expect((await getDisruption(ctx, fpInstance('SW9012')))?.eventIds.filter((e) => e === eventId)).toHaveLength(1);
    expect(await getDisruption(ctx, fpInstance('SW9012'))).toMatchObject({ eventCount: 1, version: 1 });
    // The re-driven duplicate asks the starter again for the same execution (a no-op unless it FAILED).
    expect(new Set(starts.filter((x) => x.eventId === eventId).map((x) => JSON.stringify(x))).size).toBe(1);
  });

  it('refuses bad ids and missing subcommands with a usage error', async () => {
    for (const argv of [[], ['replay'], ['show'], ['show', 'abc'], ['replay', '1:2', '--all'], ['purge']]) {
      const c = cliIo();
      expect(await runDlqCli(argv, c.io)).toBe(2);
      expect(c.err()).toContain('usage: jetway dlq');
    }
  });
});

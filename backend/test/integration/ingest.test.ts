import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { startLocalIngest, type LocalIngest } from '../../src/ingest/kafka-consumer.js';
import { ingestRecord, type DeadLetter } from '../../src/ingest/processor.js';
import { OPS_DLQ_TOPIC, OPS_TOPIC } from '../../src/ingest/topics.js';
import type { DisruptionWorkflowInput, WorkflowStarter } from '../../src/workflows/starter.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce, readTopic, startServices, type Services } from '../helpers/stack.js';

/**
 * Ingest against a real Kafka broker and DynamoDB Local. The workflow starter here only records
 * starts (the workflow itself runs in workflow.test.ts / api.test.ts).
 */
function recordingStarter(): WorkflowStarter & { starts: DisruptionWorkflowInput[] } {
  const starts: DisruptionWorkflowInput[] = [];
  return { starts, startDisruption: async (input) => void starts.push(input) };
}

let s: Services;
beforeAll(async () => {
  s = await startServices({ kafka: true });
});
afterAll(async () => {
  await s?.stop();
});

describe('ingest from Kafka', () => {
  let ctx: DataContext;
  let ingest: LocalIngest;
  const starter = recordingStarter();
  const topic = `${OPS_TOPIC}-t1`;
  const dlq = `${OPS_DLQ_TOPIC}-t1`;

  beforeAll(async () => {
    ({ ctx } = await s.newTables());
    await seedDemoData(ctx, flightpulseData());
    ingest = await startLocalIngest({ ctx, workflows: starter }, { brokers: s.kafka!.brokers, groupId: 'ingest-t1', topic, dlqTopic: dlq });
  });
  afterAll(async () => {
    await ingest?.stop();
  });

  it('dead-letters malformed and unknown events with the reason and keeps ingesting; duplicates apply once', async () => {
    // Prepare: bad messages around the cancellation, which is delivered twice (at-least-once).
    const [cancel] = scenarioMessages('scenario3-cancellation.json');
    const unknownFlight = cancel!.replace('SW9012', 'SW0001').replace('9c4e1a7b', '00000000');
    const messages = [
      '{"event_id": "broken',
      JSON.stringify({ event_id: 'u1', event_type: 'FLIGHT_TELEPORTED', timestamp: '2025-01-15T07:40:12', source: 'x', payload: {} }),
      cancel!,
      JSON.stringify({ ...JSON.parse(cancel!), event_id: 'bad-reason', payload: { flight_id: 'SW9012', reason: 'ALIENS' } }),
      unknownFlight,
      cancel!,
      ...scenarioMessages('scenario4-gate-change.json'),
    ];
    // Act
    await produce(s.kafka!.brokers, topic, messages);
    await eventually(async () => ingest.processed() >= messages.length, 60_000);
    await ingest.idle();
    // Assess: 4 dead letters, each with reason, path, original bytes and source coordinates.
    const letters = (await readTopic(s.kafka!.brokers, dlq, 4)).map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letters.map((l) => l.reason).sort()).toEqual(['FLIGHT_NOT_FOUND', 'INVALID_JSON', 'SCHEMA_VIOLATION', 'UNKNOWN_EVENT_TYPE']);
    for (const l of letters) {
      expect(l.topic).toBe(topic);
      expect(typeof l.partition).toBe('number');
      expect(l.offset).toMatch(/^\d+$/);
      expect(messages).toContain(l.originalValue);
      expect(l.error.length).toBeGreaterThan(0);
    }
    expect(letters.find((l) => l.reason === 'SCHEMA_VIOLATION')?.errorPath).toBe('payload.reason');
    expect(letters.find((l) => l.reason === 'FLIGHT_NOT_FOUND')?.errorPath).toBe('payload.flight_id');

    // The cancellation resolved SW9012 to its instance, persisted once, started one workflow.
    const d = await getDisruption(ctx, fpInstance('SW9012'));
    expect(d).toMatchObject({ kind: 'CANCELLATION', urgent: true, causeCode: 'WEATHER', version: 1, eventIds: ['9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73'] });
    expect((await getFlight(ctx, fpInstance('SW9012')))?.status).toBe('CANCELLED');
    // One workflow, for this event: the redelivery asks the starter again (it re-runs only a FAILED
    // execution of the same deterministic name), never for another.
    expect([...new Set(starter.starts.map((x) => JSON.stringify(x)))]).toEqual([JSON.stringify({ flightId: fpInstance('SW9012'), disruptionId: `DIS-${fpInstance('SW9012')}`, eventId: '9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73' })]);

    // Gate change with a terminal change: urgent, flight gate moved, no cases workflow.
    const g = await getDisruption(ctx, fpInstance('SW3456'));
    expect(g).toMatchObject({ kind: 'GATE_CHANGE', urgent: true });
    expect((await getFlight(ctx, fpInstance('SW3456')))?.gate).toBe('D15');

    // Both stations of SW9012 (PHX, OAK) got the flight and disruption in their logs.
    for (const st of ['PHX', 'OAK']) {
      const changes = (await readLog(ctx, st, 0, 100)).flatMap((e) => e.changes);
      expect(changes.some((c) => c.kind === 'disruption' && c.id === `DIS-${fpInstance('SW9012')}`)).toBe(true);
      expect(changes.some((c) => c.kind === 'flight' && c.id === fpInstance('SW9012') && (c.data as { status: string }).status === 'CANCELLED')).toBe(true);
    }
  });
});

describe('ingestRecord', () => {
  const meta = { topic: OPS_TOPIC, partition: 0, offset: '0' };
  const noLetters = { send: async (l: DeadLetter) => void expect.fail(`unexpected dead letter ${l.reason}`) };

  it('resolves FlightPulse flight ids to the instance nearest the event time', async () => {
    // Prepare: SW9012 scheduled on three days; the event is on the 15th.
    const { ctx } = await s.newTables();
    const data = flightpulseData();
    const base = data.flights.find((f) => f.number === '9012')!;
    for (const day of ['14', '16']) {
      data.flights.push({ ...base, id: `SW9012-2025-01-${day}`, scheduledDeparture: `2025-01-${day}T10:00:00Z`, scheduledArrival: `2025-01-${day}T11:30:00Z` });
    }
    await seedDemoData(ctx, data);
    // Act
    const r = await ingestRecord({ ctx, workflows: recordingStarter(), deadLetters: noLetters }, scenarioMessages('scenario3-cancellation.json')[0]!, meta);
    // Assess
    expect(r).toMatchObject({ outcome: 'applied', flightId: 'SW9012-2025-01-15' });
    expect((await getFlight(ctx, 'SW9012-2025-01-14'))?.status).toBe('SCHEDULED');
    expect((await getFlight(ctx, 'SW9012-2025-01-16'))?.status).toBe('SCHEDULED');
  });

  it('categorises delays: minor < 30, major 30–120; only major+ starts the cases workflow', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const starter = recordingStarter();
    const deps = { ctx, workflows: starter, deadLetters: noLetters };
    await ingestRecord(deps, scenarioMessages('scenario1-minor-delay.json')[0]!, meta);
    await ingestRecord(deps, scenarioMessages('scenario2-major-delay.json')[0]!, meta);
    expect(await getDisruption(ctx, fpInstance('SW1234'))).toMatchObject({ kind: 'DELAY', delayMinutes: 25, delayCategory: 'minor', urgent: false });
    expect(await getDisruption(ctx, fpInstance('SW5678'))).toMatchObject({ kind: 'DELAY', delayMinutes: 90, delayCategory: 'major' });
    expect(starter.starts.map((x) => x.flightId)).toEqual([fpInstance('SW5678')]);
  });

  it('scenario 5 (rapid, unkeyed, any order) converges to the same state for every delivery order', async () => {
    // Scenario 1 and 5 both update SW1234 with the same timestamp: order must not matter.
    const msgs = [...scenarioMessages('scenario5-rapid-sequence.json'), ...scenarioMessages('scenario1-minor-delay.json'), ...scenarioMessages('scenario2-major-delay.json')];
    const orders = [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [3, 0, 4, 2, 1],
    ];
    const states: unknown[] = [];
    for (const order of orders) {
      const { ctx } = await s.newTables();
      await seedDemoData(ctx, flightpulseData());
      const deps = { ctx, workflows: recordingStarter(), deadLetters: noLetters };
      // Two at a time concurrently, like two partitions' consumers.
      for (let i = 0; i < order.length; i += 2) {
        await Promise.all(order.slice(i, i + 2).map((k) => ingestRecord(deps, msgs[k]!, meta)));
      }
      const state: Record<string, unknown> = {};
      for (const f of ['SW1234', 'SW5678', 'SW7890']) {
        state[`${f}/flight`] = await getFlight(ctx, fpInstance(f));
        const d = await getDisruption(ctx, fpInstance(f));
        state[`${f}/disruption`] = d ? { ...d, detectedAt: d.detectedAt } : null;
      }
      states.push(state);
    }
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
    const s0 = states[0] as Record<string, { delayMinutes: number; gate: string; delayCategory: string; kind: string }>;
    expect(s0['SW5678/flight']!.gate).toBe('B12');
    expect(s0['SW5678/disruption']!.delayMinutes).toBe(90);
    expect(s0['SW7890/disruption']).toMatchObject({ kind: 'DELAY', delayMinutes: 45, delayCategory: 'major' });
    // Same timestamp for scenario 1 (25 min) and 5 (15 min) on SW1234: the event-id tie-break picks one, always the same.
    expect(s0['SW1234/disruption']!.delayMinutes).toBe(15);
  });

  it('a redelivered event whose workflow never started (crash) starts it on redelivery', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const failing: WorkflowStarter = { startDisruption: async () => { throw new Error('crash before start'); } };
    const msg = scenarioMessages('scenario3-cancellation.json')[0]!;
    await expect(ingestRecord({ ctx, workflows: failing, deadLetters: noLetters }, msg, meta)).rejects.toThrow('crash');
    const starter = recordingStarter();
    const r = await ingestRecord({ ctx, workflows: starter, deadLetters: noLetters }, msg, meta);
    expect(r).toMatchObject({ outcome: 'duplicate', workflowStarted: true });
    expect(starter.starts).toHaveLength(1);
    const marker = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.event('9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73') }));
    expect(marker.Item?.workflowStarted).toBe(true);
    // A third delivery writes nothing; it asks the starter again for the same execution name (a
    // no-op unless that execution FAILED: sfn-starter.ts).
    const again = await ingestRecord({ ctx, workflows: starter, deadLetters: noLetters }, msg, meta);
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(new Set(starter.starts.map((x) => x.eventId))).toEqual(new Set(['9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73']));
  });
});

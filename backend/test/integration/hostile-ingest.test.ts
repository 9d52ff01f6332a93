import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHead } from '../../src/data/changelog.js';
import { keys } from '../../src/data/keys.js';
import type { DataContext } from '../../src/data/client.js';
import { getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { startLocalIngest, type LocalIngest } from '../../src/ingest/kafka-consumer.js';
import { RECENT_EVENTS } from '../../src/ingest/fold.js';
import { ingestRecord, type DeadLetter } from '../../src/ingest/processor.js';
import { OPS_DLQ_TOPIC, OPS_TOPIC } from '../../src/ingest/topics.js';
import type { DisruptionWorkflowInput, WorkflowStarter } from '../../src/workflows/starter.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce, readTopic, startServices, type Services } from '../helpers/stack.js';

/** Hostile ops events against real DynamoDB Local and Kafka (cases not in ingest.test.ts). */
function recordingStarter(): WorkflowStarter & { starts: DisruptionWorkflowInput[] } {
  const starts: DisruptionWorkflowInput[] = [];
  return { starts, startDisruption: async (input) => void starts.push(input) };
}
const meta = { topic: OPS_TOPIC, partition: 0, offset: '0' };
const CANCEL_ID = '9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73';

let s: Services;
beforeAll(async () => {
  s = await startServices({ kafka: true });
});
afterAll(async () => {
  await s?.stop();
});

describe('ingestRecord with a reused event_id', () => {
  it('dead-letters the same event_id with different content and changes nothing; a true redelivery stays a duplicate', async () => {
    // Prepare: the cancellation applied once.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const letters: DeadLetter[] = [];
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void letters.push(l) } };
    const cancel = scenarioMessages('scenario3-cancellation.json')[0]!;
    expect(await ingestRecord(deps, cancel, meta)).toMatchObject({ outcome: 'applied' });
    const flightBefore = await getFlight(ctx, fpInstance('SW9012'));
    const disruptionBefore = await getDisruption(ctx, fpInstance('SW9012'));
    const forged = JSON.stringify({ ...JSON.parse(cancel), payload: { flight_id: 'SW9012', reason: 'MECHANICAL' } });
    const reformatted = JSON.stringify(JSON.parse(cancel), null, 2);

    // Act
    const conflict = await ingestRecord(deps, forged, meta);
    const redelivery = await ingestRecord(deps, reformatted, meta);

    // Assess
    expect(conflict).toEqual({ outcome: 'dead-lettered', reason: 'DUPLICATE_EVENT_ID_CONFLICT' });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: 'DUPLICATE_EVENT_ID_CONFLICT', errorPath: 'event_id', eventId: CANCEL_ID, originalValue: forged });
    expect(redelivery).toMatchObject({ outcome: 'duplicate', eventId: CANCEL_ID });
    expect(await getFlight(ctx, fpInstance('SW9012'))).toEqual(flightBefore);
    expect(await getDisruption(ctx, fpInstance('SW9012'))).toEqual(disruptionBefore);
    // The forged copy started nothing; the true redelivery asked for the same execution again.
    expect(new Set(deps.workflows.starts.map((x) => x.eventId))).toEqual(new Set([CANCEL_ID]));
  });
});

describe('ingestRecord on a flight whose items can no longer be stored', () => {
  it('dead-letters UNPROCESSABLE (no endless redelivery), writes nothing, and other flights go on', async () => {
    // Prepare: SW9012's flight item carries a 360 KB aircraft text (written by some other
    // producer), so its next change no longer fits a change-log entry.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const letters: DeadLetter[] = [];
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void letters.push(l) } };
    const cancel = scenarioMessages('scenario3-cancellation.json')[0]!;
    expect(await ingestRecord(deps, cancel, meta)).toMatchObject({ outcome: 'applied' });
    await ctx.doc.send(new UpdateCommand({ TableName: ctx.table, Key: keys.flight(fpInstance('SW9012')), UpdateExpression: 'SET aircraft = :a', ExpressionAttributeValues: { ':a': 'x'.repeat(360_000) } }));
    const before = { flight: await getFlight(ctx, fpInstance('SW9012')), disruption: await getDisruption(ctx, fpInstance('SW9012')), phx: await readHead(ctx, 'PHX') };
    const later = JSON.stringify({ ...JSON.parse(cancel), event_id: 'one-too-many', timestamp: '2025-01-15T09:00:00' });

    // Act
    const r = await ingestRecord(deps, later, meta);
    const other = await ingestRecord(deps, scenarioMessages('scenario4-gate-change.json')[0]!, meta);

    // Assess
    expect(r).toEqual({ outcome: 'dead-lettered', reason: 'UNPROCESSABLE' });
    expect(letters).toEqual([expect.objectContaining({ reason: 'UNPROCESSABLE', eventId: 'one-too-many', originalValue: later })]);
    expect({ flight: await getFlight(ctx, fpInstance('SW9012')), disruption: await getDisruption(ctx, fpInstance('SW9012')), phx: await readHead(ctx, 'PHX') }).toEqual(before);
    const marker = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.event('one-too-many'), ConsistentRead: true }));
    expect(marker.Item).toBeUndefined();
    expect(other).toMatchObject({ outcome: 'applied' });
  });

  it('a disruption stored with every event id (before the bound) keeps only the bounded tail on its next event', async () => {
    // Prepare: SW9012's disruption as an older version wrote it: 3,250 long event ids.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void expect.fail(`unexpected dead letter ${l.reason}`) } };
    const cancel = scenarioMessages('scenario3-cancellation.json')[0]!;
    expect(await ingestRecord(deps, cancel, meta)).toMatchObject({ outcome: 'applied' });
    const flood = Array.from({ length: 3250 }, (_, i) => `flood-${String(i).padStart(6, '0')}-${'x'.repeat(100)}`);
    const d = await getDisruption(ctx, fpInstance('SW9012'));
    await ctx.doc.send(new UpdateCommand({ TableName: ctx.table, Key: keys.disruption(d!.flightId, d!.id), UpdateExpression: 'SET eventIds = :e REMOVE eventCount', ExpressionAttributeValues: { ':e': [...d!.eventIds, ...flood] } }));
    const later = JSON.stringify({ ...JSON.parse(cancel), event_id: 'one-more', timestamp: '2025-01-15T09:00:00' });

    // Act
    const r = await ingestRecord(deps, later, meta);

    // Assess: applied; the count carries on from the old list's length, the list is the bounded tail.
    expect(r).toMatchObject({ outcome: 'applied' });
    const after = await getDisruption(ctx, fpInstance('SW9012'));
    expect(after).toMatchObject({ eventCount: 3252, version: 2 });
    expect(after!.eventIds.length).toBeLessThanOrEqual(RECENT_EVENTS);
    expect(after!.eventIds).toContain('one-more');
  });
});

describe('the Kafka consumer with hostile messages', () => {
  let ctx: DataContext;
  let ingest: LocalIngest;
  const topic = `${OPS_TOPIC}-hostile`;
  const dlq = `${OPS_DLQ_TOPIC}-hostile`;

  beforeAll(async () => {
    ({ ctx } = await s.newTables());
    await seedDemoData(ctx, flightpulseData());
    ingest = await startLocalIngest({ ctx, workflows: recordingStarter() }, { brokers: s.kafka!.brokers, groupId: 'ingest-hostile', topic, dlqTopic: dlq });
  });
  afterAll(async () => {
    await ingest?.stop();
  });

  it('dead-letters a tombstone, non-UTF-8 bytes and an oversized value, and goes on to apply the next event', async () => {
    // Prepare
    const [gate] = scenarioMessages('scenario4-gate-change.json');
    const nonUtf8 = Buffer.from(gate!, 'utf8');
    nonUtf8[nonUtf8.indexOf('"source"') + 11] = 0xc3; // a lone UTF-8 lead byte inside the source string
    const oversized = JSON.stringify({ ...JSON.parse(gate!), event_id: 'big', payload: { ...JSON.parse(gate!).payload, pad: 'x'.repeat(200_000) } });
    const messages: (string | Buffer | null)[] = [null, nonUtf8, oversized, gate!];

    // Act
    await produce(s.kafka!.brokers, topic, messages, () => 'one-partition');
    await eventually(async () => ingest.processed() >= messages.length, 60_000);
    await ingest.idle();

    // Assess
    const letters = (await readTopic(s.kafka!.brokers, dlq, 3)).map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letters.map((l) => l.reason).sort()).toEqual(['EMPTY_MESSAGE', 'INVALID_JSON', 'MESSAGE_TOO_LARGE']);
    expect(letters.find((l) => l.reason === 'MESSAGE_TOO_LARGE')!.originalValue!.length).toBeLessThanOrEqual(64 * 1024);
    // The non-UTF-8 bytes are kept exactly (base64), not replaced with U+FFFD.
    const binary = letters.find((l) => l.reason === 'INVALID_JSON')!;
    expect(binary.originalEncoding).toBe('base64');
    expect(Buffer.from(binary.originalValue!, 'base64').equals(nonUtf8)).toBe(true);
    expect(letters.find((l) => l.reason === 'EMPTY_MESSAGE')).toMatchObject({ originalValue: null, originalEncoding: 'utf8' });
    expect((await getFlight(ctx, fpInstance('SW3456')))?.gate).toBe('D15');
  });
});

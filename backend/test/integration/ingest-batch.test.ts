import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionFailedError, commitManyWithLog, readHead, readLog, type LoggedWrite } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { handleMskEvent } from '../../src/ingest/handler.js';
import { ingestBatch, type DeadLetter } from '../../src/ingest/processor.js';
import type { DisruptionWorkflowInput, WorkflowStarter } from '../../src/workflows/starter.js';
import { flightpulseData, fpInstance, scenarioMessages } from '../helpers/fixtures.js';
import { fpLoad } from '../helpers/ops-load.js';
import { startServices, type Services } from '../helpers/stack.js';

/** Batched ingest on DynamoDB Local: the Lambda's partial batch response, in-batch repeats, group commit. */
let s: Services;
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await s?.stop();
});

function recordingStarter(): WorkflowStarter & { starts: DisruptionWorkflowInput[] } {
  const starts: DisruptionWorkflowInput[] = [];
  return { starts, startDisruption: async (input) => void starts.push(input) };
}

const b64 = (v: string) => Buffer.from(v).toString('base64');

describe('the MSK handler', () => {
  it('reports only the records not settled (partial batch response); a second delivery settles them and changes nothing else', async () => {
    // Prepare: two partitions; the dead-letter producer fails once (Kafka unreachable for a moment).
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const [cancel] = scenarioMessages('scenario3-cancellation.json');
    const [gate] = scenarioMessages('scenario4-gate-change.json');
    const letters: DeadLetter[] = [];
    let failNext = true;
    const deps = {
      ctx,
      workflows: recordingStarter(),
      deadLetters: {
        send: async (l: DeadLetter) => {
          if (failNext) {
            failNext = false;
            throw new Error('broker not available');
          }
          letters.push(l);
        },
      },
    };
    const record = (partition: number, offset: number, value: string) => ({ topic: 'flight-operations', partition, offset, timestamp: 1, timestampType: 'CREATE_TIME', value: b64(value), headers: [] });
    const event = {
      eventSource: 'aws:kafka',
      records: {
        'flight-operations-0': [record(0, 40, cancel!), record(0, 41, '{"not json')],
        'flight-operations-1': [record(1, 7, gate!)],
      },
    };

    // Act
    const first = await handleMskEvent(deps, event);
    const phx = await readHead(ctx, 'PHX');
    const second = await handleMskEvent(deps, event);

    // Assess: the broken record's dead letter could not be written: reported, and only it.
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: { 'topic-partition': 'flight-operations-0', offset: 41 } }] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(letters).toEqual([expect.objectContaining({ reason: 'INVALID_JSON', partition: 0, offset: '41' })]);
    expect(await getDisruption(ctx, fpInstance('SW9012'))).toMatchObject({ kind: 'CANCELLATION', eventCount: 1, version: 1 });
    expect((await getFlight(ctx, fpInstance('SW3456')))?.gate).toBe('D15');
    expect(await readHead(ctx, 'PHX')).toBe(phx);
  });
});

describe('ingestBatch', () => {
  it('applies an event once however often it is in the batch, and dead-letters a copy with other content', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const [cancel] = scenarioMessages('scenario3-cancellation.json');
    const forged = JSON.stringify({ ...JSON.parse(cancel!), payload: { flight_id: 'SW9012', reason: 'MECHANICAL' } });
    const letters: DeadLetter[] = [];
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void letters.push(l) } };
    const meta = (offset: number) => ({ topic: 'flight-operations', partition: 0, offset: String(offset) });

    const out = await ingestBatch(deps, [cancel!, cancel!, forged].map((value, i) => ({ value, meta: meta(i) })));

    expect(out.map((o) => o.outcome)).toEqual(['applied', 'duplicate', 'dead-lettered']);
    expect(letters.map((l) => l.reason)).toEqual(['DUPLICATE_EVENT_ID_CONFLICT']);
    expect(await getDisruption(ctx, fpInstance('SW9012'))).toMatchObject({ causeCode: 'WEATHER', eventCount: 1, version: 1 });
  });

  it('folds several events of one flight into one write, and different flights into one pack', async () => {
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const heads = { PHX: await readHead(ctx, 'PHX'), DAL: await readHead(ctx, 'DAL') };
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void expect.fail(l.reason) } };
    // Five events on SW1234 (DAL–LAX) and the cancellation of SW9012 (PHX–OAK).
    const messages = [...fpLoad({ flights: ['SW1234'], count: 5, seed: 3 }).map((e) => e.value), ...scenarioMessages('scenario3-cancellation.json')];

    const out = await ingestBatch(deps, messages.map((value, i) => ({ value, meta: { topic: 'flight-operations', partition: 0, offset: String(i) } })));

    expect(out.every((o) => o.outcome === 'applied')).toBe(true);
    expect(await getDisruption(ctx, fpInstance('SW1234'))).toMatchObject({ eventCount: 5, version: 5 });
    // One transaction: each station's counter moved once, its entry carrying the flights that touch it.
    expect(await readHead(ctx, 'PHX')).toBe(heads.PHX + 1);
    expect(await readHead(ctx, 'DAL')).toBe(heads.DAL + 1);
    const [phx] = await readLog(ctx, 'PHX', heads.PHX, 10);
    const [dal] = await readLog(ctx, 'DAL', heads.DAL, 10);
    expect(phx!.changes.filter((c) => c.kind === 'disruption').map((c) => c.id)).toEqual([`DIS-${fpInstance('SW9012')}`]);
    expect(dal!.changes.filter((c) => c.kind === 'disruption')).toEqual([expect.objectContaining({ id: `DIS-${fpInstance('SW1234')}`, version: 5 })]);
  });
});

describe('two partitions at once', () => {
  it('never fold one flight twice from the same versions: no transaction is lost to a version race, every event applied once', async () => {
    // Prepare: unkeyed FlightPulse events (as FlightPulse sends them) on four flights, split over
    // two partitions, so both chunks carry events of every flight.
    const { ctx } = await s.newTables();
    await seedDemoData(ctx, flightpulseData());
    const flights = ['SW1234', 'SW5678', 'SW9012', 'SW3456'];
    const events = fpLoad({ flights, count: 80, seed: 21, mix: { delay: 0.8, gate: 0.2 } });
    const deps = { ctx, workflows: recordingStarter(), deadLetters: { send: async (l: DeadLetter) => void expect.fail(l.reason) } };
    const part = (p: number) => events.filter((_, i) => i % 2 === p).map((e, i) => ({ value: e.value, meta: { topic: 'flight-operations', partition: p, offset: String(i) } }));
    const cancelled: string[] = [];
    ctx.doc.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          if (context.commandName === 'TransactWriteItemsCommand') cancelled.push((err as Error).name);
          throw err;
        }
      },
      { step: 'initialize', name: 'countCancelledTransactions' },
    );

    // Act: both partitions' chunks at once.
    const [a, b] = await Promise.all([ingestBatch(deps, part(0)), ingestBatch(deps, part(1))]);

    // Assess
    expect([...a, ...b].every((o) => o.outcome === 'applied')).toBe(true);
    expect(cancelled).toEqual([]);
    let total = 0;
    for (const f of flights) total += (await getDisruption(ctx, fpInstance(f)))?.eventCount ?? 0;
    expect(total).toBe(events.length);
  });
});

describe('commitManyWithLog', () => {
  let ctx: DataContext;
  beforeAll(async () => {
    ({ ctx } = await s.newTables());
  });
  const write = (id: string, stations: string[], condition = false): LoggedWrite => ({
    items: [
      {
        Put: {
          TableName: ctx.table,
          Item: { ...keys.case(id), id },
          ...(condition ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
        },
      },
    ],
    changes: [{ kind: 'case', id, version: 1, op: 'put', data: { id } }],
    stations,
  });

  it('commits each write or none of it, answers each, and takes a station once per pack; concurrent callers share packs', async () => {
    // Prepare: one of the writes meets an item that exists (its condition fails).
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...keys.case('taken'), id: 'taken' } }));
    const a = Array.from({ length: 30 }, (_, i) => write(`a${i}`, ['PHX', i % 2 ? 'OAK' : 'DAL']));
    const b = Array.from({ length: 30 }, (_, i) => write(`b${i}`, ['PHX', 'LAX']));

    // Act: two callers at once (two partitions), one with the failing write in the middle.
    const [ra, rb] = await Promise.all([commitManyWithLog(ctx, [...a.slice(0, 15), write('taken', ['PHX'], true), ...a.slice(15)]), commitManyWithLog(ctx, b)]);

    // Assess
    expect(ra[15]).toMatchObject({ ok: false });
    expect((ra[15] as { error: Error }).error).toBeInstanceOf(ConditionFailedError);
    expect([...ra.slice(0, 15), ...ra.slice(16), ...rb].every((r) => r.ok)).toBe(true);
    const phx = await readLog(ctx, 'PHX', 0, 1000);
    const ids = phx.flatMap((e) => e.changes.map((c) => c.id));
    expect(ids.sort()).toEqual([...a, ...b].map((w) => w.changes[0]!.id).sort());
    // Gap-free, and far fewer entries than writes (one a pack).
    expect(phx.map((e) => e.seq)).toEqual(Array.from({ length: phx.length }, (_, i) => i + 1));
    expect(phx.length).toBeLessThan(10);
    for (const w of [...a, ...b]) {
      const got = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.case(w.changes[0]!.id), ConsistentRead: true }));
      expect(got.Item, w.changes[0]!.id).toBeDefined();
    }
    // Each write's answer names the sequence its changes were logged at, per station.
    const seqOfA0 = (ra[0] as { seqs: Record<string, number> }).seqs;
    expect(Object.keys(seqOfA0).sort()).toEqual(['DAL', 'PHX']);
    expect(phx.find((e) => e.seq === seqOfA0.PHX)!.changes.map((c) => c.id)).toContain('a0');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readHead, readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { keys, logPartition } from '../../src/data/keys.js';
import { getDisruption, getFlight } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { EVENT_MARKER_TTL_DAYS, MAX_EVENTS_PER_WRITE } from '../../src/ingest/apply.js';
import { RECENT_EVENTS } from '../../src/ingest/fold.js';
import { ingestBatch, type DeadLetter } from '../../src/ingest/processor.js';
import type { DisruptionWorkflowInput, WorkflowStarter } from '../../src/workflows/starter.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { dynamoItemSize } from '../helpers/item-size.js';
import { fpLoad } from '../helpers/ops-load.js';
import { repoRoot } from '../helpers/paths.js';
import { withSuiteServices } from '../helpers/stack.js';

/**
 * Every item ingest writes stays under the size bound documented in docs/ingest.md ("Item size
 * bounds", read here, so the document and the check cannot drift), however many events one flight
 * gets: 10,000 events on ONE flight, each as large as the schemas allow (128-character event ids,
 * 1,000-character three-byte reasons, 16-character gates), through ingestBatch on DynamoDB Local.
 * Before the bound, the disruption carried every event id and would pass DynamoDB's 400 KB at
 * about 8,900 events. The workflow is only recorded here (its items: workflow.test.ts).
 */
const EVENTS = 10_000;
const CHUNK = 500;

interface Bound {
  item: string;
  pk: string;
  sk: string;
  bytes: number;
}

/** The "Item size bounds" table of docs/ingest.md: item | PK | SK | bound (bytes) | why. */
function documentedBounds(): Bound[] {
  const doc = readFileSync(path.join(repoRoot, 'docs/ingest.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Item size bounds'));
  if (!section) throw new Error('docs/ingest.md has no "Item size bounds" section');
  const cell = (c: string) => c.trim().replace(/`/g, '').replace(/…$/, '');
  return section
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l) && !/^\|\s*item\s*\|/.test(l))
    .map((l) => {
      const [item, pk, sk, bytes] = l.split('|').slice(1).map(cell);
      return { item: item!, pk: pk!, sk: sk === '*' ? '' : sk!, bytes: Number(bytes!.replace(/[, ]/g, '')) };
    });
}

let ctx: DataContext;
withSuiteServices((_services, tables) => (ctx = tables));

async function scanAll(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, ExclusiveStartKey: start }));
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

describe('item size bounds under 10,000 events on one flight', () => {
  it('keeps every item ingest writes under its documented bound, dead-letters nothing, applies each event once', async () => {
    // Prepare: the fixture schedule; what the seed wrote is not ingest's (compared by content below).
    const bounds = documentedBounds();
    expect(bounds.map((b) => b.item)).toEqual(expect.arrayContaining(['flight', 'disruption', 'dedupe marker', 'change-log entry', 'station counter']));
    await seedDemoData(ctx, flightpulseData());
    const seeded = new Map((await scanAll()).map((it) => [`${String(it.PK)}\u0000${String(it.SK)}`, JSON.stringify(it)]));
    const events = fpLoad({ flights: ['SW9012'], count: EVENTS, seed: 11, idLength: 128, detail: '€'.repeat(1000), gateLength: 16, mix: { delay: 0.6, gate: 0.3 } });
    const letters: DeadLetter[] = [];
    const starts: DisruptionWorkflowInput[] = [];
    const workflows: WorkflowStarter = { startDisruption: async (input) => void starts.push(input) };
    const deps = { ctx, workflows, deadLetters: { send: async (l: DeadLetter) => void letters.push(l) } };

    // Act: 20 batches of 500, as a consumer would hand them over.
    for (let i = 0; i < events.length; i += CHUNK) {
      const outcomes = await ingestBatch(
        deps,
        events.slice(i, i + CHUNK).map((e, j) => ({ value: e.value, meta: { topic: 'flight-operations', partition: 0, offset: String(i + j) } })),
      );
      expect(outcomes.filter((o) => o.outcome !== 'applied')).toEqual([]);
    }

    // Assess: nothing dead-lettered; every event applied once (version = count = events).
    expect(letters).toEqual([]);
    const flightId = fpInstance('SW9012');
    const d = await getDisruption(ctx, flightId);
    expect(d).toMatchObject({ eventCount: EVENTS, version: EVENTS });
    expect(d!.eventIds).toHaveLength(RECENT_EVENTS);
    // The tail is the most recent events by event time: here the last ones produced.
    expect(d!.eventIds).toEqual(events.slice(-RECENT_EVENTS).map((e) => e.eventId));
    expect((await getFlight(ctx, flightId))?.status).toBe('CANCELLED');
    const marker = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.event(events[0]!.eventId), ConsistentRead: true }));
    const ttl = Number(marker.Item?.expiresAt);
    expect(ttl - Date.now() / 1000).toBeGreaterThan((EVENT_MARKER_TTL_DAYS - 1) * 86_400);
    expect(ttl - Date.now() / 1000).toBeLessThanOrEqual(EVENT_MARKER_TTL_DAYS * 86_400);

    // Every item ingest wrote (new or changed since the seed) matches a documented bound and is under it.
    const written = (await scanAll()).filter((it) => seeded.get(`${String(it.PK)}\u0000${String(it.SK)}`) !== JSON.stringify(it));
    const largest = new Map<string, number>();
    const over: string[] = [];
    const unknown: string[] = [];
    let markers = 0;
    for (const it of written) {
      const pk = String(it.PK);
      const sk = String(it.SK);
      const b = bounds.find((x) => pk.startsWith(x.pk) && sk.startsWith(x.sk));
      if (!b) {
        unknown.push(`${pk} / ${sk}`);
        continue;
      }
      if (b.item === 'dedupe marker') markers++;
      const size = dynamoItemSize(it);
      largest.set(b.item, Math.max(largest.get(b.item) ?? 0, size));
      if (size > b.bytes) over.push(`${b.item} ${pk} / ${sk}: ${size} > ${b.bytes}`);
    }
    expect(unknown).toEqual([]);
    expect(over).toEqual([]);
    expect(markers).toBe(EVENTS);
    // The bound test saw the items it is about. The log has one entry a station per write (up to
    // 90 events of the flight), not one per event, and its last entry is the final state.
    expect([...largest.keys()]).toEqual(expect.arrayContaining(['flight', 'disruption', 'dedupe marker', 'change-log entry', 'station counter']));
    const phxEntries = written.filter((it) => String(it.PK) === logPartition('PHX'));
    expect(phxEntries.length).toBeGreaterThanOrEqual(Math.ceil(EVENTS / MAX_EVENTS_PER_WRITE));
    expect(phxEntries.length).toBeLessThan(EVENTS / 10);
    const head = await readHead(ctx, 'PHX');
    const last = (await readLog(ctx, 'PHX', head - 1, 1))[0]!;
    expect(last.changes.find((c) => c.kind === 'disruption')).toMatchObject({ version: EVENTS, data: { eventCount: EVENTS } });
    console.info(`ingest-bounds: largest item per kind (bytes): ${JSON.stringify(Object.fromEntries(largest))}; workflow starts: ${starts.length}`);
  });
});

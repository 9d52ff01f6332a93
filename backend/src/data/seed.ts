import pMap from 'p-map';
import type { Booking, Flight, Passenger } from '../../../src/shared/domain/index.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import type { DataContext } from './client.js';
import { MAX_LOG_ENTRY_BYTES, commitWithLog, putChange } from './changelog.js';
import { keys } from './keys.js';
import { batchGet, batchWrite, items } from './repositories.js';
import { applyFeedBatch, type FeedDeps, type FeedRecord } from '../feeds/apply.js';
import { manifestMessages, scheduleMessage } from '../feeds/messages.js';
import { MANIFEST_TOPIC, SCHEDULE_TOPIC } from '../ingest/topics.js';
import type { DeadLetter } from '../ingest/processor.js';

export interface SeedData {
  flights: Flight[];
  passengers: Passenger[];
  bookings: Booking[];
}

export interface SeedResult {
  written: number;
  skipped: number;
  logEntries: number;
}

export interface FeedSeedOptions {
  /** entity_version / profile_version of every message (the demo uses the day number, so a new day's data is newer). Default 1. */
  version?: number;
  source?: string;
  /** Messages per applyFeedBatch call. Default 400. */
  batchSize?: number;
  /** Passed to the feeds (the local cloud re-drives parked ops events). */
  onFlightsCreated?: FeedDeps['onFlightsCreated'];
  log?: FeedDeps['log'];
  /** Flights the bookings may name besides `data.flights` (sent earlier; not sent again). */
  flights?: Flight[];
  /** After each batch: how far it got (the CLI's progress). */
  onProgress?: (p: { messages: number; of: number; written: number }) => void;
}

export interface FeedSeedResult extends SeedResult {
  messages: number;
}

/**
 * Seeds entities THROUGH THE FEEDS: one schedule message per flight, then one PNR message per
 * record locator, applied in batches by applyFeedBatch — the code the Kafka consumers and the S3
 * import run. Idempotent and versioned like any feed message (the same version again writes
 * nothing). Passengers without a booking have no PNR and are not written. A dead letter here is a
 * bug in the data: the seed fails with its reason.
 */
export async function seedThroughFeeds(ctx: DataContext, data: SeedData, opts: FeedSeedOptions = {}): Promise<FeedSeedResult> {
  const o = { version: opts.version ?? 1, source: opts.source ?? 'jetway-seed', at: new Date().toISOString() };
  const letters: DeadLetter[] = [];
  const deps: FeedDeps = {
    ctx,
    deadLetters: { send: async (l) => void letters.push(l) },
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.onFlightsCreated ? { onFlightsCreated: opts.onFlightsCreated } : {}),
  };
  const byStations = (a: string, b: string) => a.localeCompare(b);
  // Flights first (bookings name them), grouped by route so that a transaction serves few stations.
  const flights = [...data.flights].sort((a, b) => byStations([a.origin, a.destination].sort().join(), [b.origin, b.destination].sort().join()) || a.scheduledDeparture.localeCompare(b.scheduledDeparture));
  const schedule: FeedRecord[] = flights.map((f, i) => ({ value: JSON.stringify(scheduleMessage(f, o)), meta: { topic: SCHEDULE_TOPIC, partition: 0, offset: String(i) } }));
  const known = opts.flights ? [...opts.flights, ...data.flights] : data.flights;
  const stationsOf = new Map(known.map((f) => [f.id, [f.origin, f.destination].sort().join()]));
  const pnrs = manifestMessages(known, data.passengers, data.bookings, o).sort((a, b) =>
    byStations(stationsOf.get(`${a.pnr.segments[0]?.flight.carrier}${a.pnr.segments[0]?.flight.number}-${a.pnr.segments[0]?.flight.departure_date}`) ?? '', stationsOf.get(`${b.pnr.segments[0]?.flight.carrier}${b.pnr.segments[0]?.flight.number}-${b.pnr.segments[0]?.flight.departure_date}`) ?? ''),
  );
  const manifest: FeedRecord[] = pnrs.map((m, i) => ({ value: JSON.stringify(m), meta: { topic: MANIFEST_TOPIC, partition: 0, offset: String(i) } }));
  const total = schedule.length + manifest.length;
  const out: FeedSeedResult = { written: 0, skipped: 0, logEntries: 0, messages: total };
  let done = 0;
  const size = opts.batchSize ?? 400;
  for (const records of [schedule, manifest]) {
    for (let i = 0; i < records.length; i += size) {
      const chunk = records.slice(i, i + size);
      const r = await applyFeedBatch(deps, chunk);
      if (letters.length) throw new Error(`seed data refused by the feeds: ${letters.slice(0, 3).map((l) => `${l.reason} ${l.errorPath}: ${l.error}`).join('; ')}`);
      out.written += r.written;
      out.skipped += r.unchanged;
      out.logEntries += r.logEntries;
      done += chunk.length;
      opts.onProgress?.({ messages: done, of: total, written: out.written });
    }
  }
  return out;
}

/**
 * Seed flights, passengers and bookings directly (the tests' fixture loader), idempotently: items that already
 * exist are left alone (they may have moved on since, e.g. a cancelled flight), missing ones
 * are logged to their stations' change logs FIRST and then written with BatchWrite in chunks
 * of 25. Logging first means a crash in between re-logs on the next run (harmless: the desk
 * applies the same version twice) instead of leaving items the desks never hear of.
 */
export async function seedDemoData(ctx: DataContext, data: SeedData, opts: { concurrency?: number } = {}): Promise<SeedResult> {
  const flights = new Map(data.flights.map((f) => [f.id, f]));
  const stationsOfFlight = (id: string): string[] => {
    const f = flights.get(id);
    return f ? [f.origin, f.destination] : [];
  };
  const all: { key: { PK: string; SK: string }; item: Record<string, unknown>; change: Change; stations: string[] }[] = [];
  for (const f of data.flights) all.push({ key: keys.flight(f.id), item: items.flight(f), change: putChange('flight', f), stations: stationsOfFlight(f.id) });
  const paxStations = new Map<string, Set<string>>();
  for (const b of data.bookings) {
    const st = stationsOfFlight(b.flightId);
    if (st.length === 0) throw new Error(`booking ${b.id} refers to unknown flight ${b.flightId}`);
    all.push({ key: keys.booking(b.flightId, b.id), item: items.booking(b), change: putChange('booking', b), stations: st });
    const s = paxStations.get(b.passengerId) ?? new Set<string>();
    st.forEach((x) => s.add(x));
    paxStations.set(b.passengerId, s);
  }
  // A passenger travels to the desks of the stations where they have bookings.
  for (const p of data.passengers) all.push({ key: keys.passenger(p.id), item: items.passenger(p), change: putChange('passenger', p), stations: [...(paxStations.get(p.id) ?? [])] });

  const existing = new Set<string>();
  const keyChunks: { PK: string; SK: string }[][] = [];
  for (let i = 0; i < all.length; i += 100) keyChunks.push(all.slice(i, i + 100).map((a) => a.key));
  await pMap(keyChunks, async (chunk) => {
    for (const r of await batchGet(ctx, chunk)) existing.add(`${String(r.PK)}|${String(r.SK)}`);
  }, { concurrency: opts.concurrency ?? 8 });
  const missing = all.filter((a) => !existing.has(`${a.key.PK}|${a.key.SK}`));

  // 1. change-log entries per station, several changes per entry (bounded by size).
  const perStation = new Map<string, Change[]>();
  for (const m of missing) for (const s of m.stations) (perStation.get(s) ?? perStation.set(s, []).get(s)!).push(m.change);
  let logEntries = 0;
  await pMap([...perStation.entries()], async ([station, changes]) => {
    let chunk: Change[] = [];
    let size = 0;
    for (const c of changes) {
      const n = JSON.stringify(c).length;
      if (chunk.length > 0 && (size + n > MAX_LOG_ENTRY_BYTES / 2 || chunk.length >= 200)) {
        await commitWithLog(ctx, { items: [], changes: chunk, stations: [station] });
        logEntries++;
        chunk = [];
        size = 0;
      }
      chunk.push(c);
      size += n;
    }
    if (chunk.length) {
      await commitWithLog(ctx, { items: [], changes: chunk, stations: [station] });
      logEntries++;
    }
  }, { concurrency: opts.concurrency ?? 8 });

  // 2. the items, BatchWrite in chunks of 25 with unprocessed-item retries.
  await batchWrite(ctx, missing.map((m) => ({ PutRequest: { Item: m.item } })), 'seed', opts.concurrency ?? 8);
  return { written: missing.length, skipped: all.length - missing.length, logEntries };
}


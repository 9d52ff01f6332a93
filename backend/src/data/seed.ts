import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking, Flight, Passenger } from '../../../src/shared/domain/index.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import type { DataContext } from './client.js';
import { MAX_LOG_ENTRY_BYTES, commitWithLog, putChange } from './changelog.js';
import { keys } from './keys.js';
import { batchGet, items } from './repositories.js';

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

/**
 * Seed flights, passengers and bookings (B's demoData()), idempotently: items that already
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
  await runPool(keyChunks, opts.concurrency ?? 8, async (chunk) => {
    for (const r of await batchGet(ctx, chunk)) existing.add(`${String(r.PK)}|${String(r.SK)}`);
  });
  const missing = all.filter((a) => !existing.has(`${a.key.PK}|${a.key.SK}`));

  // 1. change-log entries per station, several changes per entry (bounded by size).
  const perStation = new Map<string, Change[]>();
  for (const m of missing) for (const s of m.stations) (perStation.get(s) ?? perStation.set(s, []).get(s)!).push(m.change);
  let logEntries = 0;
  await runPool([...perStation.entries()], opts.concurrency ?? 8, async ([station, changes]) => {
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
  });

  // 2. the items, BatchWrite in chunks of 25 with unprocessed-item retries.
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < missing.length; i += 25) batches.push(missing.slice(i, i + 25).map((m) => m.item));
  await runPool(batches, opts.concurrency ?? 8, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const res = await ctx.doc.send(new BatchWriteCommand({ RequestItems: { [ctx.table]: pending as never } }));
      pending = (res.UnprocessedItems?.[ctx.table] ?? []) as Record<string, unknown>[];
      if (pending.length) await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt)));
    }
  });
  return { written: missing.length, skipped: all.length - missing.length, logEntries };
}

async function runPool<T>(work: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, work.length) }, async () => {
      while (next < work.length) {
        const i = next++;
        await fn(work[i]!);
      }
    }),
  );
}

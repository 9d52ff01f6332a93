/**
 * Case-queue query on a desk holding 100,000 cases: filter + sort, first page of 50, with the
 * tab counts the console shows beside it (`CacheQueries.queue`, the `queue:list` RPC's own code),
 * on a real encrypted (SQLCipher) desk database. Cases are written through the CacheWriter as a
 * pull would write them (the triggers fill the queue table), with their passengers and flights.
 * Target: p95 ≤ 16 ms (one frame).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CacheWriter } from '../src/main/db/cache.js';
import { openDatabase } from '../src/main/db/open.js';
import { CacheQueries } from '../src/main/db/queries.js';
import { flight, passenger } from '../test/unit/desk/helpers/factories.js';

const CASES = 100_000;
const FLIGHTS = 600;
const RUNS = 400;

export function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export async function deskQueueBench(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-queue-'));
  const db = openDatabase(path.join(dir, 'desk.db'), { keyProvider: { getKey: () => 'bench-desk-key' } });
  try {
    const cache = new CacheWriter(db);
    const statuses = ['OPEN', 'OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'RESOLVED', 'CLOSED'];
    const base = Date.UTC(2026, 11, 2, 0, 0, 0);
    db.transaction(() => {
      for (let f = 0; f < FLIGHTS; f++) {
        const dep = new Date(base + (f % 96) * 15 * 60_000).toISOString();
        cache.write(
          flight({
            id: `F${f}`,
            number: String(1000 + f),
            destination: ['OAK', 'DAL', 'LAX', 'DEN'][f % 4],
            scheduledDeparture: dep,
            scheduledArrival: new Date(Date.parse(dep) + 2 * 3600_000).toISOString(),
            status: f % 5 === 0 ? 'CANCELLED' : 'DELAYED',
          }),
        );
      }
      for (let i = 0; i < CASES; i++) {
        const status = statuses[i % statuses.length]!;
        const at = new Date(base + (i % 1440) * 60_000).toISOString();
        cache.write(passenger(`P${i}`, `Last${i % 5000}`, `First${i}`));
        cache.write({
          kind: 'case',
          id: `C${i}`,
          version: 1,
          op: 'put',
          data: {
            id: `C${i}`,
            flightId: `F${i % FLIGHTS}`,
            disruptionId: `D${i % FLIGHTS}`,
            passengerId: `P${i}`,
            bookingId: `B${i}`,
            status,
            policyVersion: null,
            primaryRegime: 'US_DOT',
            needsReview: i % 13 === 0 ? ['missing arrival time'] : [],
            stations: ['PHX', ['OAK', 'DAL', 'LAX', 'DEN'][i % 4]],
            assignee: status === 'OPEN' ? null : `agent.${i % 9}`,
            openedAt: at,
            statusSince: at,
            version: 1,
          },
        });
      }
    })();
    const queries = new CacheQueries(db, {
      viewer: () => ({ username: 'agent.3', role: 'supervisor', stations: ['PHX'], online: true }),
      now: () => new Date(base + 36 * 3600_000),
    });
    const queues = ['unassigned', 'mine', 'awaiting_approval', 'needs_review'] as const;
    for (const q of queues) queries.queue(q, 'PHX', 50, 0); // warm the statement cache
    const ms: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const q = queues[r % queues.length]!;
      const t0 = performance.now();
      const page = queries.queue(q, 'PHX', 50, 0);
      ms.push(performance.now() - t0);
      if (page.items.length === 0) throw new Error(`queue ${q} came back empty: the bench data is wrong`);
    }
    ms.sort((a, b) => a - b);
    const p95 = percentile(ms, 95);
    console.log(`  queue page over ${CASES} cases: p50 ${percentile(ms, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);
    return {
      'desk.queue_query_p95_ms': { value: Number(p95.toFixed(2)), unit: 'ms', target: '≤ 16 (100,000 cases, page of 50 + tab counts)' },
    };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

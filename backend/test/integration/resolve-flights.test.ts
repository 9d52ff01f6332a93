import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { flightInstanceId, type Flight } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../../src/data/client.js';
import { items, resolveFlightInstances, resolveFlightNumbers } from '../../src/data/repositories.js';
import { withSuiteServices } from '../helpers/stack.js';

// resolveFlightNumbers reads candidate instances by id (carrier + number + local departure date)
// where resolveFlightInstances queries GSI1: for any schedule the feed accepts (a local date within
// a day of the UTC date of departure) both must name the same instance for every instant.

let ctx: DataContext;
withSuiteServices((_services, tables) => (ctx = tables));

const HOUR = 3600_000;
const BASE = Date.parse('2026-12-10T00:00:00Z');

function flight(number: string, dep: number, localDateShift: -1 | 0 | 1, id?: string): Flight {
  const utcDate = new Date(dep).toISOString().slice(0, 10);
  const local = new Date(Date.parse(`${utcDate}T00:00:00Z`) + localDateShift * 86_400_000).toISOString().slice(0, 10);
  return {
    id: id ?? flightInstanceId('SW', number, local),
    carrier: 'SW',
    number,
    origin: 'PHX',
    destination: 'LAX',
    scheduledDeparture: new Date(dep).toISOString(),
    scheduledArrival: new Date(dep + 2 * HOUR).toISOString(),
    estimatedDeparture: null,
    estimatedArrival: null,
    actualDeparture: null,
    actualArrivalDoorOpen: null,
    status: 'SCHEDULED',
    gate: null,
    terminal: null,
    aircraft: null,
    delayMinutes: 0,
    version: 1,
  };
}

async function store(flights: Flight[]): Promise<void> {
  for (let i = 0; i < flights.length; i += 25) {
    await ctx.doc.send(
      new BatchWriteCommand({
        RequestItems: { [ctx.table]: flights.slice(i, i + 25).map((f) => ({ PutRequest: { Item: items.flight(f) } })) },
      }),
    );
  }
}

describe('resolveFlightNumbers', () => {
  it('names the same instance as the GSI1 query, for any accepted schedule and instants', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Instances of one number: departure offset (hours from BASE) and the local date's shift from the UTC date.
        fc.uniqueArray(
          fc.record({
            h: fc.integer({ min: 0, max: 24 * 4 }),
            shift: fc.constantFrom(-1 as const, 0 as const, 1 as const),
          }),
          {
            maxLength: 8,
            selector: (x) => x.h,
          },
        ),
        fc.array(fc.integer({ min: -24, max: 24 * 5 }), { minLength: 1, maxLength: 4 }),
        async (instances, atHours) => {
          const number = String(1000 + run++);
          // One instance per local date (the id): a second one on a date already taken is dropped, as the feed would overwrite it.
          const byId = new Map(
            instances.map(({ h, shift }) => flight(number, BASE + h * HOUR + 5 * 60_000, shift)).map((f) => [f.id, f]),
          );
          await store([...byId.values()]);
          const ats = atHours.map((h) => new Date(BASE + h * HOUR));
          const [viaIds] = await resolveFlightNumbers(ctx, [{ carrier: 'SW', number, ats }]);
          const viaGsi = await resolveFlightInstances(ctx, 'SW', number, ats);
          expect(viaIds!.map((f) => f?.id ?? null)).toEqual(viaGsi.map((f) => f?.id ?? null));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('agrees at the window’s edges, whatever the local date (a lone instance 35, 36 and 37 hours either side)', async () => {
    let n = 5000;
    for (const shift of [-1, 0, 1] as const) {
      for (const hours of [-37, -36, -35, -13, 0, 13, 35, 36, 37]) {
        for (const at of [BASE + 30 * 60_000, BASE + 23 * HOUR + 50 * 60_000]) {
          const number = String(n++);
          await store([flight(number, at + hours * HOUR, shift)]);
          const [viaIds] = await resolveFlightNumbers(ctx, [{ carrier: 'SW', number, ats: [new Date(at)] }]);
          const [viaGsi] = await resolveFlightInstances(ctx, 'SW', number, [new Date(at)]);
          expect({ shift, hours, at, id: viaIds![0]?.id ?? null }).toEqual({
            shift,
            hours,
            at,
            id: viaGsi?.id ?? null,
          });
          expect(viaGsi === null).toBe(Math.abs(hours) > 36);
        }
      }
    }
  });

  it('still finds an instance stored under an id of another form (GSI1 fallback), and answers many numbers at once', async () => {
    const odd = flight('7001', BASE + 10 * HOUR, 0, 'legacy-SW7001-a');
    const plain = flight('7002', BASE + 10 * HOUR, 0);
    await store([odd, plain]);
    const at = new Date(BASE + 9 * HOUR);
    const out = await resolveFlightNumbers(ctx, [
      { carrier: 'SW', number: '7001', ats: [at] },
      { carrier: 'SW', number: '7002', ats: [at, new Date(BASE + 30 * 24 * HOUR)] },
      { carrier: 'SW', number: '7003', ats: [at] },
    ]);
    expect(out.map((r) => r.map((f) => f?.id ?? null))).toEqual([[odd.id], [plain.id, null], [null]]);
  });
});

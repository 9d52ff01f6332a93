import { describe, expect, it } from 'vitest';
import { readLog } from '../../src/data/changelog.js';
import type { DataContext } from '../../src/data/client.js';
import { getFlight, pageBookings, resolveFlightInstance } from '../../src/data/repositories.js';
import { seedDemoData } from '../../src/data/seed.js';
import { demoData } from '../../src/local/demo/index.js';
import { withSuiteServices } from '../helpers/stack.js';

let ctx: DataContext;
withSuiteServices((_services, tables) => (ctx = tables));

describe('seedDemoData with the demo generator', () => {
  const data = demoData({ today: '2026-11-24', passengers: 1500 });

  it('writes everything, logs it to the stations, and is idempotent', async () => {
    // Act
    const t0 = Date.now();
    const first = await seedDemoData(ctx, data);
    const ms = Date.now() - t0;
    // Assess
    const total = data.flights.length + data.passengers.length + data.bookings.length;
    expect(first).toMatchObject({ written: total, skipped: 0 });
    console.info(`seeded ${total} items in ${ms} ms (${first.logEntries} log entries)`);
    const phx = await readLog(ctx, 'PHX', 0, 1000);
    const phxFlights = data.flights.filter((f) => f.origin === 'PHX' || f.destination === 'PHX');
    const logged = new Set(phx.flatMap((e) => e.changes.filter((c) => c.kind === 'flight').map((c) => c.id)));
    expect(logged).toEqual(new Set(phxFlights.map((f) => f.id)));
    const bookingsLogged = phx.flatMap((e) => e.changes.filter((c) => c.kind === 'booking')).length;
    expect(bookingsLogged).toBe(data.bookings.filter((b) => phxFlights.some((f) => f.id === b.flightId)).length);
    // A passenger reaches the desks of the stations they fly from/to.
    const paxLogged = new Set(phx.flatMap((e) => e.changes.filter((c) => c.kind === 'passenger').map((c) => c.id)));
    const phxBooking = data.bookings.find((b) => phxFlights.some((f) => f.id === b.flightId))!;
    expect(paxLogged.has(phxBooking.passengerId)).toBe(true);

    // Re-seeding writes nothing and logs nothing.
    const second = await seedDemoData(ctx, data);
    expect(second).toEqual({ written: 0, skipped: total, logEntries: 0 });
    expect(await readLog(ctx, 'PHX', 0, 1000)).toHaveLength(phx.length);
  });

  it('does not clobber an item that moved on since the first seed', async () => {
    const f = data.flights[0]!;
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { items } = await import('../../src/data/repositories.js');
    await ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: items.flight({ ...f, status: 'CANCELLED', version: 5 }) }));
    await seedDemoData(ctx, data);
    expect(await getFlight(ctx, f.id)).toMatchObject({ status: 'CANCELLED', version: 5 });
  });

  it('today’s SW9012 resolves through GSI1 and has its bookings paged from the flight partition', async () => {
    const f = await resolveFlightInstance(ctx, 'SW', '9012', new Date('2026-11-24T07:40:12Z'));
    expect(f?.id).toBe('SW9012-2026-11-24');
    const { bookings } = await pageBookings(ctx, f!.id, 1000, null);
    expect(bookings.length).toBe(data.bookings.filter((b) => b.flightId === f!.id).length);
  });
});

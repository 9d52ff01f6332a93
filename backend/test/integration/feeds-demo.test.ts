import '../../src/local/polyfills.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { createDataContext } from '../../src/data/client.js';
import { scanCount } from '../helpers/scan.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/cloud.js';
import { demoData } from '../../src/local/demo/index.js';
import { DEMO_PASSWORD } from '../../src/local/services/cognito.js';

/**
 * A fast first start: a persistent local cloud (as `npm run start:web` runs it) returns once today's
 * flights of the demo users' stations and FlightPulse's sample are in — a desk can pull its board —
 * and the rest of the demo streams in through the feeds afterwards.
 */
const TODAY = new Date().toISOString().slice(0, 10);
const dir = mkdtempSync(path.join(os.tmpdir(), 'jetway-feeds-demo-'));
const data = demoData({ today: TODAY, passengers: 300 });
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: dir, demo: { today: TODAY, passengers: 300 }, appOptions: { ingestGroupId: `feeds-demo-${process.pid}` } });
});
afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function pull(station: string): Promise<Change[]> {
  const idp = new CognitoIdentityProviderClient({ endpoint: cloud.cognito.endpoint, region: cloud.cognito.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const auth = await idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cloud.cognito.clientId, AuthParameters: { USERNAME: 'admin', PASSWORD: DEMO_PASSWORD } }));
  idp.destroy();
  const changes: Change[] = [];
  let cursor = 0;
  let epoch: string | null = null;
  for (;;) {
    const res = await fetch(`${cloud.apiUrl}/v1/sync/pull?station=${station}&cursor=${cursor}&limit=500${epoch ? `&epoch=${epoch}` : ''}`, { headers: { authorization: `Bearer ${auth.AuthenticationResult!.IdToken!}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { entries: { changes: Change[] }[]; cursor: number; hasMore: boolean; epoch: string };
    changes.push(...page.entries.flatMap((e) => e.changes));
    ({ cursor, epoch } = page);
    if (!page.hasMore) return changes;
  }
}

describe('the demo through the feeds', () => {
  it('is ready with today’s flights of the demo stations, then streams in the rest', async () => {
    // Assess 1: start returned with the core only; a PHX desk already pulls its flights and SW9012's passengers.
    const phxToday = data.flights.filter((f) => f.id.endsWith(`-${TODAY}`) && (f.origin === 'PHX' || f.destination === 'PHX'));
    expect(cloud.seeded).toMatchObject({ passengers: 10, bookings: 15 });
    expect(cloud.seeded!.flights).toBeGreaterThanOrEqual(phxToday.length);
    expect(cloud.seeded!.flights).toBeLessThan(data.flights.filter((f) => f.id.endsWith(`-${TODAY}`)).length);
    const early = await pull('PHX');
    const flightsNow = new Set(early.filter((c) => c.kind === 'flight').map((c) => c.id));
    for (const f of phxToday) expect(flightsNow.has(f.id), f.id).toBe(true);
    expect(early.some((c) => c.kind === 'booking' && c.id === 'B009')).toBe(true);

    // Act: the rest arrives in the background.
    const all = await cloud.seeding;
    // Assess 2: everything is in, through the change log too.
    expect(all).toMatchObject({ flights: data.flights.length, passengers: data.passengers.length, bookings: data.bookings.length });
    const ctx = createDataContext({ endpoint: cloud.dynamodbEndpoint, tablePrefix: cloud.tablePrefix });
    try {
      expect(await scanCount(ctx, 'PNR#')).toBe(new Set(data.bookings.map((b) => b.pnr)).size);
    } finally {
      ctx.doc.destroy();
    }
    const later = await pull('PHX');
    const phxBookings = data.bookings.filter((b) => data.flights.some((f) => f.id === b.flightId && (f.origin === 'PHX' || f.destination === 'PHX')));
    const logged = new Set(later.filter((c) => c.kind === 'booking').map((c) => c.id));
    expect(phxBookings.filter((b) => !logged.has(b.id))).toEqual([]);
    expect(later.filter((c) => c.kind === 'flight').length).toBeGreaterThan(flightsNow.size);
  });
});

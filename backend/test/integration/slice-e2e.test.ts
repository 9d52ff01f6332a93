import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entitlement } from '../../../src/shared/domain/index.js';
import { pageBookings } from '../../src/data/repositories.js';
import { createDataContext } from '../../src/data/client.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/cloud.js';
import { OPS_TOPIC } from '../../src/ingest/topics.js';
import { apiClient, issueCommand } from '../helpers/api.js';
import { scenarioMessages } from '../helpers/fixtures.js';
import { eventually, produce } from '../helpers/stack.js';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

/**
 * Issue #5's slice end to end on the whole local cloud (B's startLocalCloud with the demo data):
 * FlightPulse's FLIGHT_CANCELLED for SW9012, re-dated to today, on Kafka → ingest → disruption
 * workflow → cases in the PHX and OAK change logs → a desk issues a meal voucher over the API →
 * the passenger's voucher email lands in the SMTP sink.
 */
let cloud: LocalCloud;
const today = new Date().toISOString().slice(0, 10);

async function token(username: string): Promise<string> {
  const idp = new CognitoIdentityProviderClient({ endpoint: cloud.cognito.endpoint, region: cloud.cognito.region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  try {
    const r = await idp.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cloud.cognito.clientId, AuthParameters: { USERNAME: username, PASSWORD: 'Jetway-demo-1' } }));
    return r.AuthenticationResult!.IdToken!;
  } finally {
    idp.destroy();
  }
}

beforeAll(async () => {
  cloud = await startLocalCloud({ ephemeral: true, demo: { today, passengers: 800 }, appOptions: { ingestGroupId: `slice-${Date.now()}` } });
});
afterAll(async () => {
  await cloud?.stop();
});

describe('FlightPulse cancellation → desk voucher, on the local cloud', () => {
  it('opens one case per booked passenger in both stations and lets a desk issue a voucher once', async () => {
    // Prepare
    const ctx = createDataContext({ endpoint: cloud.dynamodbEndpoint, tablePrefix: cloud.tablePrefix });
    const flightId = `SW9012-${today}`;
    const booked = (await pageBookings(ctx, flightId, 1000, null)).bookings;
    expect(booked.length).toBeGreaterThan(0);
    const agent = await token('agent.phx');
    const api = apiClient(cloud.apiUrl);
    const msg = scenarioMessages('scenario3-cancellation.json')[0]!.replaceAll('2025-01-15', today);
    // Act 1: the ops event
    const t0 = Date.now();
    await produce(cloud.kafkaBrokers, OPS_TOPIC, [msg]);
    const caseIds = await eventually(async () => {
      const { entries } = await api.pullAll(agent, 'PHX');
      const ids = new Set(entries.flatMap((e) => e.changes).filter((c) => c.kind === 'case' && (c.data as { flightId: string }).flightId === flightId).map((c) => c.id));
      return ids.size === booked.length ? ids : null;
    }, 90_000, 250);
    const latencyMs = Date.now() - t0;
    console.info(`event → ${caseIds.size} cases visible to the PHX desk in ${latencyMs} ms`);
    // Assess 1: OAK (the destination) sees the same cases.
    const oak = await api.pullAll(await token('super.phx'), 'OAK');
    const oakCases = new Set(oak.entries.flatMap((e) => e.changes).filter((c) => c.kind === 'case' && (c.data as { flightId: string }).flightId === flightId).map((c) => c.id));
    expect(oakCases).toEqual(caseIds);
    // Act 2: the desk issues the first passenger's meal voucher (pushed twice: a retry).
    const { entries } = await api.pullAll(agent, 'PHX');
    const meal = entries.flatMap((e) => e.changes).filter((c) => c.kind === 'entitlement').map((c) => c.data as unknown as Entitlement).find((e) => caseIds.has(e.caseId) && e.type === 'meal')!;
    expect(meal).toBeDefined();
    const cmd = issueCommand({ entitlementId: meal.id, version: meal.version, station: 'PHX', deskId: 'desk-phx-e2e' });
    const r1 = await api.call('POST', '/v1/sync/push', { token: agent, body: { commands: [cmd] } });
    const r2 = await api.call('POST', '/v1/sync/push', { token: agent, body: { commands: [cmd] } });
    // Assess 2
    expect((r1.json.results as unknown[])[0]).toMatchObject({ status: 'applied', replayed: false });
    expect((r2.json.results as unknown[])[0]).toMatchObject({ status: 'applied', replayed: true });
    const mail = await cloud.smtp.waitFor((m) => m.subject.includes('voucher') && m.subject.includes('SW9012'), 10_000);
    expect(mail.text).toContain('Serial: JW-PHX-');
    await new Promise((r) => setTimeout(r, 300));
    expect(cloud.smtp.messages().filter((m) => m.subject.includes('voucher'))).toHaveLength(1);
    ctx.doc.destroy();
  });
});

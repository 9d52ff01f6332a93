import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../../src/data/client.js';
import { getEntitlement } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { addEntitlement, apiClient, confirmation, issueCommand, pushOne } from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Money controls follow the policy store (issue #9): role limits are policy data, so a published
 * version that lowers the agent's EUR approval limit applies to flights departing after its
 * effectiveFrom — here SW9012 of 2025-01-15 under a version effective 2025-01-01 (a past date,
 * with a reason) — and a rollback restores the old limit.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');

beforeAll(async () => {
  ({ s, ctx, app, api, tokens } = await startApiStack({ data: flightpulseData(6), users: ['agent.phx', 'admin'] }));
}, 120_000);
afterAll(() => stopApiStack({ app, s }));

const admin = (method: string, path: string, body?: object) => api.call(method, path, { token: tokens.admin!, ...(body ? { body } : {}) });
const issue = async (ent: Entitlement) => {
  const cur = (await getEntitlement(ctx, ent.id))!;
  return pushOne(api, tokens['agent.phx']!, issueCommand({ entitlementId: ent.id, version: cur.version, station: 'PHX', deskId: 'desk-1', confirmation: confirmation('in_kind_voucher') }));
};

describe('role limits from the policy store', () => {
  it('a version lowering the agent limit refuses an issue it allowed; a rollback allows it again', async () => {
    // An EU261 hotel night (valued 150.00 EUR): within the bundled agent limit (400.00 EUR).
    const hotel = await addEntitlement(ctx, caseId(flight, 'GX0005'), { regime: 'EU261', type: 'hotel', period: 'N1', amount: null });
    const hotel2 = await addEntitlement(ctx, caseId(flight, 'GX0006'), { regime: 'EU261', type: 'hotel', period: 'N1', amount: null });

    const draft = (await admin('POST', '/v1/admin/policies', { from: 1 })).json as { version: number; content: Record<string, unknown>[] };
    const content = draft.content.map((d) => {
      if (d.id !== 'reference') return d;
      const doc = structuredClone(d) as { version: string; roles: { agent: { approvalLimit: Record<string, number>; offlineCap: Record<string, number> } } };
      doc.version = `${doc.version}-low`;
      doc.roles.agent.approvalLimit.EUR = 10000;
      doc.roles.agent.offlineCap.EUR = Math.min(doc.roles.agent.offlineCap.EUR ?? 0, 10000);
      return doc;
    });
    expect((await admin('PUT', `/v1/admin/policies/${draft.version}`, { content })).status).toBe(200);
    const pub = await admin('POST', `/v1/admin/policies/${draft.version}/publish`, { effectiveFrom: '2025-01-01T00:00:00Z', reason: 'agent EUR limit 100.00 from 2025' });
    expect(pub.status, pub.text).toBe(200);

    expect(await issue(hotel)).toMatchObject({ status: 'rejected', code: 'LIMIT_EXCEEDED' });

    const rb = await admin('POST', '/v1/admin/policies/rollback', { to: 1, effectiveFrom: '2025-01-01T00:00:00Z', reason: 'limit back to 400.00 EUR' });
    expect(rb.status, rb.text).toBe(201);
    expect(await issue(hotel2)).toMatchObject({ status: 'applied' });
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { caseId, entitlementId, type Entitlement } from '../../../src/shared/domain/index.js';
import { defaultPolicySet, evaluate } from '../../../src/shared/policy/index.js';
import { toClaimCase } from '../../../src/shared/policy/claim-from-domain.js';
import { readAuditTrail } from '../../src/data/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import {
  getBookings,
  getCaseWithEntitlements,
  getDisruption,
  getEntitlement,
  getFlight,
  getIssuance,
  getPassenger,
} from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { addEntitlement, apiClient, command, confirmation, issueCommand, pushOne } from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Care types and the passenger's choice (issue #12) through the real API (DynamoDB Local,
 * cognito-local): recordChoice re-decides the case with the claim's choice (the US DOT refund
 * appears once, a replay applies nothing twice, the desk's preview function gives the same
 * entitlements), a hostile body changes nothing, and hotel/transport issues carry their care
 * details (nights, room group of co-travellers, transfers) counted by the money rules.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');
const USERS = ['agent.phx', 'super.phx'] as const;
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  const data = flightpulseData(6);
  // GX0001 and GX0002 travel on one booking (PNR FAM001): they may share a hotel room.
  for (const b of data.bookings) if (b.id === 'BX0001' || b.id === 'BX0002') b.pnr = 'FAM001';
  ({ s, ctx, app, api, tokens } = await startApiStack({ data, users: USERS }));
}, 120_000);
afterAll(() => stopApiStack({ app, s }));

const push = (user: (typeof USERS)[number], cmd: Parameters<typeof pushOne>[2]) => pushOne(api, tokens[user]!, cmd);
const caseOf = (n: number) => caseId(flight, `GX${String(n).padStart(4, '0')}`);
const choice = (n: number, c: string, o: { commandId?: string; reason?: string | null; extra?: object } = {}) =>
  command(
    'recordChoice',
    { caseId: caseOf(n), choice: c, ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.extra ?? {}) },
    { station: 'PHX', ...(o.commandId ? { commandId: o.commandId } : {}) },
  );
const load = async (n: number) => (await getCaseWithEntitlements(ctx, caseOf(n)))!;
const refunds = (ents: Entitlement[]) => ents.filter((e) => e.type === 'refund');

/** What the desk's preview computes for the case (same claim mapping, same engine, same policy). */
async function preview(n: number, c: 'refund' | 'rebook' | null): Promise<string[]> {
  const { case: k } = await load(n);
  const f = (await getFlight(ctx, k.flightId))!;
  const { aspects: _a, ...disruption } = (await getDisruption(ctx, k.flightId))!;
  const [booking] = await getBookings(ctx, k.flightId, [k.bookingId]);
  const passenger = await getPassenger(ctx, k.passengerId);
  const claim = toClaimCase({ caseId: k.id, flight: f, disruption, booking: booking!, passenger, choice: c })!;
  return evaluate(claim, defaultPolicySet())
    .entitlements.filter((e) => e.payable)
    .map((e) => entitlementId(k.id, e.regime, e.type, e.carePeriod))
    .sort();
}

describe('recordChoice', () => {
  it('a refund choice creates the US DOT refund entitlement once; a replayed command is applied once', async () => {
    const before = await load(1);
    expect(refunds(before.entitlements)).toHaveLength(0);
    expect(before.entitlements.some((e) => e.type === 'rebooking_or_refund')).toBe(true);
    const auditBefore = (await readAuditTrail(ctx, caseOf(1))).length;

    const cmd = choice(1, 'refund');
    const r = await push('agent.phx', cmd);
    expect(r).toMatchObject({ status: 'applied', replayed: false });
    const after = await load(1);
    const [refund] = refunds(after.entitlements);
    expect(refunds(after.entitlements)).toHaveLength(1);
    expect(refund).toMatchObject({
      regime: 'US_DOT',
      status: 'OFFERED',
      automatic: true,
      amount: { amountMinor: 12900, currency: 'USD' },
    });
    expect(refund!.clauses.map((c) => c.id)).toContain('US.260.6.CANCELLED');
    expect(after.case.passengerChoice).toMatchObject({ choice: 'refund', recordedBy: 'agent.phx', commandId: cmd.commandId });
    expect(after.case.version).toBe(before.case.version + 1);
    const trail = await readAuditTrail(ctx, caseOf(1));
    expect(trail).toHaveLength(auditBefore + 1);
    expect(trail.at(-1)).toMatchObject({ action: 'choice_recorded', details: { choice: 'refund', entitlementsAdded: 1 } });

    // The desk's preview (toClaimCase + evaluate with the recorded choice) equals the backend's entitlements.
    const stored = after.entitlements.filter((e) => e.status !== 'VOID').map((e) => e.id).sort();
    expect(await preview(1, 'refund')).toEqual(stored);

    // The same command again: the stored result, nothing applied twice.
    const again = await push('agent.phx', cmd);
    expect(again).toMatchObject({ status: 'applied', replayed: true });
    expect(refunds((await load(1)).entitlements)).toHaveLength(1);
    expect((await load(1)).case.version).toBe(after.case.version);
    expect(await readAuditTrail(ctx, caseOf(1))).toHaveLength(auditBefore + 1);

    // A new command with the same choice: applied, no change (idempotent).
    expect(await push('agent.phx', choice(1, 'refund'))).toMatchObject({ status: 'applied', effects: [] });
    expect(refunds((await load(1)).entitlements)).toHaveLength(1);
    expect((await load(1)).case.version).toBe(after.case.version);
  });

  it('refuses a different choice from an agent; a supervisor changes it with a reason (refund voided, booking handed to re-accommodation)', async () => {
    expect(await push('agent.phx', choice(2, 'refund'))).toMatchObject({ status: 'applied' });
    expect(await push('agent.phx', choice(2, 'rebook'))).toMatchObject({ status: 'rejected', code: 'CHOICE_ALREADY_RECORDED' });
    expect(await push('super.phx', choice(2, 'rebook'))).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD' });
    expect(await push('super.phx', choice(2, 'rebook', { reason: 'passenger changed their mind at the desk' }))).toMatchObject({
      status: 'applied',
    });
    const { case: k, entitlements } = await load(2);
    expect(k.passengerChoice).toMatchObject({ choice: 'rebook', previous: 'refund', recordedBy: 'super.phx' });
    expect(k.reaccommodation).toMatchObject({ status: 'REQUESTED', requestedBy: 'super.phx' });
    expect(refunds(entitlements).map((e) => e.status)).toEqual(['VOID']);
    const [booking] = await getBookings(ctx, flight, [k.bookingId]);
    expect(booking!.status).toBe('NEEDS_REBOOKING');
    expect(entitlements.filter((e) => e.status !== 'VOID').map((e) => e.id).sort()).toEqual(await preview(2, 'rebook'));
  });

  it('refuses a hostile body whole: nothing of it is applied', async () => {
    const before = await load(3);
    // A payload with a field the schema does not know, a choice that is not one, an oversized id: each a committed rejection.
    for (const cmd of [
      choice(3, 'refund', { extra: { amountMinor: 999999 } }),
      choice(3, 'cash'),
      command('recordChoice', { caseId: 'x'.repeat(5000), choice: 'refund' }, { station: 'PHX' }),
      command('recordChoice', 'refund', { station: 'PHX' }),
    ])
      expect(await push('agent.phx', cmd)).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD' });
    // A batch whose second envelope is malformed is refused as a whole (400): its valid first command is not applied either.
    const valid = choice(3, 'refund');
    const res = await api.call('POST', '/v1/sync/push', {
      token: tokens['agent.phx']!,
      body: { commands: [valid, { ...choice(3, 'refund'), commandId: 'not-a-ulid' }] },
    });
    expect(res.status).toBe(400);
    const after = await load(3);
    expect(after.case.version).toBe(before.case.version);
    expect(after.case.passengerChoice ?? null).toBeNull();
    expect(refunds(after.entitlements)).toHaveLength(0);
    const rec = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.command(valid.commandId), ConsistentRead: true }));
    expect(rec.Item).toBeUndefined();
  });

  it('a rebooking-or-refund entitlement is never issued as a voucher', async () => {
    const ent = (await load(4)).entitlements.find((e) => e.type === 'rebooking_or_refund')!;
    const r = await push('agent.phx', issueCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX', deskId: 'desk-1' }));
    expect(r).toMatchObject({ status: 'rejected', code: 'NOT_ISSUABLE' });
  });
});

describe('care details on the issue command', () => {
  const usd = (n: number) => ({ amountMinor: n * 100, currency: 'USD' });
  const issueWithCare = (ent: Entitlement, care: unknown, conf = confirmation('in_kind_voucher')) =>
    command(
      'issueEntitlement',
      { entitlementId: ent.id, voucherSerial: null, confirmation: conf, care },
      { station: 'PHX', expectedVersions: { [`entitlement:${ent.id}`]: ent.version }, commandId: ulid() },
    );

  it('issues a 2-night hotel shared with a co-traveller of the booking, counted as 2 nights', async () => {
    const hotel = await addEntitlement(ctx, caseOf(1), { regime: 'goodwill', type: 'hotel', period: 'N1', amount: usd(150) });
    const dayKey = keys.userDay('agent.phx', today(), 'USD');
    const totalOf = async () => Number((await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: dayKey, ConsistentRead: true }))).Item?.total ?? 0);
    const before = await totalOf();
    // A stranger in the room, too many nights, nights on a meal: INVALID_CARE, nothing written.
    const stranger = { nights: 2, roomGroup: { id: 'RG-FAM001-GX0001', passengerIds: ['GX0003'] } };
    expect(await push('agent.phx', issueWithCare(hotel, stranger))).toMatchObject({ status: 'rejected', code: 'INVALID_CARE' });
    expect(await push('agent.phx', issueWithCare(hotel, { nights: 4 }))).toMatchObject({ status: 'rejected', code: 'INVALID_CARE' });
    const wrongName = { nights: 2, roomGroup: { id: 'RG-OTHER-GX0001', passengerIds: ['GX0002'] } };
    expect(await push('agent.phx', issueWithCare(hotel, wrongName))).toMatchObject({ status: 'rejected', code: 'INVALID_CARE' });
    // Above confirmAbove (50 USD) without the dialog's confirmation: refused.
    expect(await push('agent.phx', issueWithCare(hotel, { nights: 2 }, null as never))).toMatchObject({
      status: 'rejected',
      code: 'CONFIRMATION_REQUIRED',
    });
    expect(await getEntitlement(ctx, hotel.id)).toMatchObject({ status: 'OFFERED', version: 1 });

    const ok = { nights: 2, roomGroup: { id: 'RG-FAM001-GX0001', passengerIds: ['GX0002'] } };
    expect(await push('agent.phx', issueWithCare(hotel, ok))).toMatchObject({ status: 'applied' });
    const iss = (await getIssuance(ctx, (await getEntitlement(ctx, hotel.id))!.issuanceId!))!;
    expect(iss).toMatchObject({
      type: 'hotel',
      amount: usd(300),
      care: { nights: 2, transfers: null, roomGroup: { id: 'RG-FAM001-GX0001', passengerIds: ['GX0002'] } },
    });
    expect((await totalOf()) - before).toBe(30000);
    expect((await readAuditTrail(ctx, caseOf(1))).filter((a) => a.action === 'issued').at(-1)).toMatchObject({
      action: 'issued',
      details: { nights: 2, roomGroup: 'RG-FAM001-GX0001', roomShareWith: 'GX0002', amountMinor: 30000 },
    });
  });

  it('checks the agent limit on the nights: 3 goodwill nights at 200 USD are above the 500 USD approval limit', async () => {
    const hotel = await addEntitlement(ctx, caseOf(5), { regime: 'goodwill', type: 'hotel', period: 'N1', amount: usd(200) });
    expect(await push('agent.phx', issueWithCare(hotel, { nights: 3 }))).toMatchObject({ status: 'rejected', code: 'LIMIT_EXCEEDED' });
    expect(await push('agent.phx', issueWithCare(hotel, { nights: 2 }))).toMatchObject({ status: 'applied' });
  });

  it('transport counts its transfers; meals stay one per period; a plain issue still works', async () => {
    const transport = await addEntitlement(ctx, caseOf(6), { regime: 'goodwill', type: 'transport', period: 'N1', amount: usd(30) });
    const meal = await addEntitlement(ctx, caseOf(6), { regime: 'goodwill', type: 'meal', period: 'D1', amount: usd(15) });
    expect(await push('agent.phx', issueWithCare(meal, { nights: 2 }))).toMatchObject({ status: 'rejected', code: 'INVALID_CARE' });
    expect(await push('agent.phx', issueWithCare(transport, { transfers: 2 }))).toMatchObject({ status: 'applied' });
    const iss = (await getIssuance(ctx, (await getEntitlement(ctx, transport.id))!.issuanceId!))!;
    expect(iss).toMatchObject({ amount: usd(60), care: { transfers: 2, nights: null, roomGroup: null } });
    // Backward compatible: no care field at all.
    expect(await push('agent.phx', issueCommand({ entitlementId: meal.id, version: meal.version, station: 'PHX', deskId: 'desk-1' }))).toMatchObject({
      status: 'applied',
    });
    expect((await getIssuance(ctx, (await getEntitlement(ctx, meal.id))!.issuanceId!))!.care ?? null).toBeNull();
  });
});

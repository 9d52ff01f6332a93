import { withoutNotices } from '../helpers/audit.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/shared/audit.js';
import { approvalId, caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import type { CommandResult } from '../../../src/shared/sync/protocol.js';
import { readAuditTrail } from '../../src/data/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getApproval, getCase, getEntitlement, getIssuance } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import {
  addEntitlement,
  apiClient,
  confirmation,
  decideCommand,
  issueCommand,
  pushOne,
  requestCommand,
} from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { scanCount } from '../helpers/scan.js';
import { eventually, type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Supervisor approvals through the real API (DynamoDB Local, cognito-local ID tokens, SMTP sink):
 * request → approve issues exactly once with one email; deny issues nothing; four eyes; two
 * supervisors racing; a decision made offline and pushed later; expired and unknown requests;
 * above the approver's own limit escalates. Entitlements are added to the cancelled SW9012's cases
 * (EU261 cash in EUR: the agent's limit is 400.00 EUR, a supervisor's 1,200.00 EUR).
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');
const USERS = ['agent.phx', 'super.phx', 'super2.phx', 'admin', 'agent.dal'] as const;

beforeAll(async () => {
  ({ s, ctx, app, api, tokens } = await startApiStack({ data: flightpulseData(20), users: USERS }));
}, 120_000);
afterAll(() => stopApiStack({ app, s }));

const push = (user: (typeof USERS)[number], cmd: Parameters<typeof pushOne>[2]) => pushOne(api, tokens[user]!, cmd);
const cash = (n: number, eur: number, period = 'T') =>
  addEntitlement(ctx, caseId(flight, `GX${String(n).padStart(4, '0')}`), {
    regime: 'EU261',
    type: 'cash',
    period,
    amount: { amountMinor: eur * 100, currency: 'EUR' },
  });
const mailsTo = (n: number) => s.smtp.messages().filter((m) => m.to.includes(`guest${n}@example.com`));
const issuancesOf = async (entId: string) => {
  const e = await getEntitlement(ctx, entId);
  return e?.issuanceId ? [await getIssuance(ctx, e.issuanceId)] : [];
};

/** An agent's request for `ent`, applied; returns the approval id. */
async function requested(ent: Entitlement, by: (typeof USERS)[number] = 'agent.phx'): Promise<string> {
  const cmd = requestCommand({
    entitlementId: ent.id,
    version: ent.version,
    station: 'PHX',
    confirmation: confirmation('bank_transfer'),
  });
  const r = await push(by, cmd);
  expect(r, JSON.stringify(r)).toMatchObject({ status: 'applied' });
  return approvalId(cmd.commandId);
}

describe('request → decide', () => {
  it('an agent above their limit requests approval; a supervisor approves: one issuance, one email, entitlement ISSUED, audit chain verifies', async () => {
    // Prepare: EU261 cash 600.00 EUR (agent limit 400.00 EUR).
    const ent = await cash(1, 600);
    const direct = await push(
      'agent.phx',
      issueCommand({ entitlementId: ent.id, version: 1, station: 'PHX', deskId: 'd', confirmation: confirmation() }),
    );
    expect(direct).toMatchObject({ status: 'rejected', code: 'LIMIT_EXCEEDED' });
    const noConfirmation = await push(
      'agent.phx',
      requestCommand({ entitlementId: ent.id, version: 1, station: 'PHX' }),
    );
    expect(noConfirmation).toMatchObject({ status: 'rejected', code: 'CONFIRMATION_REQUIRED' });
    // Act: request
    const id = await requested(ent);
    // Assess: pending
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'PENDING_APPROVAL', version: 2 });
    expect(await getApproval(ctx, id)).toMatchObject({
      status: 'PENDING',
      level: 'supervisor',
      requestedBy: 'agent.phx',
      amount: { amountMinor: 60000, currency: 'EUR' },
      confirmation: { paymentMethod: 'bank_transfer' },
      stations: expect.arrayContaining(['PHX', 'OAK']),
    });
    expect((await getCase(ctx, ent.caseId))?.status).toBe('AWAITING_APPROVAL');
    const mailsBefore = mailsTo(1).length;
    // Act: approve
    const decide = decideCommand({ approvalId: id, decision: 'approve', station: 'PHX', reason: 'delay confirmed' });
    const r = await push('super.phx', decide);
    const replay = await push('super.phx', decide);
    // Assess: applied once, replay identical
    expect(r).toMatchObject({ status: 'applied', replayed: false });
    expect(replay).toEqual({ ...r, replayed: true });
    const approval = await getApproval(ctx, id);
    expect(approval).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'super.phx',
      decisionReason: 'delay confirmed',
      issuanceId: expect.stringMatching(/^ISS-/),
    });
    const [iss] = await issuancesOf(ent.id);
    expect(iss).toMatchObject({
      id: approval!.issuanceId,
      status: 'VALID',
      approvalId: id,
      paymentMethod: 'bank_transfer',
      issuedBy: 'super.phx',
      amount: { amountMinor: 60000, currency: 'EUR' },
    });
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'ISSUED', issuanceId: iss!.id, version: 3 });
    expect(await scanCount(ctx, `ISSUEKEY#`)).toBeGreaterThan(0);
    // Exactly one email, with the serial.
    await eventually(async () => mailsTo(1).length > mailsBefore);
    await new Promise((res) => setTimeout(res, 300));
    const mails = mailsTo(1).slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(iss!.voucherSerial);
    expect(mails[0]!.text).toContain('600.00');
    // Audit: requested then approved, chain intact.
    const trail = await readAuditTrail(ctx, ent.caseId);
    expect(withoutNotices(trail).map((e) => e.action).slice(-2)).toEqual(['approval_requested', 'approval_approved']);
    expect(withoutNotices(trail).at(-1)).toMatchObject({
      actor: 'super.phx',
      details: { approvalId: id, amountMinor: 60000, currency: 'EUR', regime: 'EU261', paymentMethod: 'bank_transfer' },
    });
    expect(verifyAuditChain(trail)).toMatchObject({ ok: true, entries: trail.length });
  });

  it('request → deny issues nothing; the entitlement is DENIED and the passenger gets one email', async () => {
    const ent = await cash(2, 500);
    const id = await requested(ent);
    const before = await scanCount(ctx, 'ISSUANCE#');
    const mailsBefore = mailsTo(2).length;
    const r = await push(
      'super.phx',
      decideCommand({
        approvalId: id,
        decision: 'deny',
        station: 'PHX',
        reason: 'extraordinary circumstances (weather)',
      }),
    );
    expect(r).toMatchObject({ status: 'applied' });
    expect(await scanCount(ctx, 'ISSUANCE#')).toBe(before);
    expect(await getApproval(ctx, id)).toMatchObject({ status: 'DENIED', issuanceId: null, decidedBy: 'super.phx' });
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'DENIED', issuanceId: null });
    await eventually(async () => mailsTo(2).length > mailsBefore);
    await new Promise((res) => setTimeout(res, 300));
    const mails = mailsTo(2).slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('extraordinary circumstances (weather)');
    // Deciding again: ALREADY_DECIDED, nothing changes.
    const again = await push('super2.phx', decideCommand({ approvalId: id, decision: 'approve', station: 'PHX' }));
    expect(again).toMatchObject({ status: 'rejected', code: 'ALREADY_DECIDED' });
    expect(await scanCount(ctx, 'ISSUANCE#')).toBe(before);
  });

  it('four eyes: the requester can never decide their own request (admins included); an agent cannot decide at all', async () => {
    const ent = await cash(4, 600);
    const bySuper = await requested(ent, 'super.phx');
    expect(
      await push('super.phx', decideCommand({ approvalId: bySuper, decision: 'approve', station: 'PHX' })),
    ).toMatchObject({ status: 'rejected', code: 'SELF_APPROVAL' });
    expect(
      await push('agent.phx', decideCommand({ approvalId: bySuper, decision: 'approve', station: 'PHX' })),
    ).toMatchObject({ status: 'rejected', code: 'FORBIDDEN_ROLE' });
    expect(await getApproval(ctx, bySuper)).toMatchObject({ status: 'PENDING', version: 1 });
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'PENDING_APPROVAL' });
    // The agent's own request.
    const ent2 = await cash(5, 600);
    const byAgent = await requested(ent2, 'agent.phx');
    expect(
      await push('agent.phx', decideCommand({ approvalId: byAgent, decision: 'approve', station: 'PHX' })),
    ).toMatchObject({ status: 'rejected', code: 'SELF_APPROVAL' });
    // An admin's own request.
    const ent3 = await cash(7, 600);
    const byAdmin = await requested(ent3, 'admin');
    expect(
      await push('admin', decideCommand({ approvalId: byAdmin, decision: 'approve', station: 'PHX' })),
    ).toMatchObject({ status: 'rejected', code: 'SELF_APPROVAL' });
    expect(await issuancesOf(ent3.id)).toEqual([]);
    // Another supervisor may decide the supervisor's request.
    expect(
      await push('super2.phx', decideCommand({ approvalId: bySuper, decision: 'approve', station: 'PHX' })),
    ).toMatchObject({ status: 'applied' });
  });

  it('two supervisors deciding the same request concurrently: exactly one decision applied, the other ALREADY_DECIDED', async () => {
    for (const [n, decisions] of [
      [8, ['approve', 'approve']],
      [10, ['approve', 'deny']],
      [11, ['deny', 'approve']],
    ] as const) {
      const ent = await cash(n, 700);
      const id = await requested(ent);
      const before = await scanCount(ctx, 'ISSUANCE#');
      const rs = await Promise.all([
        push('super.phx', decideCommand({ approvalId: id, decision: decisions[0], station: 'PHX' })),
        push('super2.phx', decideCommand({ approvalId: id, decision: decisions[1], station: 'PHX' })),
      ]);
      const applied = rs.filter((r) => r.status === 'applied');
      expect(applied, JSON.stringify(rs)).toHaveLength(1);
      expect(rs.filter((r) => r.status === 'rejected')).toEqual([expect.objectContaining({ code: 'ALREADY_DECIDED' })]);
      const winner = rs.indexOf(applied[0]!);
      const a = await getApproval(ctx, id);
      expect(a?.status).toBe(decisions[winner] === 'approve' ? 'APPROVED' : 'DENIED');
      expect(a?.decidedBy).toBe(winner === 0 ? 'super.phx' : 'super2.phx');
      expect(await scanCount(ctx, 'ISSUANCE#')).toBe(before + (decisions[winner] === 'approve' ? 1 : 0));
      const trail = await readAuditTrail(ctx, ent.caseId);
      expect(trail.filter((e) => e.action === 'approval_approved' || e.action === 'approval_denied')).toHaveLength(1);
      expect(verifyAuditChain(trail).ok).toBe(true);
    }
  });

  it('a decision made offline an hour ago and pushed later is applied once (cash issued online, by the server); a replay gives the same result', async () => {
    const ent = await cash(13, 650);
    const id = await requested(ent);
    const mailsBefore = mailsTo(13).length;
    const decide = decideCommand({
      approvalId: id,
      decision: 'approve',
      station: 'PHX',
      offline: true,
      createdAt: new Date(Date.now() - 3600_000).toISOString(),
      reason: 'approved at the gate, offline',
    });
    const r = await push('super.phx', decide);
    const replay = await push('super.phx', decide);
    expect(r).toMatchObject({ status: 'applied', replayed: false });
    expect(replay).toEqual({ ...r, replayed: true });
    const issued = await issuancesOf(ent.id);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ approvalId: id, offline: false, status: 'VALID' });
    const last = withoutNotices(await readAuditTrail(ctx, ent.caseId)).at(-1);
    expect(last).toMatchObject({ action: 'approval_approved', details: { decidedOffline: true } });
    await eventually(async () => mailsTo(13).length > mailsBefore);
    await new Promise((res) => setTimeout(res, 300));
    expect(mailsTo(13).slice(mailsBefore)).toHaveLength(1);
  });
});

describe('bad decisions are committed rejections, nothing half-applied', () => {
  it('an unknown approval id → UNKNOWN_APPROVAL', async () => {
    const cmdsBefore = await scanCount(ctx, 'CMD#');
    const r = await push(
      'super.phx',
      decideCommand({ approvalId: 'APR-01JZZZZZZZZZZZZZZZZZZZZZZZ', decision: 'approve', station: 'PHX' }),
    );
    expect(r).toMatchObject({ status: 'rejected', code: 'UNKNOWN_APPROVAL' });
    expect(await scanCount(ctx, 'CMD#')).toBe(cmdsBefore + 1);
  });

  it('a decision on an expired request → APPROVAL_EXPIRED; the request and entitlement are untouched', async () => {
    const ent = await cash(14, 600);
    const id = await requested(ent);
    // Time passes beyond the request's expiry.
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.approval(id),
        UpdateExpression: 'SET expireAt = :t',
        ExpressionAttributeValues: { ':t': new Date(Date.now() - 60_000).toISOString() },
      }),
    );
    const before = await getApproval(ctx, id);
    const r = await push('super.phx', decideCommand({ approvalId: id, decision: 'approve', station: 'PHX' }));
    expect(r).toMatchObject({ status: 'rejected', code: 'APPROVAL_EXPIRED' });
    expect(await getApproval(ctx, id)).toEqual(before);
    expect(await getEntitlement(ctx, ent.id)).toMatchObject({ status: 'PENDING_APPROVAL', issuanceId: null });
  });

  it.each([
    [
      'a decision that is neither approve nor deny',
      { approvalId: 'APR-X', decision: 'maybe', reason: 'x' },
      /^payload\.decision/,
    ],
    ['no reason', { approvalId: 'APR-X', decision: 'approve', reason: '   ' }, /^payload\.reason/],
    ['no approval id', { decision: 'approve', reason: 'x' }, /^payload\.approvalId/],
  ])('a malformed decision (%s) → INVALID_PAYLOAD', async (_n, payload, message) => {
    const cmd = { ...decideCommand({ approvalId: 'x', decision: 'approve', station: 'PHX' }), payload };
    const r = await push('super.phx', cmd);
    expect(r).toMatchObject({ status: 'rejected', code: 'INVALID_PAYLOAD', message: expect.stringMatching(message) });
  });

  it('approving above the approver’s own limit is refused ABOVE_APPROVER_LIMIT and escalated to an admin, who can approve', async () => {
    // 1,500.00 EUR: above a supervisor's 1,200.00 EUR, within an admin's.
    const ent = await cash(16, 1500);
    const id = await requested(ent);
    expect(await getApproval(ctx, id)).toMatchObject({ level: 'admin', status: 'PENDING' });
    const r = await push('super.phx', decideCommand({ approvalId: id, decision: 'approve', station: 'PHX' }));
    expect(r).toMatchObject({ status: 'rejected', code: 'ABOVE_APPROVER_LIMIT' });
    expect(await getApproval(ctx, id)).toMatchObject({
      level: 'admin',
      status: 'ESCALATED',
      escalatedAt: expect.any(String),
      decidedBy: null,
    });
    expect(await issuancesOf(ent.id)).toEqual([]);
    expect((await readAuditTrail(ctx, ent.caseId)).at(-1)).toMatchObject({
      action: 'approval_escalated',
      actor: 'super.phx',
    });
    const byAdmin: CommandResult = await push(
      'admin',
      decideCommand({ approvalId: id, decision: 'approve', station: 'PHX' }),
    );
    expect(byAdmin).toMatchObject({ status: 'applied' });
    expect(await issuancesOf(ent.id)).toEqual([expect.objectContaining({ approvalId: id, issuedBy: 'admin' })]);
  });

  it('a supervisor of other stations cannot decide; a second request for a pending entitlement is ALREADY_PENDING', async () => {
    const ent = await cash(17, 600);
    const id = await requested(ent);
    expect(
      await push('agent.dal', decideCommand({ approvalId: id, decision: 'approve', station: 'DAL' })),
    ).toMatchObject({ status: 'rejected', code: 'FORBIDDEN_STATION' });
    expect(
      await push(
        'agent.phx',
        requestCommand({ entitlementId: ent.id, version: 2, station: 'PHX', confirmation: confirmation() }),
      ),
    ).toMatchObject({
      status: 'rejected',
      code: 'ALREADY_PENDING',
    });
    expect(await getApproval(ctx, id)).toMatchObject({ status: 'PENDING', version: 1 });
  });
});

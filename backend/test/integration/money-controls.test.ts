import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/shared/audit.js';
import { CHOICE_TYPES, caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import {
  DEFAULT_POLICY_DOCUMENTS,
  defaultPolicySet,
  parsePolicySet,
  type PolicySet,
} from '../../../src/shared/policy/index.js';
import { runAuditCli } from '../../src/cli/audit.js';
import { readAuditTrail } from '../../src/data/audit.js';
import { withoutNotices } from '../helpers/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { keys } from '../../src/data/keys.js';
import { getCase, getCaseWithEntitlements, getEntitlement, getIssuance } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { addEntitlement, apiClient, command, confirmation, issueCommand, pushOne } from '../helpers/api.js';
import { captureCli } from '../helpers/cli.js';
import { sharedDeskSerials, sharedTestDesk } from '../helpers/desk-signing.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { scanCount } from '../helpers/scan.js';
import { eventually, type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Server-side money controls through the real API (DynamoDB Local, cognito-local, SMTP sink):
 * confirmation and agreement, offline cash and the offline cap (even when the desk let the
 * command through), a late command treated as offline, in-kind care valued against the limits,
 * the daily limit (its conditional counter under concurrency), airline-wide serial uniqueness,
 * void and re-issue, the case lifecycle commands and the hash-chained audit trail (with
 * `jetway audit verify`). The policy is switchable per test (a PolicySet built from the bundled
 * documents with one number changed).
 */
let s: Services;
let ctx: DataContext;
let prefix: string;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let policy: PolicySet = defaultPolicySet();
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');
const USERS = ['agent.phx', 'super.phx', 'super2.phx', 'admin'] as const;
const today = () => new Date().toISOString().slice(0, 10);

/** The bundled policies with the agent's limits in EUR changed. */
function agentEur(change: { approvalLimit?: number; dailyLimit?: number }): PolicySet {
  const docs = DEFAULT_POLICY_DOCUMENTS.map((d) => {
    const doc = structuredClone(d) as { id?: string; roles?: Record<string, Record<string, Record<string, number>>> };
    if (doc.id === 'reference' && doc.roles) {
      if (change.approvalLimit !== undefined) doc.roles.agent!.approvalLimit!.EUR = change.approvalLimit;
      if (change.dailyLimit !== undefined) doc.roles.agent!.dailyLimit!.EUR = change.dailyLimit;
    }
    return doc;
  });
  return parsePolicySet(docs);
}

async function withPolicy<T>(p: PolicySet, fn: () => Promise<T>): Promise<T> {
  policy = p;
  try {
    return await fn();
  } finally {
    policy = defaultPolicySet();
  }
}

beforeAll(async () => {
  ({ s, ctx, prefix, app, api, tokens } = await startApiStack({ data: flightpulseData(30), users: USERS, policy: () => policy }));
}, 120_000);
afterAll(() => stopApiStack({ app, s }));

const push = (user: (typeof USERS)[number], cmd: Parameters<typeof pushOne>[2]) => pushOne(api, tokens[user]!, cmd);
const caseOf = (n: number) => caseId(flight, `GX${String(n).padStart(4, '0')}`);
const eu = (n: number, type: string, period: string, eur: number | null) =>
  addEntitlement(ctx, caseOf(n), {
    regime: 'EU261',
    type,
    period,
    amount: eur === null ? null : { amountMinor: eur * 100, currency: 'EUR' },
  });
const issue = (ent: Entitlement, o: Partial<Parameters<typeof issueCommand>[0]> = {}) =>
  issueCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX', deskId: 'desk-1', ...o });
const dayTotal = async (user: string, currency = 'EUR') =>
  Number(
    (
      await ctx.doc.send(
        new GetCommand({ TableName: ctx.table, Key: keys.userDay(user, today(), currency), ConsistentRead: true }),
      )
    ).Item?.total ?? 0,
  );
const unchanged = async (ent: Entitlement) =>
  expect(await getEntitlement(ctx, ent.id)).toMatchObject({
    status: 'OFFERED',
    version: ent.version,
    issuanceId: null,
  });

describe('confirmation before money', () => {
  it('cash needs a confirmation; a travel voucher in place of EU261 cash needs the passenger’s agreement, stored with the issuance', async () => {
    const ent = await eu(1, 'cash', 'C1', 300);
    expect(await push('agent.phx', issue(ent))).toMatchObject({ status: 'rejected', code: 'CONFIRMATION_REQUIRED' });
    expect(await push('agent.phx', issue(ent, { confirmation: confirmation('travel_voucher') }))).toMatchObject({
      status: 'rejected',
      code: 'AGREEMENT_REQUIRED',
    });
    await unchanged(ent);
    const r = await push(
      'agent.phx',
      issue(ent, {
        confirmation: confirmation('travel_voucher', 'voucher of 300 EUR instead of cash, agreed at the desk'),
      }),
    );
    expect(r).toMatchObject({ status: 'applied' });
    const iss = await getIssuance(ctx, (await getEntitlement(ctx, ent.id))!.issuanceId!);
    expect(iss).toMatchObject({
      paymentMethod: 'travel_voucher',
      passengerAgreement: { text: 'voucher of 300 EUR instead of cash, agreed at the desk' },
      offline: false,
    });
    const last = withoutNotices(await readAuditTrail(ctx, ent.caseId)).at(-1);
    expect(last).toMatchObject({
      action: 'issued',
      actor: 'agent.phx',
      details: {
        amountMinor: 30000,
        currency: 'EUR',
        regime: 'EU261',
        clauses: 'EU261-TEST',
        paymentMethod: 'travel_voucher',
        confirmedAt: expect.any(String),
        passengerAgreement: 'voucher of 300 EUR instead of cash, agreed at the desk',
        serial: iss!.voucherSerial,
        offline: false,
      },
    });
  });
});

describe('offline rules, enforced by the server even when the desk let the command through', () => {
  it('offline cash is refused OFFLINE_CASH; nothing is written but the rejection', async () => {
    const ent = await eu(2, 'cash', 'C1', 100);
    const before = await scanCount(ctx, 'ISSUANCE#');
    const r = await push('agent.phx', issue(ent, { offline: true, confirmation: confirmation('cash') }));
    expect(r).toMatchObject({ status: 'rejected', code: 'OFFLINE_CASH' });
    expect(await scanCount(ctx, 'ISSUANCE#')).toBe(before);
    await unchanged(ent);
  });

  it('offline care above the agent’s offline cap (an EU261 hotel night, valued 150.00 EUR > 50.00 EUR) is refused; a meal (15.00 EUR) is issued, marked offline', async () => {
    const hotel = await eu(2, 'hotel', 'N1', null);
    const meal = await eu(2, 'meal', 'M1', null);
    // Offline issues carry a serial of the desk's block (helpers/desk-signing.ts: the shared test desk's).
    const [serial, hotelSerial] = await sharedDeskSerials(app.apiUrl, tokens['agent.phx']!, 2);
    expect(
      await push(
        'agent.phx',
        issue(hotel, { offline: true, voucherSerial: hotelSerial!, confirmation: confirmation('in_kind_voucher') }),
      ),
    ).toMatchObject({ status: 'rejected', code: 'OFFLINE_CAP_EXCEEDED' });
    await unchanged(hotel);
    expect(await push('agent.phx', issue(meal, { offline: true, voucherSerial: serial! }))).toMatchObject({
      status: 'applied',
    });
    const iss = await getIssuance(ctx, (await getEntitlement(ctx, meal.id))!.issuanceId!);
    expect(iss).toMatchObject({ offline: true, voucherSerial: serial, amount: null });
  });

  it('a command created long ago but marked online is treated as offline (cash refused)', async () => {
    const ent = await eu(4, 'cash', 'C1', 100);
    const r = await push(
      'agent.phx',
      issue(ent, {
        offline: false,
        createdAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
        confirmation: confirmation(),
      }),
    );
    expect(r).toMatchObject({ status: 'rejected', code: 'OFFLINE_CASH' });
    await unchanged(ent);
    // The same command created just now is issued.
    expect(await push('agent.phx', issue(ent, { confirmation: confirmation() }))).toMatchObject({ status: 'applied' });
  });
});

describe('limits count in-kind care by its value; the daily total is enforced atomically', () => {
  it('an EU261 hotel night (no amount, valued 150.00 EUR) is above an agent limit of 100.00 EUR', async () => {
    const hotel = await eu(5, 'hotel', 'N1', null);
    await withPolicy(agentEur({ approvalLimit: 10000 }), async () => {
      expect(await push('agent.phx', issue(hotel, { confirmation: confirmation('in_kind_voucher') }))).toMatchObject({
        status: 'rejected',
        code: 'LIMIT_EXCEEDED',
      });
    });
    await unchanged(hotel);
    // Under the bundled policy (400.00 EUR) the same night is issued, and counted at 150.00 EUR.
    const before = await dayTotal('agent.phx');
    expect(await push('agent.phx', issue(hotel, { confirmation: confirmation('in_kind_voucher') }))).toMatchObject({
      status: 'applied',
    });
    expect(await dayTotal('agent.phx')).toBe(before + 15000);
  });

  it('the daily limit: with room for two meals, four concurrent issues → exactly two applied, two DAILY_LIMIT_EXCEEDED; the counter stays within the limit', async () => {
    const meals = await Promise.all([7, 8, 10, 11].map((n) => eu(n, 'meal', 'D1', null)));
    const used = await dayTotal('agent.phx');
    const rs = await withPolicy(agentEur({ dailyLimit: used + 2 * 1500 }), () =>
      Promise.all(meals.map((m) => push('agent.phx', issue(m)))),
    );
    expect(rs.filter((r) => r.status === 'applied')).toHaveLength(2);
    expect(rs.filter((r) => r.status === 'rejected').map((r) => r.code)).toEqual([
      'DAILY_LIMIT_EXCEEDED',
      'DAILY_LIMIT_EXCEEDED',
    ]);
    expect(await dayTotal('agent.phx')).toBe(used + 3000);
  });
});

describe('voucher serials are unique across the airline', () => {
  it('a duplicate desk serial is refused DUPLICATE_SERIAL and recorded; every issued serial has its SERIAL# item', async () => {
    const a = await eu(13, 'meal', 'S1', null);
    const b = await eu(14, 'meal', 'S1', null);
    const [serial] = (await sharedDeskSerials(app.apiUrl, tokens['agent.phx']!, 1)) as [string];
    expect(await push('agent.phx', issue(a, { voucherSerial: serial }))).toMatchObject({ status: 'applied' });
    const dup = issue(b, { voucherSerial: serial });
    expect(await push('agent.phx', dup)).toMatchObject({ status: 'rejected', code: 'DUPLICATE_SERIAL' });
    await unchanged(b);
    const recorded = await ctx.doc.send(
      new GetCommand({ TableName: ctx.table, Key: keys.serialDuplicate(serial, dup.commandId), ConsistentRead: true }),
    );
    expect(recorded.Item).toMatchObject({
      serial,
      commandId: dup.commandId,
      deskId: sharedTestDesk().deskId,
      user: 'agent.phx',
      entitlementId: b.id,
    });
    const owner = await ctx.doc.send(
      new GetCommand({ TableName: ctx.table, Key: keys.serial(serial), ConsistentRead: true }),
    );
    expect(owner.Item).toMatchObject({ issuanceId: (await getEntitlement(ctx, a.id))!.issuanceId });
    // Server-assigned serials are recorded too: one SERIAL# per issuance.
    expect(await scanCount(ctx, 'SERIAL#')).toBe(await scanCount(ctx, 'ISSUANCE#'));
  });
});

describe('void and re-issue; the audit trail', () => {
  it('a supervisor voids an unredeemed issuance (agents cannot); the entitlement is issued again; the chain verifies and tampering breaks it', async () => {
    const meal = await eu(16, 'meal', 'V1', null);
    const first = issue(meal);
    expect(await push('agent.phx', first)).toMatchObject({ status: 'applied' });
    const issuanceId = `ISS-${first.commandId}`;
    const counted = await dayTotal('agent.phx');
    const voidCmd = (reason = 'printed twice') => command('voidIssuance', { issuanceId, reason }, { station: 'PHX' });
    expect(await push('agent.phx', voidCmd())).toMatchObject({ status: 'rejected', code: 'FORBIDDEN_ROLE' });
    const mailsBefore = s.smtp.messages().filter((m) => m.subject.includes('voided')).length;
    // Act: void
    const v = await push('super.phx', voidCmd());
    // Assess
    expect(v).toMatchObject({ status: 'applied' });
    expect(await getIssuance(ctx, issuanceId)).toMatchObject({
      status: 'VOID',
      voidedBy: 'super.phx',
      voidReason: 'printed twice',
      version: 2,
    });
    expect(await getEntitlement(ctx, meal.id)).toMatchObject({ status: 'OFFERED', issuanceId: null, version: 3 });
    expect(await dayTotal('agent.phx')).toBe(counted - 1500);
    expect(await push('super.phx', voidCmd('again'))).toMatchObject({ status: 'rejected', code: 'NOT_VOIDABLE' });
    await eventually(async () => s.smtp.messages().filter((m) => m.subject.includes('voided')).length > mailsBefore);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.smtp.messages().filter((m) => m.subject.includes('voided')).length).toBe(mailsBefore + 1);
    // Re-issue
    const again = issueCommand({ entitlementId: meal.id, version: 3, station: 'PHX', deskId: 'desk-1' });
    expect(await push('agent.phx', again)).toMatchObject({ status: 'applied' });
    expect(await getEntitlement(ctx, meal.id)).toMatchObject({
      status: 'ISSUED',
      issuanceId: `ISS-${again.commandId}`,
    });
    // Audit: issued, voided, issued — verified, also by `jetway audit verify`.
    const trail = await readAuditTrail(ctx, meal.caseId);
    expect(withoutNotices(trail).map((e) => e.action).slice(-3)).toEqual(['issued', 'issuance_voided', 'issued']);
    expect(verifyAuditChain(trail)).toMatchObject({ ok: true });
    const ok = await cli(['verify', meal.caseId, '--endpoint', s.dynamo.endpoint, '--table-prefix', prefix]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`verified: ${trail.length} entries, head ${trail.at(-1)!.hash}`));
    expect(ok.out).toMatch(/issuance_voided/);
    expect(ok.out).toMatch(/super\.phx/);
    // Tamper with one stored entry (the amount of the void): verification breaks at that entry.
    const voided = trail.find((e) => e.action === 'issuance_voided')!;
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.auditEntry(meal.caseId, voided.seq),
        UpdateExpression: 'SET details.reason = :r',
        ExpressionAttributeValues: { ':r': 'nothing to see' },
      }),
    );
    const verdict = verifyAuditChain(await readAuditTrail(ctx, meal.caseId));
    expect(verdict).toMatchObject({ ok: false, brokenAt: voided.seq });
    const broken = await cli(['verify', meal.caseId, '--endpoint', s.dynamo.endpoint, '--table-prefix', prefix]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at entry ${voided.seq}`);
    // The installed command line (bin/jetway.mjs) gives the same verdict and exit code.
    const bin = await runBin([
      'audit',
      'verify',
      meal.caseId,
      '--endpoint',
      s.dynamo.endpoint,
      '--table-prefix',
      prefix,
    ]);
    expect(bin.code).toBe(1);
    expect(bin.out).toContain(`BROKEN at entry ${voided.seq}`);
    // An unknown case has no trail: exit 1.
    expect((await cli(['verify', 'CASE-NOPE', '--endpoint', s.dynamo.endpoint, '--table-prefix', prefix])).code).toBe(
      1,
    );
    expect((await cli(['verify'])).code).toBe(2);
  });

  it('a redeemed voucher cannot be voided (ALREADY_REDEEMED)', async () => {
    const meal = await eu(17, 'meal', 'V1', null);
    const c = issue(meal);
    expect(await push('agent.phx', c)).toMatchObject({ status: 'applied' });
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.issuance(`ISS-${c.commandId}`),
        UpdateExpression: 'SET redeemedAt = :t',
        ExpressionAttributeValues: { ':t': new Date().toISOString() },
      }),
    );
    expect(
      await push(
        'super.phx',
        command('voidIssuance', { issuanceId: `ISS-${c.commandId}`, reason: 'mistake' }, { station: 'PHX' }),
      ),
    ).toMatchObject({ status: 'rejected', code: 'ALREADY_REDEEMED' });
    expect(await getIssuance(ctx, `ISS-${c.commandId}`)).toMatchObject({ status: 'VALID' });
  });
});

describe('case lifecycle', () => {
  it('claim, taken, assign (supervisors only), release, note, close; a closed case issues nothing; every step is audited', async () => {
    const id = caseOf(19);
    const meal = await eu(19, 'meal', 'L1', null);
    const at = (type: Parameters<typeof command>[0], payload: unknown) => command(type, payload, { station: 'PHX' });
    expect(await push('agent.phx', at('claimCase', { caseId: id }))).toMatchObject({ status: 'applied' });
    expect(await getCase(ctx, id)).toMatchObject({
      assignee: 'agent.phx',
      status: 'IN_PROGRESS',
      statusSince: expect.any(String),
    });
    expect(await push('super2.phx', at('claimCase', { caseId: id }))).toMatchObject({
      status: 'rejected',
      code: 'CASE_TAKEN',
    });
    expect(await push('agent.phx', at('assignCase', { caseId: id, assignee: 'agent.dal' }))).toMatchObject({
      status: 'rejected',
      code: 'FORBIDDEN_ROLE',
    });
    expect(await push('super.phx', at('assignCase', { caseId: id, assignee: 'super2.phx' }))).toMatchObject({
      status: 'applied',
    });
    expect(await push('agent.phx', at('releaseCase', { caseId: id }))).toMatchObject({
      status: 'rejected',
      code: 'NOT_ASSIGNEE',
    });
    expect(await push('super2.phx', at('releaseCase', { caseId: id }))).toMatchObject({ status: 'applied' });
    expect(await getCase(ctx, id)).toMatchObject({ assignee: null, status: 'OPEN' });
    expect(
      await push('agent.phx', at('addCaseNote', { caseId: id, text: 'passenger asked for a hotel near the airport' })),
    ).toMatchObject({ status: 'applied' });
    expect(await push('agent.phx', at('closeCase', { caseId: id, reason: 'passenger left' }))).toMatchObject({
      status: 'applied',
    });
    expect(await getCase(ctx, id)).toMatchObject({ status: 'CLOSED' });
    expect(await push('agent.phx', issue(meal))).toMatchObject({ status: 'rejected', code: 'CASE_CLOSED' });
    expect(await push('agent.phx', at('claimCase', { caseId: id }))).toMatchObject({
      status: 'rejected',
      code: 'CASE_CLOSED',
    });
    const trail = await readAuditTrail(ctx, id);
    expect(withoutNotices(trail).map((e) => e.action)).toEqual([
      'case_claimed',
      'case_assigned',
      'case_released',
      'note',
      'case_closed',
    ]);
    expect(withoutNotices(trail)[3]).toMatchObject({
      actor: 'agent.phx',
      details: { text: 'passenger asked for a hotel near the airport' },
    });
    expect(verifyAuditChain(trail).ok).toBe(true);
  });

  it('issuing the last open entitlement of a case resolves it', async () => {
    const id = caseOf(20);
    // A rebooking-or-refund entitlement is settled by the passenger's choice, not issued.
    const before = (await getCaseWithEntitlements(ctx, id))!.entitlements;
    if (before.some((e) => e.status === 'OFFERED' && CHOICE_TYPES.has(e.type))) {
      const c = await push('agent.phx', command('recordChoice', { caseId: id, choice: 'rebook' }, { station: 'PHX' }));
      expect(c.status, JSON.stringify(c)).toBe('applied');
    }
    const open = (await getCaseWithEntitlements(ctx, id))!.entitlements.filter((e) => e.status === 'OFFERED' && !CHOICE_TYPES.has(e.type));
    for (const e of open) {
      const r = await push(
        'admin',
        issueCommand({
          entitlementId: e.id,
          version: e.version,
          station: 'PHX',
          deskId: 'd',
          confirmation: confirmation('bank_transfer'),
        }),
      );
      expect(r.status, JSON.stringify(r)).toBe('applied');
    }
    expect(await getCase(ctx, id)).toMatchObject({ status: 'RESOLVED' });
  });
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** `node bin/jetway.mjs …` as a user runs it (its own process, exit code and stdout). */
function runBin(argv: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'bin', 'jetway.mjs'), ...argv],
      { cwd: REPO, env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 },
      (err, stdout) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, out: stdout });
      },
    );
  });
}

const cli = (argv: string[]) => captureCli((io) => runAuditCli(argv, io, { env: {}, cwd: '/' }));

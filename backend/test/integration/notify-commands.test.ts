import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalId, caseId, type Entitlement } from '../../../src/shared/domain/index.js';
import { readAuditTrail } from '../../src/data/audit.js';
import type { DataContext } from '../../src/data/client.js';
import { getApproval } from '../../src/data/repositories.js';
import type { BackendApp } from '../../src/local/app.js';
import { addEntitlement, apiClient, command, confirmation, decideCommand, pushOne, requestCommand } from '../helpers/api.js';
import { flightpulseData, fpInstance } from '../helpers/fixtures.js';
import { eventually, type Services, startApiStack, stopApiStack } from '../helpers/stack.js';

/**
 * Approval decisions and voids reach the passenger once, in their language, and are recorded on the
 * case trail (DynamoDB Local, cognito-local tokens, the real API, the SMTP sink). GX0002 reads French,
 * GX0003 German.
 */
let s: Services;
let ctx: DataContext;
let app: BackendApp;
let api: ReturnType<typeof apiClient>;
let tokens: Record<string, string>;
const flight = fpInstance('SW9012');
const USERS = ['agent.phx', 'super.phx'] as const;

beforeAll(async () => {
  const data = flightpulseData(6);
  for (const p of data.passengers) {
    if (p.id === 'GX0002') Object.assign(p, { language: 'fr', contact: { email: true, sms: false, push: false } });
    if (p.id === 'GX0003') Object.assign(p, { language: 'de-AT', contact: { email: true, sms: false, push: false } });
  }
  ({ s, ctx, app, api, tokens } = await startApiStack({ data, users: USERS }));
}, 180_000);
afterAll(() => stopApiStack({ app, s }));

const push = (user: (typeof USERS)[number], cmd: Parameters<typeof pushOne>[2]) => pushOne(api, tokens[user]!, cmd);
const cash = (n: number, eur: number) =>
  addEntitlement(ctx, caseId(flight, `GX${String(n).padStart(4, '0')}`), { regime: 'EU261', type: 'cash', period: 'T', amount: { amountMinor: eur * 100, currency: 'EUR' } });
const mailsTo = (n: number, subject: string) => s.smtp.messages().filter((m) => m.to.includes(`guest${n}@example.com`) && m.subject.includes(subject));
const notices = async (n: number, topic: string) =>
  (await readAuditTrail(ctx, caseId(flight, `GX${String(n).padStart(4, '0')}`))).filter((a) => a.action.startsWith('notif') && a.details.topic === topic);

async function requested(ent: Entitlement): Promise<string> {
  const cmd = requestCommand({ entitlementId: ent.id, version: ent.version, station: 'PHX', confirmation: confirmation('bank_transfer') });
  expect(await push('agent.phx', cmd)).toMatchObject({ status: 'applied' });
  return approvalId(cmd.commandId);
}

describe('approval decisions and voids notify the passenger once, recorded on the case', () => {
  it('a denial: one email in French, one `notified` entry, also after the command is pushed again', async () => {
    const id = await requested(await cash(2, 600));
    const deny = decideCommand({ approvalId: id, decision: 'deny', station: 'PHX', reason: 'weather: extraordinary circumstance' });
    expect(await push('super.phx', deny)).toMatchObject({ status: 'applied' });
    expect(await push('super.phx', deny)).toMatchObject({ status: 'applied', replayed: true });
    await eventually(async () => mailsTo(2, "n'a pas été approuvée").length > 0);
    await new Promise((r) => setTimeout(r, 500));
    const mails = mailsTo(2, "n'a pas été approuvée");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Votre demande (indemnisation) pour le vol SW9012 n'a pas été approuvée");
    expect(mails[0]!.text).toContain('Motif : weather: extraordinary circumstance');
    expect(mails[0]!.text).toContain('600,00');
    const entries = await notices(2, 'approval:denied');
    expect(entries.map((e) => [e.action, e.details.channel, e.details.language, e.details.to])).toEqual([['notified', 'email', 'fr', 'g***@example.com']]);
  });

  it('an approval issues the voucher (one German email, recorded); voiding it sends one void notice, recorded once', async () => {
    const id = await requested(await cash(3, 600));
    const approve = decideCommand({ approvalId: id, decision: 'approve', station: 'PHX', reason: 'delay confirmed' });
    expect(await push('super.phx', approve)).toMatchObject({ status: 'applied' });
    await push('super.phx', approve);
    await eventually(async () => mailsTo(3, 'Gutschein').length > 0);
    const issuanceId = (await getApproval(ctx, id))!.issuanceId!;
    const voidCmd = command('voidIssuance', { issuanceId, reason: 'paid twice by mistake' }, { station: 'PHX' });
    expect(await push('super.phx', voidCmd)).toMatchObject({ status: 'applied' });
    expect(await push('super.phx', voidCmd)).toMatchObject({ status: 'applied', replayed: true });
    await eventually(async () => mailsTo(3, 'storniert').length > 0);
    await new Promise((r) => setTimeout(r, 500));
    // Assess: one voucher email and one void email, both German, each recorded once on the trail.
    const voucher = mailsTo(3, 'Gutschein').filter((m) => !m.subject.includes('storniert'));
    expect(voucher).toHaveLength(1);
    expect(voucher[0]!.subject).toMatch(/^Ihr Gutschein \(Ausgleichszahlung\) .+ für Flug SW9012$/);
    expect(voucher[0]!.text).toContain('600,00');
    const voided = mailsTo(3, 'storniert');
    expect(voided).toHaveLength(1);
    expect(voided[0]!.text).toContain('Grund: paid twice by mistake');
    expect((await notices(3, 'voucher:cash')).map((e) => [e.action, e.details.language])).toEqual([['notified', 'de']]);
    expect((await notices(3, 'void')).map((e) => [e.action, e.details.language])).toEqual([['notified', 'de']]);
  });
});

import { describe, expect, it } from 'vitest';
import type { EntitlementView } from '../../../src/shared/rpc/contract.js';
// Pure renderer logic only: store modules pull in the DOM transport, which the Node tsconfig lacks.
import {
  agreementRequired,
  approvalLine,
  auditActionText,
  auditDetails,
  auditIds,
  buildConfirmation,
  canRequestApproval,
  canVoid,
  checkReason,
  issueKeyAction,
  defaultPaymentMethod,
  minutes,
  needsConfirmDialog,
  paymentMethodsFor,
  slaText,
} from '../../../src/renderer/src/logic/money.js';
import { QUEUE_ORDER, viewsFor } from '../../../src/renderer/src/logic/queues.js';

type Controls = NonNullable<EntitlementView['controls']>;
const controls = (over: Partial<Controls> = {}): Controls => ({
  value: { amountMinor: 60000, currency: 'EUR' },
  isCash: true,
  needsConfirmation: true,
  voucherNeedsAgreement: true,
  blockedBy: null,
  canRequestApproval: false,
  ...over,
});
const ent = (
  type: string,
  c: Controls | null,
  status: EntitlementView['status'] = 'OFFERED',
  syncState: EntitlementView['syncState'] = 'none',
) => ({ type, controls: c, status, syncState }) as Pick<EntitlementView, 'type' | 'controls' | 'status' | 'syncState'>;

describe('money controls in the console', () => {
  it.each([
    ['cash with controls', ent('cash', controls()), true],
    ['cash without controls (old row): still a dialog', ent('cash', null), true],
    ['refund without controls', ent('refund', null), true],
    ['meal, no confirmation', ent('meal', controls({ isCash: false, needsConfirmation: false })), false],
    [
      'hotel above the confirmation threshold',
      ent('hotel', controls({ isCash: false, needsConfirmation: true })),
      true,
    ],
    ['meal without controls', ent('meal', null), false],
  ])('Issue on %s opens the dialog: %s', (_, e, dialog) => {
    expect(needsConfirmDialog(e)).toBe(dialog);
  });

  it.each([
    ['LIMIT_EXCEEDED', true, 'OFFERED', 'none', true],
    ['DAILY_LIMIT_EXCEEDED', true, 'OFFERED', 'rejected', true],
    ['LIMIT_EXCEEDED', false, 'OFFERED', 'none', false],
    ['OFFLINE_CASH', true, 'OFFERED', 'none', false],
    ['OFFLINE_CAP_EXCEEDED', false, 'OFFERED', 'none', false],
    ['LIMIT_EXCEEDED', true, 'PENDING_APPROVAL', 'none', false],
    ['LIMIT_EXCEEDED', true, 'OFFERED', 'pending', false],
  ] as const)(
    'blocked by %s (canRequestApproval %s, %s/%s) offers request approval: %s',
    (code, can, status, sync, offered) => {
      const e = ent('cash', controls({ blockedBy: { code, message: 'm' }, canRequestApproval: can }), status, sync);
      expect(canRequestApproval(e)).toBe(offered);
    },
  );

  it.each([
    ['meal below the threshold', ent('meal', controls({ isCash: false, needsConfirmation: false })), false, 'issue'],
    ['meal of an old row', ent('meal', null), false, 'issue'],
    ['cash within the limit', ent('cash', controls()), false, 'confirm'],
    ['cash of an old row', ent('cash', null), false, 'confirm'],
    ['hotel above the threshold', ent('hotel', controls({ isCash: false })), false, 'confirm'],
    [
      'cash above the limit',
      ent('cash', controls({ blockedBy: { code: 'LIMIT_EXCEEDED', message: 'm' }, canRequestApproval: true })),
      false,
      'request',
    ],
    ['cash offline', ent('cash', controls({ blockedBy: { code: 'OFFLINE_CASH', message: 'm' } })), false, 'blocked'],
    [
      'care above the offline cap',
      ent('hotel', controls({ isCash: false, blockedBy: { code: 'OFFLINE_CAP_EXCEEDED', message: 'm' } })),
      false,
      'blocked',
    ],
    ['a meal already being issued', ent('meal', null), true, 'none'],
    ['cash pending approval', ent('cash', controls(), 'PENDING_APPROVAL'), false, 'none'],
    ['cash issued', ent('cash', controls(), 'ISSUED', 'synced'), false, 'none'],
  ] as const)('the i key on %s: %s', (_, e, busy, action) => {
    expect(issueKeyAction(e, busy)).toBe(action);
  });

  it('offers money methods for cash and only an in-kind voucher for care', () => {
    expect(paymentMethodsFor(ent('cash', controls()))).toEqual(['bank_transfer', 'cheque', 'cash', 'travel_voucher']);
    expect(paymentMethodsFor(ent('hotel', controls({ isCash: false })))).toEqual(['in_kind_voucher']);
    expect(defaultPaymentMethod(ent('cash', controls()))).toBeNull();
    expect(defaultPaymentMethod(ent('meal', controls({ isCash: false })))).toBe('in_kind_voucher');
  });

  it.each([
    ['travel_voucher', true, true],
    ['travel_voucher', false, false],
    ['bank_transfer', true, false],
    [null, true, false],
  ] as const)('agreement for %s (regime needs it: %s) required: %s', (method, regimeNeeds, required) => {
    expect(agreementRequired(ent('cash', controls({ voucherNeedsAgreement: regimeNeeds })), method)).toBe(required);
  });

  it('builds the confirmation, refusing what is missing', () => {
    const cash = ent('cash', controls());
    expect(buildConfirmation(cash, { paymentMethod: null, agreed: false, agreementText: '' })).toMatchObject({
      ok: false,
    });
    expect(
      buildConfirmation(cash, { paymentMethod: 'in_kind_voucher', agreed: false, agreementText: '' }),
    ).toMatchObject({ ok: false });
    expect(
      buildConfirmation(cash, { paymentMethod: 'travel_voucher', agreed: false, agreementText: 'yes' }),
    ).toMatchObject({ ok: false });
    expect(
      buildConfirmation(cash, { paymentMethod: 'travel_voucher', agreed: true, agreementText: '  ' }),
    ).toMatchObject({ ok: false });
    expect(
      buildConfirmation(cash, { paymentMethod: 'travel_voucher', agreed: true, agreementText: ' I accept a voucher ' }),
    ).toEqual({
      ok: true,
      value: { paymentMethod: 'travel_voucher', passengerAgreement: 'I accept a voucher' },
    });
    expect(
      buildConfirmation(cash, { paymentMethod: 'bank_transfer', agreed: false, agreementText: 'ignored' }),
    ).toEqual({
      ok: true,
      value: { paymentMethod: 'bank_transfer', passengerAgreement: null },
    });
  });

  it.each([
    ['', false],
    ['   ', false],
    ['x'.repeat(501), false],
    ['receipts checked', true],
  ])('reason %j accepted: %s', (reason, ok) => {
    expect(checkReason(reason) === null).toBe(ok);
  });

  it.each([
    ['agent', 'VALID', null, false],
    ['supervisor', 'VALID', null, true],
    ['admin', 'VALID', null, true],
    ['supervisor', 'VOID', null, false],
    ['supervisor', 'VALID', '2026-12-01T10:00:00Z', false],
  ] as const)('%s may void a %s issuance redeemed at %s: %s', (role, status, redeemedAt, ok) => {
    expect(canVoid({ role }, { status, redeemedAt })).toBe(ok);
  });

  it.each([
    [{ status: 'PENDING', decidedBy: null, decisionReason: null, level: 'supervisor' }, 'awaiting approval · pending'],
    [
      { status: 'ESCALATED', decidedBy: null, decisionReason: null, level: 'admin' },
      'awaiting approval · escalated (admin)',
    ],
    [
      { status: 'APPROVED', decidedBy: 'super.phx', decisionReason: 'ok', level: 'supervisor' },
      'approved by super.phx: ok',
    ],
    [
      { status: 'DENIED', decidedBy: 'super.phx', decisionReason: 'no receipt', level: 'supervisor' },
      'denied by super.phx: no receipt',
    ],
    [
      { status: 'EXPIRED', decidedBy: null, decisionReason: 'no decision in 24 h', level: 'supervisor' },
      'expired: no decision in 24 h',
    ],
  ] as const)('approval line %j', (a, text) => {
    expect(approvalLine(a)).toBe(text);
  });

  it.each([
    [5, null, '5 min'],
    [125, null, '2 h 05'],
    [1500, null, '1 d 1 h'],
    [45, 60, '45 min / SLA 1 h 00'],
  ])('age %i min, SLA %s: %s', (age, sla, text) => {
    expect(slaText(age, sla)).toBe(text);
    if (sla === null) expect(minutes(age)).toBe(text);
  });

  it('says audit actions and details in plain words (money by its currency exponent)', () => {
    expect(auditActionText('approval_requested')).toBe('Approval requested');
    expect(auditActionText('something_new')).toBe('something new');
    expect(
      auditDetails({
        amountMinor: 60000,
        currency: 'EUR',
        paymentMethod: 'travel_voucher',
        note: null,
        reason: 'long-haul',
        offline: false,
        decidedOffline: true,
        approvalId: 'APR-1',
      }),
    ).toEqual(['“long-haul”', 'amount: 600.00 EUR', 'payment method: travel voucher', 'decided offline']);
    expect(auditIds({ approvalId: 'APR-1', issuanceId: null, type: 'cash' })).toBe('approval id: APR-1');
    expect(auditDetails({ amountMinor: 1000, currency: 'JPY' })).toEqual(['amount: 1000 JPY']);
  });

  it('shows the approvals view to supervisors and admins only; five queues in order', () => {
    expect(viewsFor(false)).toEqual(['board', 'queues']);
    expect(viewsFor(true)).toEqual(['board', 'queues', 'approvals']);
    expect(QUEUE_ORDER).toEqual(['mine', 'unassigned', 'awaiting_approval', 'needs_review', 'rejected']);
  });
});

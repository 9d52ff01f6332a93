import type { Approval, AuditEntry, Issuance, PaymentMethod } from '../../../shared/domain/entities.js';
import { formatMoney } from '../../../shared/money.js';
import { isCashType } from '../../../shared/policy/controls.js';
import type { ConfirmationInput, EntitlementView, Session } from '../../../shared/rpc/contract.js';

/** Codes of `controls.blockedBy` a supervisor's approval can lift. */
export const APPROVABLE_BLOCKS: ReadonlySet<string> = new Set(['LIMIT_EXCEEDED', 'DAILY_LIMIT_EXCEEDED']);

type EntitlementLike = Pick<EntitlementView, 'type' | 'controls'>;

/** Cash-like (counted at its amount, paid by a payment method): the view's flag, else the shared list. */
export const isCash = (e: EntitlementLike): boolean => e.controls?.isCash ?? isCashType(e.type);

/**
 * Whether pressing Issue (button or `i`) must open the confirmation dialog instead of issuing:
 * cash always, and anything the policy marks for confirmation. Never a single key for money.
 */
export const needsConfirmDialog = (e: EntitlementLike): boolean =>
  isCash(e) || (e.controls?.needsConfirmation ?? false);

/** What a direct Issue would be refused with on this desk, if anything. */
export const blockOf = (e: Pick<EntitlementView, 'controls'>): { code: string; message: string } | null =>
  e.controls?.blockedBy ?? null;

/** Whether the row offers "Request approval": blocked by a limit an approval can lift, still offered. */
export function canRequestApproval(e: Pick<EntitlementView, 'controls' | 'status' | 'syncState'>): boolean {
  const block = blockOf(e);
  if (!block || e.status !== 'OFFERED' || e.syncState === 'pending') return false;
  return (e.controls?.canRequestApproval ?? false) && APPROVABLE_BLOCKS.has(block.code);
}

/**
 * What the `i` key does with an entitlement: never issues money by itself. `request` opens the
 * approval request (above the limit), `blocked` shows why nothing can happen (offline cash, cap),
 * `confirm` opens the confirmation dialog (cash, or above the confirmation threshold), `issue`
 * issues directly (care below the threshold), `none` when it is not issuable at all.
 */
export function issueKeyAction(
  e: Pick<EntitlementView, 'type' | 'controls' | 'status' | 'syncState'>,
  busy = false,
): 'none' | 'request' | 'blocked' | 'confirm' | 'issue' {
  if (busy || e.status !== 'OFFERED' || e.syncState === 'pending') return 'none';
  if (canRequestApproval(e)) return 'request';
  if (blockOf(e)) return 'blocked';
  return needsConfirmDialog(e) ? 'confirm' : 'issue';
}

export const PAYMENT_METHOD_LABEL: Record<PaymentMethod, string> = {
  bank_transfer: 'Bank transfer',
  cheque: 'Cheque',
  cash: 'Cash at the desk',
  travel_voucher: 'Travel voucher (instead of cash)',
  in_kind_voucher: 'In-kind voucher (meal, hotel, transport)',
};

/** Payment methods the dialog offers: money for cash types, an in-kind voucher for care. */
export const paymentMethodsFor = (e: EntitlementLike): PaymentMethod[] =>
  isCash(e) ? ['bank_transfer', 'cheque', 'cash', 'travel_voucher'] : ['in_kind_voucher'];

/** The method preselected in the dialog: none for cash (a person chooses), the only one for care. */
export const defaultPaymentMethod = (e: EntitlementLike): PaymentMethod | null => {
  const methods = paymentMethodsFor(e);
  return methods.length === 1 ? methods[0]! : null;
};

/** A travel voucher paid instead of cash under a regime that needs the passenger's recorded agreement. */
export const agreementRequired = (e: EntitlementLike, method: PaymentMethod | null): boolean =>
  method === 'travel_voucher' && isCash(e) && (e.controls?.voucherNeedsAgreement ?? false);

export interface ConfirmationForm {
  paymentMethod: PaymentMethod | null;
  agreed: boolean;
  agreementText: string;
}

/** Turns the dialog's fields into the contract's confirmation, or says what is missing. */
export function buildConfirmation(
  e: EntitlementLike,
  form: ConfirmationForm,
): { ok: true; value: ConfirmationInput } | { ok: false; error: string } {
  if (!form.paymentMethod) return { ok: false, error: 'Choose how the passenger is paid.' };
  if (!paymentMethodsFor(e).includes(form.paymentMethod))
    return { ok: false, error: 'That payment method does not apply to this entitlement.' };
  if (agreementRequired(e, form.paymentMethod)) {
    const text = form.agreementText.trim();
    if (!form.agreed) return { ok: false, error: 'The passenger must agree to a travel voucher instead of cash.' };
    if (!text) return { ok: false, error: "Write down the passenger's agreement." };
    return { ok: true, value: { paymentMethod: form.paymentMethod, passengerAgreement: text.slice(0, 500) } };
  }
  return { ok: true, value: { paymentMethod: form.paymentMethod, passengerAgreement: null } };
}

/** A reason field as the contract wants it: trimmed, 1–500 characters. */
export function checkReason(reason: string): string | null {
  const r = reason.trim();
  if (!r) return 'A reason is required.';
  if (r.length > 500) return 'Keep the reason under 500 characters.';
  return null;
}

/** Supervisors and admins hold the supervisor console (approvals, team load, void). */
export const isSupervisor = (session: Pick<Session, 'role'> | null): boolean =>
  session?.role === 'supervisor' || session?.role === 'admin';

/** A valid issuance a supervisor may void (the server checks again: not redeemed). */
export const canVoid = (
  session: Pick<Session, 'role'> | null,
  i: Pick<Issuance, 'status' | 'redeemedAt'> | null,
): boolean => isSupervisor(session) && i !== null && i.status === 'VALID' && i.redeemedAt === null;

const APPROVAL_WORD: Record<Approval['status'], string> = {
  PENDING: 'pending',
  ESCALATED: 'escalated',
  APPROVED: 'approved',
  DENIED: 'denied',
  EXPIRED: 'expired',
};

/** One line for an entitlement's approval, e.g. `awaiting approval · escalated` or `denied by super.phx: no receipt`. */
export function approvalLine(a: Pick<Approval, 'status' | 'decidedBy' | 'decisionReason' | 'level'>): string {
  const word = APPROVAL_WORD[a.status];
  if (a.status === 'PENDING' || a.status === 'ESCALATED')
    return `awaiting approval · ${word}${a.level === 'admin' ? ' (admin)' : ''}`;
  const by = a.decidedBy ? ` by ${a.decidedBy}` : '';
  return `${word}${by}${a.decisionReason ? `: ${a.decisionReason}` : ''}`;
}

/** Minutes as a queue reads them: `5 min`, `2 h 05`, `3 d 4 h`. */
export function minutes(m: number): string {
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

/** Age against SLA, e.g. `45 min / SLA 1 h 00`; overdue rows are highlighted by the caller. */
export const slaText = (ageMinutes: number, slaMinutes: number | null): string =>
  slaMinutes === null ? minutes(ageMinutes) : `${minutes(ageMinutes)} / SLA ${minutes(slaMinutes)}`;

const ACTION_TEXT: Record<AuditEntry['action'], string> = {
  case_opened: 'Case opened',
  issued: 'Issued',
  approval_requested: 'Approval requested',
  approval_approved: 'Approved',
  approval_denied: 'Denied',
  approval_escalated: 'Approval escalated',
  approval_expired: 'Approval expired',
  issuance_voided: 'Issuance voided',
  confirmation: 'Payment confirmed',
  override: 'Override',
  case_claimed: 'Case claimed',
  case_assigned: 'Case assigned',
  case_released: 'Case released',
  case_closed: 'Case closed',
  note: 'Note',
  rejected: 'Command rejected',
  choice_recorded: 'Passenger choice recorded',
  notified: 'Passenger notified (delivered to the provider)',
  notification_failed: 'Notification NOT delivered (will be retried)',
};

/** An audit action in plain words. */
export const auditActionText = (action: string): string =>
  ACTION_TEXT[action as AuditEntry['action']] ?? action.replaceAll('_', ' ');

/** Ids the timeline keeps out of the line (they go in the tooltip): people read reasons and amounts. */
const isIdKey = (k: string): boolean => /(^id$|Id$)/.test(k);
const words = (k: string): string => k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * An audit entry's details as short `key: value` phrases for people: the reason first, money
 * merged (`amountMinor` + `currency`, by the currency's exponent), ids left out (see
 * {@link auditIds}), `false` flags dropped and `true` ones named (`offline`).
 */
export function auditDetails(details: AuditEntry['details']): string[] {
  const d = { ...details };
  const out: string[] = [];
  if (typeof d.reason === 'string' && d.reason) out.push(`“${d.reason}”`);
  delete d.reason;
  if (typeof d.amountMinor === 'number' && typeof d.currency === 'string') {
    out.push(`amount: ${formatMoney({ amountMinor: d.amountMinor, currency: d.currency })}`);
    delete d.amountMinor;
    delete d.currency;
  }
  for (const [k, v] of Object.entries(d)) {
    if (v === null || v === '' || v === false || isIdKey(k)) continue;
    out.push(v === true ? words(k) : `${words(k)}: ${String(v).replaceAll('_', ' ')}`);
  }
  return out;
}

/** The ids in an audit entry's details, for its tooltip. */
export const auditIds = (details: AuditEntry['details']): string =>
  Object.entries(details)
    .filter(([k, v]) => isIdKey(k) && v !== null && v !== '')
    .map(([k, v]) => `${words(k)}: ${String(v)}`)
    .join('\n');

import type { Money } from '../money.js';
import { scaleValue } from './care.js';
import type { PolicySet } from './compile.js';
import type { MoneyControls, RoleLimits } from './schema.js';

/**
 * Money controls: the ONE implementation of the limit rules, used by the server (inside the
 * issue transaction's preconditions) and by the desk's main process (for offline work). The
 * policy in force at the disrupted flight's scheduled departure supplies every number
 * (ARCHITECTURE.md: limits live in the policy document and nowhere else).
 *
 * What is NOT here: the per-user daily total is enforced atomically on the server by a
 * conditional counter item; this module only decides whether a given total is within the limit.
 */

export type ControlRole = 'agent' | 'supervisor' | 'admin';

/** Entitlement types paid as money (never issued offline). Everything else is in-kind care. */
export const CASH_TYPES: ReadonlySet<string> = new Set(['cash', 'refund', 'travel_credit', 'downgrade_refund', 'baggage_liability_limit']);

export const isCashType = (type: string): boolean => CASH_TYPES.has(type);

export interface EntitlementLike {
  regime: string;
  type: string;
  amount: Money | null;
}

export interface MoneyRejection {
  ok: false;
  code:
    | 'LIMIT_EXCEEDED'
    | 'DAILY_LIMIT_EXCEEDED'
    | 'OFFLINE_CASH'
    | 'OFFLINE_CAP_EXCEEDED'
    | 'CONFIRMATION_REQUIRED'
    | 'AGREEMENT_REQUIRED'
    | 'ABOVE_APPROVER_LIMIT'
    | 'FORBIDDEN_ROLE';
  message: string;
}
export type MoneyCheck = { ok: true; value: Money | null } | MoneyRejection;

const fmt = (minor: number, currency: string): string => `${(minor / 100).toFixed(2)} ${currency}`;

function controlsAt(policy: PolicySet, at: string): MoneyControls {
  const c = policy.moneyControls(at);
  if (!c) throw new Error(`no moneyControls in the policy in force at ${at}`);
  return c;
}

/** The regime's currency in the policy in force at `at` (the currency in-kind care is valued in). */
function regimeCurrency(policy: PolicySet, regime: string, at: string): string | null {
  return policy.at(at).regimes.find((r) => r.regime === regime)?.currency ?? null;
}

/**
 * What an entitlement is worth for limits and totals: its amount, or for in-kind care (meal,
 * hotel night, transport, communication) the policy's care value in the regime's currency.
 * null = no value (e.g. a rebooking-or-refund choice): not limited.
 */
export function entitlementValue(policy: PolicySet, ent: EntitlementLike, at: string): Money | null {
  if (ent.amount) return ent.amount;
  const values = controlsAt(policy, at).careValues[ent.type];
  if (!values) return null;
  const currency = regimeCurrency(policy, ent.regime, at);
  if (!currency) return null;
  const v = values[currency];
  return typeof v === 'number' ? { amountMinor: v, currency } : null;
}

/** Cash always needs the confirmation dialog; so does any value above `confirmAbove`. */
export function needsConfirmation(policy: PolicySet, ent: EntitlementLike, at: string, units = 1): boolean {
  if (isCashType(ent.type)) return true;
  const v = scaleValue(entitlementValue(policy, ent, at), units);
  if (!v) return false;
  const above = controlsAt(policy, at).confirmAbove[v.currency];
  return typeof above === 'number' && v.amountMinor > above;
}

/** Travel voucher in place of cash under a regime that needs the passenger's agreement (EU261 Art 7(3)). */
export function needsAgreement(policy: PolicySet, ent: EntitlementLike, paymentMethod: string | null, at: string): boolean {
  return isCashType(ent.type) && paymentMethod === 'travel_voucher' && controlsAt(policy, at).voucherNeedsAgreement.includes(ent.regime);
}

function limitsOf(policy: PolicySet, role: ControlRole, at: string): RoleLimits | null {
  return policy.roleLimits(at)[role] ?? null;
}

/** A per-currency limit: a missing currency means 0 (nothing without approval), never "unlimited". */
const limitIn = (table: Record<string, number> | undefined, currency: string): number => table?.[currency] ?? 0;

/** Whether the server should treat a command as offline: the desk said so, or it arrived late. */
export function treatAsOffline(policy: PolicySet, at: string, cmd: { offline: boolean; createdAt: string }, receivedAt: Date): boolean {
  if (cmd.offline) return true;
  const created = Date.parse(cmd.createdAt);
  if (!Number.isFinite(created)) return true;
  return receivedAt.getTime() - created > controlsAt(policy, at).offlineAfterMinutes * 60_000;
}

export interface IssueCheckInput {
  policy: PolicySet;
  /** The disrupted flight's scheduled departure: selects the policy version. */
  at: string;
  role: ControlRole;
  entitlement: EntitlementLike;
  offline: boolean;
  /** What this user already issued today in the value's currency (minor units), before this one. */
  issuedTodayMinor: number;
  confirmation: { paymentMethod: string; passengerAgreement: unknown } | null;
  /**
   * True when the issuance is the effect of an approval: the issuer's approval limit and daily
   * total do not apply (the approver's limit does, see {@link checkApprover}).
   */
  approved?: boolean;
  /** Units of care this issue covers (hotel nights, transfers: care.ts careUnits); the value counted is multiplied. Default 1. */
  units?: number;
}

/**
 * Every money rule for issuing one entitlement, in a fixed order: confirmation, agreement,
 * offline cash, offline cap, approval limit, daily limit. Returns the value counted.
 */
export function checkIssue(i: IssueCheckInput): MoneyCheck {
  const { policy, at, role, entitlement: ent } = i;
  const limits = limitsOf(policy, role, at);
  if (!limits) return { ok: false, code: 'FORBIDDEN_ROLE', message: `no limits are defined for role ${role}` };
  const units = i.units ?? 1;
  const value = scaleValue(entitlementValue(policy, ent, at), units);
  const cash = isCashType(ent.type);
  if (needsConfirmation(policy, ent, at, units) && !i.confirmation) {
    return { ok: false, code: 'CONFIRMATION_REQUIRED', message: `${cash ? 'cash' : 'this amount'} needs a confirmation (amount, regime, payment method) before it is issued` };
  }
  if (i.confirmation && needsAgreement(policy, ent, i.confirmation.paymentMethod, at) && !i.confirmation.passengerAgreement) {
    return { ok: false, code: 'AGREEMENT_REQUIRED', message: `${ent.regime} cash paid as a travel voucher needs the passenger's recorded agreement` };
  }
  if (i.offline && cash) return { ok: false, code: 'OFFLINE_CASH', message: 'cash is never issued offline; issue it when the desk is online' };
  if (i.offline && value) {
    const cap = limitIn(limits.offlineCap, value.currency);
    if (value.amountMinor > cap) {
      return { ok: false, code: 'OFFLINE_CAP_EXCEEDED', message: `${fmt(value.amountMinor, value.currency)} is above the ${role} offline cap of ${fmt(cap, value.currency)}` };
    }
  }
  if (i.approved || !value) return { ok: true, value };
  const limit = limitIn(limits.approvalLimit, value.currency);
  if (value.amountMinor > limit) {
    return { ok: false, code: 'LIMIT_EXCEEDED', message: `${fmt(value.amountMinor, value.currency)} is above the ${role} approval limit of ${fmt(limit, value.currency)}; request approval` };
  }
  if (limits.dailyLimit) {
    const daily = limitIn(limits.dailyLimit, value.currency);
    if (i.issuedTodayMinor + value.amountMinor > daily) {
      return {
        ok: false,
        code: 'DAILY_LIMIT_EXCEEDED',
        message: `today's total would be ${fmt(i.issuedTodayMinor + value.amountMinor, value.currency)}, above the ${role} daily limit of ${fmt(daily, value.currency)}; request approval`,
      };
    }
  }
  return { ok: true, value };
}

/** The largest daily total for a role and currency (the server's conditional counter bound). */
export function dailyLimit(policy: PolicySet, role: ControlRole, currency: string, at: string): number | null {
  const limits = limitsOf(policy, role, at);
  if (!limits?.dailyLimit) return null;
  return limitIn(limits.dailyLimit, currency);
}

/** May this approver approve this value? Above their own approval limit it escalates to an admin. */
export function checkApprover(policy: PolicySet, role: ControlRole, value: Money | null, at: string): MoneyCheck {
  if (role === 'agent') return { ok: false, code: 'FORBIDDEN_ROLE', message: 'only supervisors and admins decide approvals' };
  const limits = limitsOf(policy, role, at);
  if (!limits) return { ok: false, code: 'FORBIDDEN_ROLE', message: `no limits are defined for role ${role}` };
  if (!value) return { ok: true, value };
  const limit = limitIn(limits.approvalLimit, value.currency);
  if (value.amountMinor > limit) {
    return { ok: false, code: 'ABOVE_APPROVER_LIMIT', message: `${fmt(value.amountMinor, value.currency)} is above your approval limit of ${fmt(limit, value.currency)}; escalated to an admin` };
  }
  return { ok: true, value };
}

/** Approval timing from the policy: when an undecided request escalates and when it expires. */
export function approvalDeadlines(policy: PolicySet, at: string, requestedAt: Date): { escalateAt: string; expireAt: string } {
  const a = controlsAt(policy, at).approvals;
  return {
    escalateAt: new Date(requestedAt.getTime() + a.escalateAfterMinutes * 60_000).toISOString(),
    expireAt: new Date(requestedAt.getTime() + a.expireAfterMinutes * 60_000).toISOString(),
  };
}

/** Target minutes for a case status (queues show age against it); null = no SLA. */
export function caseSlaMinutes(policy: PolicySet, status: string, at: string): number | null {
  return policy.moneyControls(at)?.caseSlaMinutes[status] ?? null;
}

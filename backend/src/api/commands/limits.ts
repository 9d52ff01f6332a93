import type { Money } from '../../../../src/shared/money.js';
import type { PolicySet } from '../../../../src/shared/policy/index.js';
import type { Role } from '../principal.js';

/**
 * The role's approval limit for a currency, from the role limits of the policy in force at the
 * disrupted flight's scheduled departure (policies are the only home of limits,
 * ARCHITECTURE.md). null = no limit defined for that currency: treated as "needs approval".
 */
export function approvalLimit(policy: PolicySet, role: Role, currency: string, at: string): number | null {
  const v = policy.roleLimits(at)[role]?.approvalLimit[currency];
  return typeof v === 'number' ? v : null;
}

export function withinLimit(policy: PolicySet, role: Role, amount: Money | null, at: string): boolean {
  if (!amount) return true;
  const limit = approvalLimit(policy, role, amount.currency, at);
  return limit !== null && amount.amountMinor <= limit;
}

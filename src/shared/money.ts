import { z } from 'zod';

/**
 * Money is an integer count of minor units plus an ISO 4217 currency code (XDR for SDR).
 * Never a float: percentages are applied with {@link percentOf}, which rounds half-up once.
 */
export const MoneySchema = z.object({
  amountMinor: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR'),
});
export type Money = z.infer<typeof MoneySchema>;

/** Minor units per major unit for the currencies Jetway handles (ISO 4217 exponents). */
const EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, XDR: 2, BHD: 3, KWD: 3, OMR: 3 };

export function minorExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

export function money(amountMinor: number, currency: string): Money {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new RangeError(`amountMinor must be a non-negative safe integer, got ${amountMinor}`);
  }
  return { amountMinor, currency };
}

/**
 * basisPoints/10000 of an amount, rounded half-up to the minor unit. Integer arithmetic only.
 * 5000 bp = 50 %.
 */
export function percentOf(m: Money, basisPoints: number): Money {
  if (!Number.isInteger(basisPoints) || basisPoints < 0) throw new RangeError('basisPoints must be a non-negative integer');
  const num = BigInt(m.amountMinor) * BigInt(basisPoints);
  const q = num / 10000n;
  const r = num % 10000n;
  return { amountMinor: Number(r * 2n >= 10000n ? q + 1n : q), currency: m.currency };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new TypeError(`currency mismatch: ${a.currency} vs ${b.currency}`);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

export function formatMoney(m: Money): string {
  const e = minorExponent(m.currency);
  const major = e === 0 ? String(m.amountMinor) : (m.amountMinor / 10 ** e).toFixed(e);
  return `${major} ${m.currency}`;
}

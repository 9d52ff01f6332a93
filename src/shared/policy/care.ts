import type { Money } from '../money.js';
import type { PolicySet } from './compile.js';

/**
 * In-kind care details of one issue (issue #12): a hotel voucher covers a number of nights and may
 * share a room with co-travellers of the same booking; a transport voucher covers a number of
 * transfers; a meal voucher covers its care period (the engine offers one meal entitlement per
 * period, and the server's `ISSUEKEY#` item allows one issuance per period). One implementation
 * for the desk's main process and the server: both call {@link checkCare} before the money rules,
 * and the money rules count the value times {@link careUnits}.
 */

export interface CareInput {
  nights?: number | undefined;
  transfers?: number | undefined;
  roomGroup?: { id: string; passengerIds: readonly string[] } | null | undefined;
}

export interface CareEntitlement {
  id: string;
  regime: string;
  type: string;
  carePeriod: string;
  status: string;
  clauses: readonly { id: string }[];
}

export type CareCheck = { ok: true; units: number } | { ok: false; message: string };

/** How many units of the care value an issue counts: nights for a hotel, transfers for transport, else 1. */
export function careUnits(type: string, care: CareInput | null | undefined): number {
  if (!care) return 1;
  if (type === 'hotel') return care.nights ?? 1;
  if (type === 'transport') return care.transfers ?? 1;
  return 1;
}

/** A value times its units (null stays null: no value, nothing to count). */
export function scaleValue(v: Money | null, units: number): Money | null {
  return v && units !== 1 ? { amountMinor: v.amountMinor * units, currency: v.currency } : v;
}

/** `N3` → 3, `D0` → 0, `EVENT` → 0. */
const periodIndex = (p: string): number => {
  const m = /^[DN](\d+)$/.exec(p);
  return m ? Number(m[1]) : 0;
};

/**
 * The most nights the policy allows for one hotel entitlement's regime: the `maxPeriods` of the
 * assistance row that produced it (matched by clause id), else of the regime's hotel rows, else 1.
 */
export function maxHotelNights(policy: PolicySet, ent: Pick<CareEntitlement, 'regime' | 'clauses'>, at: string): number {
  const regime = policy.at(at).regimes.find((r) => r.regime === ent.regime);
  const rows = regime?.assistance.filter((a) => a.type === 'hotel') ?? [];
  const ids = new Set(ent.clauses.map((c) => c.id));
  const own = rows.filter((r) => ids.has(r.id));
  const from = own.length > 0 ? own : rows;
  return from.length > 0 ? Math.max(...from.map((r) => r.maxPeriods)) : 1;
}

/**
 * Whether the care details fit the entitlement:
 * - nights and a room group only on a hotel, transfers only on transport;
 * - the engine offers one hotel entitlement per night it can foresee (N1, N2, …): each is issued on
 *   its own, and a longer stay (nights > 1) is issued on the regime's LAST night entitlement, so a
 *   night is never counted twice; all nights together stay within the policy's `maxPeriods`;
 * - a shared room only with passengers of the same booking (`coTravellers`: the other passengers
 *   of the PNR on this flight), never with the passenger themself.
 */
export function checkCare(i: {
  policy: PolicySet;
  at: string;
  entitlement: CareEntitlement;
  /** Every entitlement of the case (the hotel nights of the same regime). */
  caseEntitlements: readonly CareEntitlement[];
  care: CareInput | null;
  passengerId: string;
  coTravellers: readonly string[];
}): CareCheck {
  const { entitlement: ent, care } = i;
  if (!care) return { ok: true, units: 1 };
  if (care.nights !== undefined && ent.type !== 'hotel')
    return { ok: false, message: `nights apply to a hotel, not to ${ent.type}` };
  if (care.roomGroup && ent.type !== 'hotel')
    return { ok: false, message: `a shared room applies to a hotel, not to ${ent.type}` };
  if (care.transfers !== undefined && ent.type !== 'transport')
    return { ok: false, message: `transfers apply to transport, not to ${ent.type}` };
  if (ent.type === 'hotel') {
    const nights = care.nights ?? 1;
    const others = i.caseEntitlements.filter(
      (e) => e.id !== ent.id && e.type === 'hotel' && e.regime === ent.regime && e.status !== 'VOID',
    );
    if (nights > 1 && others.some((e) => periodIndex(e.carePeriod) > periodIndex(ent.carePeriod)))
      return {
        ok: false,
        message: `the policy offers each night as its own hotel entitlement: issue ${ent.carePeriod} for one night (a longer stay goes on the last night)`,
      };
    const max = maxHotelNights(i.policy, ent, i.at);
    if (nights + others.length > max)
      return {
        ok: false,
        message: `${nights + others.length} nights in all is above the ${ent.regime} maximum of ${max} nights`,
      };
    const group = care.roomGroup;
    if (group) {
      if (group.passengerIds.includes(i.passengerId))
        return { ok: false, message: 'list the co-travellers who share the room, not the passenger themself' };
      const stranger = group.passengerIds.find((p) => !i.coTravellers.includes(p));
      if (stranger !== undefined)
        return { ok: false, message: `passenger ${stranger} is not on this booking: only co-travellers share a room` };
    }
    return { ok: true, units: nights };
  }
  return { ok: true, units: careUnits(ent.type, care) };
}

/** A room group's id for a booking: the PNR and the group's first member (stable whichever member is issued first). */
export function roomGroupId(pnr: string, members: readonly string[]): string {
  const first = [...members].sort()[0] ?? 'solo';
  return `RG-${pnr}-${first}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 123);
}

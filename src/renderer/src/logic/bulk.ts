import { isCashType } from '../../../shared/policy/controls.js';
import type { EntitlementView, PassengerRow } from '../../../shared/rpc/contract.js';

/** Whether an entitlement can be issued now by a bulk run (the main process checks again). */
export const bulkIssuable = (e: Pick<EntitlementView, 'status' | 'effectiveStatus' | 'syncState'>): boolean =>
  e.status === 'OFFERED' && e.effectiveStatus === 'OFFERED' && e.syncState !== 'pending';

/** A passenger to whom a bulk run of `type` would issue something. */
export const eligibleFor = (r: PassengerRow, type: string): boolean =>
  r.case !== null && r.entitlements.some((e) => e.type === type && bulkIssuable(e));

/**
 * The care types a bulk run may offer on this flight, with how many passengers each can still
 * get: in-kind care only (cash is paid one passenger at a time), most frequent first.
 */
export function bulkCareTypes(rows: readonly PassengerRow[]): { type: string; eligible: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (!r.case) continue;
    const types = new Set(r.entitlements.filter((e) => !isCashType(e.type)).map((e) => e.type));
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + (eligibleFor(r, t) ? 1 : 0));
  }
  return [...counts]
    .map(([type, eligible]) => ({ type, eligible }))
    .sort((a, b) => b.eligible - a.eligible || a.type.localeCompare(b.type));
}

/**
 * A tick on row `index`: toggles it, or with Shift sets every row between the last ticked row
 * (the anchor) and this one to the anchor row's new state, as file lists do.
 */
export function tickRange(
  selected: ReadonlySet<string>,
  ids: readonly string[],
  index: number,
  anchor: number | null,
  shift: boolean,
): Set<string> {
  const out = new Set(selected);
  const id = ids[index];
  if (id === undefined) return out;
  if (shift && anchor !== null && anchor < ids.length && anchor !== index) {
    const on = !selected.has(id);
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = from; i <= to; i++) {
      if (on) out.add(ids[i]!);
      else out.delete(ids[i]!);
    }
    return out;
  }
  if (out.has(id)) out.delete(id);
  else out.add(id);
  return out;
}

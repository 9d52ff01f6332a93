import { describe, expect, it } from 'vitest';
import { bulkCareTypes, eligibleFor, tickRange } from '../../../src/renderer/src/logic/bulk.js';
import type { EntitlementView, PassengerRow } from '../../../src/shared/rpc/contract.js';

// The bulk bar's pure logic: Shift-click ranges, which passengers are eligible, which care types are offered.

const ids = ['A', 'B', 'C', 'D', 'E'];
const row = (id: string, ents: Partial<EntitlementView>[], withCase = true): PassengerRow =>
  ({
    passenger: { id },
    case: withCase ? { id: `CASE-${id}` } : null,
    entitlements: ents.map((e) => ({ status: 'OFFERED', effectiveStatus: 'OFFERED', syncState: 'none', ...e })),
  }) as unknown as PassengerRow;

describe('tickRange', () => {
  it('toggles one row without Shift', () => {
    expect([...tickRange(new Set(), ids, 2, null, false)]).toEqual(['C']);
    expect([...tickRange(new Set(['C']), ids, 2, 2, false)]).toEqual([]);
  });
  it('ticks the range from the anchor with Shift, in either direction, and unticks a range the same way', () => {
    expect([...tickRange(new Set(['B']), ids, 3, 1, true)].sort()).toEqual(['B', 'C', 'D']);
    expect([...tickRange(new Set(['D']), ids, 0, 3, true)].sort()).toEqual(['A', 'B', 'C', 'D']);
    expect([...tickRange(new Set(['A', 'B', 'C', 'D']), ids, 3, 1, true)].sort()).toEqual(['A']);
  });
  it('treats Shift without an anchor (or an anchor past the list) as a plain toggle', () => {
    expect([...tickRange(new Set(), ids, 4, null, true)]).toEqual(['E']);
    expect([...tickRange(new Set(), ids, 1, 9, true)]).toEqual(['B']);
  });
});

describe('eligibility and care types', () => {
  const rows = [
    row('A', [{ id: 'a1', type: 'meal' }, { id: 'a2', type: 'cash' }]),
    row('B', [{ id: 'b1', type: 'meal', effectiveStatus: 'ISSUED', syncState: 'pending' }, { id: 'b2', type: 'hotel' }]),
    row('C', [{ id: 'c1', type: 'meal' }]),
    row('D', [], false),
  ];
  it('counts only passengers with a case and an issuable entitlement of the type', () => {
    expect(rows.map((r) => eligibleFor(r, 'meal'))).toEqual([true, false, true, false]);
  });
  it('offers in-kind care only (never cash), most eligible first', () => {
    expect(bulkCareTypes(rows)).toEqual([
      { type: 'meal', eligible: 2 },
      { type: 'hotel', eligible: 1 },
    ]);
  });
});

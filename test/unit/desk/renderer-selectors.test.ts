import { describe, expect, it } from 'vitest';
import type { EntitlementView, PassengerRow } from '../../../src/shared/rpc/contract.js';
import { canIssue } from '../../../src/renderer/src/store/caseview/selectors.js';
import { flightSelectors } from '../../../src/renderer/src/store/flight/selectors.js';
import type { DeskState } from '../../../src/renderer/src/store/types.js';
import { money } from '../../../src/renderer/src/format.js';

const row = (id: string, first: string, last: string, pnr: string, seat: string): PassengerRow =>
  ({
    passenger: { id, firstName: first, lastName: last },
    booking: { id: `B-${id}`, pnr, seat },
    case: null,
    entitlements: [],
  }) as unknown as PassengerRow;

const rows = [row('1', 'Ann', 'Lee', 'ABC123', '10A'), row('2', 'Bob', 'Garcia', 'XYZ999', '12C'), row('3', 'Ann', 'Garcia', 'QQQ111', '1A')];
const state = (filter: string): DeskState => ({ flightData: { rows }, filter }) as unknown as DeskState;

describe('renderer selectors', () => {
  it.each([
    ['', ['1', '2', '3']],
    ['garcia', ['2', '3']],
    ['ann garcia', ['3']],
    ['xyz999', ['2']],
    ['10a', ['1']],
    ['nobody', []],
  ])('passenger filter %j', (filter, ids) => {
    expect(flightSelectors.visibleRows(state(filter)).map((r) => r.passenger.id)).toEqual(ids);
  });

  it('keeps the filtered array stable while nothing changed (no re-render loop)', () => {
    const s = state('garcia');
    expect(flightSelectors.visibleRows(s)).toBe(flightSelectors.visibleRows(s));
  });

  it.each([
    ['OFFERED', 'none', true],
    ['OFFERED', 'rejected', true],
    ['OFFERED', 'pending', false],
    ['ISSUED', 'synced', false],
    ['PENDING_APPROVAL', 'none', false],
    ['VOID', 'none', false],
  ] as const)('Issue button for %s/%s enabled: %s', (status, syncState, enabled) => {
    expect(canIssue({ status, syncState } as EntitlementView)).toBe(enabled);
  });

  it.each([
    [{ amountMinor: 2500, currency: 'USD' }, '25.00 USD'],
    [{ amountMinor: 1000, currency: 'JPY' }, '1000 JPY'],
    [{ amountMinor: 60000, currency: 'XDR' }, '600.00 XDR'],
    [null, '—'],
  ])('formats %j as %s (integer minor units)', (m, text) => {
    expect(money(m)).toBe(text);
  });
});

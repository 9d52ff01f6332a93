import { describe, expect, it } from 'vitest';
import type { PassengerRow } from '../../../src/shared/rpc/contract.js';
// Pure renderer logic only: store modules pull in the DOM transport, which the Node tsconfig lacks.
import { canIssue, matchesFilter } from '../../../src/renderer/src/logic/passengers.js';
import { money } from '../../../src/renderer/src/format.js';

const row = (id: string, first: string, last: string, pnr: string, seat: string): PassengerRow =>
  ({
    passenger: { id, firstName: first, lastName: last },
    booking: { id: `B-${id}`, pnr, seat },
    case: null,
    entitlements: [],
  }) as unknown as PassengerRow;

const rows = [row('1', 'Ann', 'Lee', 'ABC123', '10A'), row('2', 'Bob', 'Garcia', 'XYZ999', '12C'), row('3', 'Ann', 'Garcia', 'QQQ111', '1A')];

describe('renderer selectors', () => {
  it.each([
    ['', ['1', '2', '3']],
    ['garcia', ['2', '3']],
    ['ann garcia', ['3']],
    ['xyz999', ['2']],
    ['10a', ['1']],
    ['nobody', []],
  ])('passenger filter %j', (filter, ids) => {
    expect(rows.filter((r) => matchesFilter(r, filter)).map((r) => r.passenger.id)).toEqual(ids);
  });

  it.each([
    ['OFFERED', 'none', true],
    ['OFFERED', 'rejected', true],
    ['OFFERED', 'pending', false],
    ['ISSUED', 'synced', false],
    ['PENDING_APPROVAL', 'none', false],
    ['VOID', 'none', false],
  ] as const)('Issue button for %s/%s enabled: %s', (status, syncState, enabled) => {
    expect(canIssue({ status, syncState })).toBe(enabled);
  });

  it.each([
    [{ amountMinor: 2500, currency: 'USD' }, '25.00 USD'],
    [{ amountMinor: 1000, currency: 'JPY' }, '1,000 JPY'], // thousands grouped (format.ts follows the language)
    [{ amountMinor: 60000, currency: 'XDR' }, '600.00 XDR'],
    [null, '—'],
  ])('formats %j as %s (integer minor units)', (m, text) => {
    expect(money(m)).toBe(text);
  });
});

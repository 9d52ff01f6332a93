import { describe, expect, it } from 'vitest';
import { caseIdOfEntitlement, flightNumberPartition, keys, seqSortKey, stripKeys } from '../../../src/data/keys.js';
import { caseId, entitlementId } from '../../../../src/shared/domain/index.js';

describe('keys', () => {
  it('zero-pads sequences so string order is numeric order', () => {
    const seqs = [1, 2, 9, 10, 11, 99, 100, 1000, 123456789];
    const sorted = seqs.map(seqSortKey).sort();
    expect(sorted.map(Number)).toEqual(seqs);
    expect(seqSortKey(7)).toBe('000000000007');
  });

  it.each([-1, 1.5, Number.NaN])('refuses a bad sequence %s', (n) => {
    expect(() => seqSortKey(n)).toThrow(RangeError);
  });

  it('recovers the case of an entitlement id built by the domain helpers', () => {
    const c = caseId('SW9012-2025-01-15', 'P001');
    expect(caseIdOfEntitlement(entitlementId(c, 'goodwill', 'meal', 'D1'))).toBe(c);
    expect(caseIdOfEntitlement('no-slash')).toBeNull();
  });

  it('puts a flight under its flight-number partition, sorted by UTC departure whatever the offset', () => {
    const a = keys.flightGsi1('SW', '9012', '2025-01-15T10:00:00Z');
    const b = keys.flightGsi1('SW', '9012', '2025-01-15T11:30:00+02:00');
    expect(a.GSI1PK).toBe(flightNumberPartition('SW', '9012'));
    expect(a.GSI1SK).toBe('2025-01-15T10:00:00.000Z');
    expect(b.GSI1SK < a.GSI1SK).toBe(true);
  });

  it('uses high-cardinality partitions only (no status/date partitions on GSI1)', () => {
    expect(keys.bookingGsi1('P001', 'SW9012-2025-01-15', 'B007').GSI1PK).toBe('PAX#P001');
    expect(keys.flightGsi1('SW', '1', '2025-01-15T10:00:00Z').GSI1PK).toBe('FLIGHTNO#SW1');
  });

  it('co-locates bookings and the disruption with their flight', () => {
    expect(keys.booking('F', 'B1').PK).toBe(keys.flight('F').PK);
    expect(keys.disruption('F', 'DIS-F').PK).toBe(keys.flight('F').PK);
    expect(keys.entitlement('C', 'C/x/y/z').PK).toBe(keys.case('C').PK);
  });

  it('strips key attributes from items', () => {
    expect(stripKeys({ PK: 'a', SK: 'b', GSI1PK: 'c', GSI1SK: 'd', entityType: 'x', id: '1' })).toEqual({ id: '1' });
  });
});

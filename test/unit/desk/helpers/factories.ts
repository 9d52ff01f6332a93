import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session } from '../../../../src/shared/rpc/contract.js';
import type { Change } from '../../../../src/shared/sync/protocol.js';

/** A fresh temp folder per test (real SQLite files, never shared). */
export const tempDir = (prefix = 'jetway-desk-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A `put` change of `data` (its id and version are the change's). */
export const put = (kind: Change['kind'], data: Record<string, unknown> & { id: string; version: number }): Change => ({
  kind,
  id: data.id,
  version: data.version,
  op: 'put',
  data,
});

/** A signed-in session of `role` at `stations`, valid until 2099. */
export const session = (username: string, role: Session['role'], stations = ['PHX']): Session => ({
  username,
  role,
  groups: [role],
  stations,
  expiresAt: '2099-01-01T00:00:00.000Z',
  offline: false,
  locked: false,
});

export function flight(over: Partial<Record<string, unknown>> & { id: string } = { id: 'SW9012-2026-11-24' }): Change {
  return put('flight', {
    carrier: 'SW',
    number: '9012',
    origin: 'PHX',
    destination: 'OAK',
    scheduledDeparture: '2026-11-24T15:00:00Z',
    scheduledArrival: '2026-11-24T17:00:00Z',
    status: 'SCHEDULED',
    gate: 'C4',
    version: 1,
    ...over,
  } as Record<string, unknown> & { id: string; version: number });
}

export const passenger = (id: string, lastName: string, firstName = 'Ann', version = 1): Change =>
  put('passenger', { id, firstName, lastName, email: `${id}@example.com`, phone: null, contact: { email: true, sms: false }, version });

export const booking = (id: string, passengerId: string, flightId: string, pnr: string, version = 1): Change =>
  put('booking', { id, pnr, passengerId, flightId, seat: '1A', fareClass: 'Y', status: 'CONFIRMED', version });

/** An OPEN EU261 case change of passenger `p` on `flightId` (booking B-<p>, stations PHX and FRA); `over` replaces fields. */
export const openCase = (flightId: string, p: string, over: Record<string, unknown> = {}): Change =>
  put('case', {
    id: `CASE-${flightId}-${p}`,
    flightId,
    disruptionId: `DIS-${flightId}`,
    passengerId: p,
    bookingId: `B-${p}`,
    status: 'OPEN',
    policyVersion: 'test-1',
    primaryRegime: 'EU261',
    stations: ['PHX', 'FRA'],
    openedAt: '2026-11-24T15:00:00.000Z',
    statusSince: '2026-11-24T15:00:00.000Z',
    version: 1,
    ...over,
  });

export const caseOf = (flightId: string, passengerId: string, bookingId: string, version = 1): Change =>
  put('case', {
    id: `CASE-${flightId}-${passengerId}`,
    flightId,
    disruptionId: `DIS-${flightId}`,
    passengerId,
    bookingId,
    status: 'OPEN',
    policyVersion: 'test-1',
    primaryRegime: 'goodwill',
    stations: ['PHX', 'OAK'],
    version,
  });

export const entitlement = (caseId: string, type = 'meal', status = 'OFFERED', version = 1): Change =>
  put('entitlement', {
    id: `${caseId}/goodwill/${type}/day1`,
    caseId,
    regime: 'goodwill',
    type,
    carePeriod: 'day1',
    amount: { amountMinor: 1500, currency: 'USD' },
    automatic: false,
    status,
    clauses: [{ id: 'GW-MEAL-1', reason: 'Cancelled flight: meal while waiting' }],
    version,
  });

/** A cancelled flight with `n` booked passengers, each with a case and one meal entitlement. */
export function cancelledFlight(n: number, flightId = 'SW9012-2026-11-24'): Change[] {
  const out: Change[] = [flight({ id: flightId, status: 'CANCELLED', version: 2 })];
  out.push(
    put('disruption', {
      id: `DIS-${flightId}`,
      flightId,
      kind: 'CANCELLATION',
      causeCode: 'WEATHER',
      eventIds: ['e1'],
      detectedAt: '2026-11-24T14:00:00Z',
      version: 1,
    }),
  );
  for (let i = 1; i <= n; i += 1) {
    const p = `P${String(i).padStart(3, '0')}`;
    const b = `B${String(i).padStart(3, '0')}`;
    out.push(passenger(p, `Last${String(i).padStart(3, '0')}`), booking(b, p, flightId, `PNR${String(i).padStart(3, '0')}`));
    const c = caseOf(flightId, p, b);
    out.push(c, entitlement(c.id));
  }
  return out;
}

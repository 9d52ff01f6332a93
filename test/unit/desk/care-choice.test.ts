import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandService } from '../../../src/main/commands/service.js';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase, type Db } from '../../../src/main/db/open.js';
import { Outbox } from '../../../src/main/db/outbox.js';
import { CacheQueries, type Viewer } from '../../../src/main/db/queries.js';
import { BadRequestError, CommandConflictError, ForbiddenError } from '../../../src/main/errors.js';
import type { Change, CommandEnvelope } from '../../../src/shared/sync/protocol.js';
import { expectRefused as refused } from './helpers/expect-refused.js';
import { cancelledFlight, tempDir, put, session } from './helpers/factories.js';

// The desk's main process on care details and the passenger's choice (issue #12): the same shared
// rules as the server (care.ts, controls.ts) before anything is queued, and the case's preview
// decided with the recorded choice.

const FLIGHT = 'SW9012-2026-11-24';
const NOW = new Date('2026-11-24T16:00:00.000Z');
const CASE = `CASE-${FLIGHT}-P001`;
const AGENT = session('agent.phx', 'agent');
const SUPER = session('super.phx', 'supervisor');

const ent = (type: string, period: string, amountMinor: number | null): Change =>
  put('entitlement', {
    id: `${CASE}/goodwill/${type}/${period}`,
    caseId: CASE,
    regime: 'goodwill',
    type,
    carePeriod: period,
    amount: amountMinor === null ? null : { amountMinor, currency: 'USD' },
    automatic: false,
    status: 'OFFERED',
    clauses: [{ id: type === 'hotel' ? 'GOODWILL.HOTEL' : 'GOODWILL.TEST', reason: 'test' }],
    version: 1,
  });

let n = 0;
const nextId = (): string => `01JMD${String(++n).padStart(21, '0')}`;
let db: Db;
let commands: CommandService;
let queries: CacheQueries;
let outbox: Outbox;
const write = (changes: Change[]) => {
  const cache = new CacheWriter(db);
  db.transaction(() => {
    for (const c of changes) cache.write(c);
  })();
};
const queued = (): CommandEnvelope[] => outbox.nextBatch(50);

beforeEach(() => {
  db = openDatabase(path.join(tempDir(), 'desk.db'));
  const viewer: Viewer = { username: AGENT.username, role: AGENT.role, stations: AGENT.stations, online: true };
  outbox = new Outbox(db, () => NOW);
  queries = new CacheQueries(db, { viewer: () => viewer, now: () => NOW });
  commands = new CommandService({ outbox, queries, deskId: 'DESK-T', onQueued: () => undefined, now: () => NOW, newId: nextId });
  // Two cases on SW9012 (cancelled); P001 and P002 travel on one booking (PNR FAM001), P003 on its own.
  write([
    ...cancelledFlight(3, FLIGHT),
    put('booking', { id: 'B001', pnr: 'FAM001', passengerId: 'P001', flightId: FLIGHT, seat: '1A', fareClass: 'Y', status: 'CONFIRMED', fare: { amountMinor: 18900, currency: 'USD' }, version: 2 }),
    put('booking', { id: 'B002', pnr: 'FAM001', passengerId: 'P002', flightId: FLIGHT, seat: '1B', fareClass: 'Y', status: 'CONFIRMED', version: 2 }),
    ent('hotel', 'N1', 15000),
    ent('transport', 'N1', 3000),
    ent('rebooking_or_refund', 'EVENT', null),
  ]);
});
afterEach(() => db.close());

describe('care details on the desk', () => {
  it('queues a 2-night hotel shared with a co-traveller, the room group named after the booking', () => {
    expect(queries.coTravellers(CASE)).toEqual({ pnr: 'FAM001', travellers: [{ passengerId: 'P002', name: 'Ann Last002', caseId: `CASE-${FLIGHT}-P002` }] });
    commands.issueEntitlement(`${CASE}/goodwill/hotel/N1`, AGENT, { paymentMethod: 'in_kind_voucher', passengerAgreement: null }, { nights: 2, shareWith: ['P002'] });
    const [cmd] = queued();
    expect(cmd!.payload).toMatchObject({ care: { nights: 2, roomGroup: { id: 'RG-FAM001-P001', passengerIds: ['P002'] } } });
  });

  it('refuses what does not fit: a stranger in the room, nights on transport, too many nights, above the limit', () => {
    const conf = { paymentMethod: 'in_kind_voucher' as const, passengerAgreement: null };
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/hotel/N1`, AGENT, conf, { nights: 2, shareWith: ['P003'] }), BadRequestError, 'INVALID_CARE');
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/transport/N1`, AGENT, conf, { nights: 2 }), BadRequestError, 'INVALID_CARE');
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/hotel/N1`, AGENT, conf, { nights: 4 }), BadRequestError, 'INVALID_CARE');
    // Two transfers (60 USD) are above confirmAbove (50 USD): the dialog's confirmation is needed.
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/transport/N1`, AGENT, null, { transfers: 2 }), BadRequestError, 'CONFIRMATION_REQUIRED');
    expect(queued()).toHaveLength(0);
  });

  it('counts the nights against the agent approval limit (500 USD)', () => {
    write([put('entitlement', { ...(ent('hotel', 'N1', 20000).data as { id: string; version: number }), version: 2 })]);
    const conf = { paymentMethod: 'in_kind_voucher' as const, passengerAgreement: null };
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/hotel/N1`, AGENT, conf, { nights: 3 }), CommandConflictError, 'LIMIT_EXCEEDED');
    commands.issueEntitlement(`${CASE}/goodwill/hotel/N1`, AGENT, conf, { nights: 2 });
    expect(queued()).toHaveLength(1);
  });

  it('never issues a rebooking-or-refund entitlement as a voucher', () => {
    refused(() => commands.issueEntitlement(`${CASE}/goodwill/rebooking_or_refund/EVENT`, AGENT), CommandConflictError, 'NOT_ISSUABLE');
  });
});

describe('the passenger’s choice on the desk', () => {
  const recorded = (choice: 'refund' | 'rebook') =>
    put('case', {
      id: CASE,
      flightId: FLIGHT,
      disruptionId: `DIS-${FLIGHT}`,
      passengerId: 'P001',
      bookingId: 'B001',
      status: 'OPEN',
      policyVersion: 'test-1',
      primaryRegime: 'US_DOT',
      stations: ['PHX', 'OAK'],
      passengerChoice: { choice, recordedBy: 'agent.phx', recordedAt: '2026-11-24T15:00:00Z', commandId: 'X', previous: null, reason: null },
      version: 5,
    });

  it('queues recordChoice against the case version; one at a time', () => {
    commands.recordChoice(CASE, 'refund', null, AGENT);
    const [cmd] = queued();
    expect(cmd).toMatchObject({ type: 'recordChoice', payload: { caseId: CASE, choice: 'refund', reason: null }, expectedVersions: { [`case:${CASE}`]: 1 } });
    refused(() => commands.recordChoice(CASE, 'rebook', null, AGENT), CommandConflictError, 'ALREADY_PENDING');
  });

  it('a recorded choice: the same again is refused as recorded; a different one only by a supervisor with a reason', () => {
    write([recorded('refund')]);
    refused(() => commands.recordChoice(CASE, 'refund', null, AGENT), CommandConflictError, 'CHOICE_ALREADY_RECORDED');
    refused(() => commands.recordChoice(CASE, 'rebook', null, AGENT), ForbiddenError, 'CHOICE_ALREADY_RECORDED');
    refused(() => commands.recordChoice(CASE, 'rebook', null, SUPER), BadRequestError, 'INVALID_PAYLOAD');
    commands.recordChoice(CASE, 'rebook', 'passenger changed their mind', SUPER);
    expect(queued()[0]!.payload).toMatchObject({ choice: 'rebook', reason: 'passenger changed their mind' });
  });

  it('the case preview is decided with the recorded choice (US DOT refund once refund is recorded)', () => {
    const before = queries.caseView(CASE).preview!;
    expect(before.entitlements.some((e) => e.type === 'refund')).toBe(false);
    write([recorded('refund')]);
    const after = queries.caseView(CASE).preview!;
    const refund = after.entitlements.find((e) => e.type === 'refund');
    expect(refund).toMatchObject({ regime: 'US_DOT', amount: { amountMinor: 18900, currency: 'USD' } });
  });
});

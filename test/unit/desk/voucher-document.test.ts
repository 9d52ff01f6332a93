import { describe, expect, it } from 'vitest';
import type { Booking, Flight, Issuance, Passenger } from '../../../src/shared/domain/entities.js';
import {
  atLocal,
  buildVoucherDocument,
  localDay,
  parsePrintNote,
  printNoteText,
  voucherValidity,
  VoucherDocumentSchema,
} from '../../../src/shared/voucher/document.js';
import { barcodeSvg, VoucherService } from '../../../src/main/voucher/service.js';
import type { Session } from '../../../src/shared/rpc/contract.js';
import type { AuditEntry } from '../../../src/shared/domain/entities.js';

const PHX = 'America/Phoenix'; // UTC-7, no DST
const LHR = 'Europe/London';

const issuance = (over: Partial<Issuance> = {}): Issuance => ({
  id: 'ISS-1',
  key: 'k',
  entitlementId: 'ENT-1',
  caseId: 'CASE-1',
  passengerId: 'PAX-1',
  type: 'meal',
  amount: { amountMinor: 1500, currency: 'USD' },
  voucherSerial: 'VCH-7Q2M4K9X',
  commandId: 'CMD-1',
  issuedBy: 'agent.phx',
  deskId: 'DESK-1',
  issuedAt: '2026-12-02T18:30:00.000Z',
  status: 'VALID',
  paymentMethod: null,
  passengerAgreement: null,
  offline: false,
  approvalId: null,
  redeemedAt: null,
  voidedAt: null,
  voidedBy: null,
  voidReason: null,
  version: 1,
  ...over,
});
const passenger: Passenger = {
  id: 'PAX-1',
  firstName: 'Ana',
  lastName: 'García',
  email: null,
  phone: null,
  loyaltyNumber: null,
  tier: null,
  language: 'es',
  contact: { email: true, sms: false, push: false },
  specialRequests: [],
  version: 1,
};
const booking = { id: 'B-1', pnr: 'QX7R2M', passengerId: 'PAX-1', flightId: 'F-1', seat: '14C' } as Booking;
const flight = {
  id: 'F-1',
  carrier: 'SW',
  number: '1234',
  origin: 'PHX',
  destination: 'DAL',
  scheduledDeparture: '2026-12-02T17:00:00.000Z', // 10:00 in Phoenix
  status: 'CANCELLED',
} as Flight;

describe('voucher validity', () => {
  it('local days and wall-clock instants follow the zone (DST included)', () => {
    expect(localDay('2026-12-03T05:00:00.000Z', PHX)).toBe('2026-12-02');
    expect(new Date(atLocal('2026-12-02', 0, 23, 59, PHX)).toISOString()).toBe('2026-12-03T06:59:00.000Z');
    // London is on BST (UTC+1) on 2026-07-01, GMT in December.
    expect(new Date(atLocal('2026-07-01', 0, 12, 0, LHR)).toISOString()).toBe('2026-07-01T11:00:00.000Z');
    expect(new Date(atLocal('2026-12-01', 1, 12, 0, LHR)).toISOString()).toBe('2026-12-02T12:00:00.000Z');
  });

  describe.each([
    // [case, type, carePeriod, payment, issuedAt, until, rule]
    ['meal day 1: until 23:59 station time on the departure day', 'meal', 'D1', null, '2026-12-02T18:30:00.000Z', '2026-12-03T06:59:00.000Z', 'CARE_DAY'],
    ['meal day 2: one day later', 'meal', 'D2', null, '2026-12-02T18:30:00.000Z', '2026-12-04T06:59:00.000Z', 'CARE_DAY'],
    ['meal issued late at night: at least 12 h', 'meal', 'D1', null, '2026-12-03T06:00:00.000Z', '2026-12-03T18:00:00.000Z', 'CARE_DAY'],
    ['hotel night 1: check-out 12:00 the next morning', 'hotel', 'N1', null, '2026-12-02T18:30:00.000Z', '2026-12-03T19:00:00.000Z', 'CARE_NIGHT'],
    ['hotel night 2', 'hotel', 'N2', 'in_kind_voucher', '2026-12-02T18:30:00.000Z', '2026-12-04T19:00:00.000Z', 'CARE_NIGHT'],
    ['transport once per event: 24 h', 'transport', 'EVENT', null, '2026-12-02T18:30:00.000Z', '2026-12-03T18:30:00.000Z', 'CARE_EVENT'],
    ['cash as a travel voucher: 365 days', 'cash', 'EVENT', 'travel_voucher', '2026-12-02T18:30:00.000Z', '2027-12-02T18:30:00.000Z', 'TRAVEL_VOUCHER'],
    ['cash by bank transfer: a receipt without end date', 'cash', 'EVENT', 'bank_transfer', '2026-12-02T18:30:00.000Z', null, 'NO_EXPIRY'],
  ] as const)('%s', (_name, type, carePeriod, paymentMethod, issuedAt, until, rule) => {
    it('has the documented end', () => {
      const v = voucherValidity({ type, carePeriod, paymentMethod, issuedAt, scheduledDeparture: flight.scheduledDeparture, timeZone: PHX });
      expect(v).toEqual({ from: issuedAt, until, rule, timeZone: PHX });
    });
  });
});

describe('buildVoucherDocument', () => {
  const print = { printId: 'p-12345678', copy: 1, reprint: false, printedAt: '2026-12-02T18:31:00.000Z', printedBy: 'agent.phx' };
  const base = {
    entitlement: { type: 'meal', carePeriod: 'D1', regime: 'US_DOT' },
    policyValue: null,
    passenger,
    booking,
    flight,
    station: 'PHX',
    timeZone: PHX,
    print,
    barcodeSvg: barcodeSvg('VCH-7Q2M4K9X'),
  };

  it('carries the serial, passenger, PNR, formatted value, station, agent, flight and a Code 128 of the serial', () => {
    const doc = buildVoucherDocument({ ...base, issuance: issuance() });
    expect(VoucherDocumentSchema.parse(doc)).toEqual(doc);
    expect(doc).toMatchObject({
      serial: 'VCH-7Q2M4K9X',
      passenger: { name: 'Ana García', pnr: 'QX7R2M', seat: '14C' },
      value: { amountMinor: 1500, currency: 'USD' },
      valueText: '15.00 USD',
      valueBasis: 'amount',
      station: 'PHX',
      agent: 'agent.phx',
      flight: { label: 'SW1234', origin: 'PHX', destination: 'DAL' },
      validity: { rule: 'CARE_DAY', until: '2026-12-03T06:59:00.000Z' },
      barcode: { symbology: 'code128', text: 'VCH-7Q2M4K9X' },
    });
    expect(doc.barcode.svg).toMatch(/^<svg[^>]*viewBox/);
    // A different serial draws different bars.
    expect(barcodeSvg('VCH-7Q2M4K9Y')).not.toBe(doc.barcode.svg);
  });

  it('in-kind care without an amount is valued "up to" the policy value; no value at all prints a dash', () => {
    const hotel = issuance({ type: 'hotel', amount: null, paymentMethod: 'in_kind_voucher' });
    const up = buildVoucherDocument({ ...base, issuance: hotel, entitlement: { type: 'hotel', carePeriod: 'N1', regime: 'US_DOT' }, policyValue: { amountMinor: 15000, currency: 'USD' } });
    expect(up).toMatchObject({ valueText: '150.00 USD', valueBasis: 'up_to', validity: { rule: 'CARE_NIGHT' } });
    const none = buildVoucherDocument({ ...base, issuance: issuance({ type: 'communication', amount: null }), entitlement: null });
    expect(none).toMatchObject({ value: null, valueText: '—', valueBasis: 'none', carePeriod: null, validity: { rule: 'CARE_EVENT' } });
  });

  it('a zero-decimal currency is formatted without decimals; a missing passenger falls back to the id', () => {
    const doc = buildVoucherDocument({ ...base, passenger: null, booking: null, issuance: issuance({ amount: { amountMinor: 2000, currency: 'JPY' } }) });
    expect(doc.valueText).toBe('2000 JPY');
    expect(doc.passenger).toEqual({ name: 'PAX-1', pnr: null, seat: null });
  });

  it('refuses a barcode that is not an SVG', () => {
    expect(() => buildVoucherDocument({ ...base, issuance: issuance(), barcodeSvg: '<img src=x onerror=alert(1)>' })).toThrow();
  });
});

describe('print notes', () => {
  it('round-trips the serial, copy and print id, and ignores other notes', () => {
    expect(parsePrintNote(printNoteText('VCH-1', 1, 'p-abcdefgh'))).toEqual({ serial: 'VCH-1', copy: 1, printId: 'p-abcdefgh' });
    expect(printNoteText('VCH-1', 3, 'p-abcdefgh')).toContain('REPRINTED (copy 3)');
    expect(parsePrintNote(printNoteText('VCH-1', 3, 'p-abcdefgh'))?.copy).toBe(3);
    expect(parsePrintNote('Passenger asked for a window seat')).toBeNull();
  });
});

describe('VoucherService: every print is recorded, a re-print is counted', () => {
  const session = { username: 'agent.phx', role: 'agent', groups: [], stations: ['PHX'], expiresAt: '2026-12-03T00:00:00.000Z', offline: false, locked: false } as Session;
  const note = (seq: number, text: string, commandId: string): AuditEntry =>
    ({ id: `CASE-1#${seq}`, caseId: 'CASE-1', seq, at: '2026-12-02T18:40:00.000Z', actor: 'agent.dal', action: 'note', commandId, details: { text } }) as unknown as AuditEntry;
  function harness(audit: AuditEntry[] = []) {
    const queued: { caseId: string; text: string }[] = [];
    const svc = new VoucherService({
      queries: {
        issuance: (id: string) => (id === 'ISS-1' ? { issuance: issuance(), voidPending: false } : undefined),
        caseView: () =>
          ({
            case: { id: 'CASE-1', stations: ['PHX', 'DAL'] },
            passenger,
            booking,
            flight,
            entitlements: [{ id: 'ENT-1', type: 'meal', carePeriod: 'D1', regime: 'US_DOT', controls: null }],
            audit,
          }) as never,
      },
      outbox: { queued: () => queued.map((p, i) => ({ envelope: { payload: p, commandId: `C${i}` } as never, createdBy: 'agent.phx' })) },
      addCaseNote: (caseId, text) => {
        queued.push({ caseId, text });
        return { commandId: `C${queued.length}`, syncState: 'pending' };
      },
      now: () => new Date('2026-12-02T19:00:00.000Z'),
    });
    return { svc, queued };
  }

  it('copy 1, then a REPRINT copy 2 (queued notes counted); the same print id again records nothing', () => {
    const { svc, queued } = harness();
    const first = svc.document('ISS-1', 'print-aaaaaaaa', session);
    expect(first.doc.print).toMatchObject({ copy: 1, reprint: false, printedBy: 'agent.phx', printedAt: '2026-12-02T19:00:00.000Z' });
    expect(first.doc.station).toBe('PHX');
    expect(queued).toEqual([{ caseId: 'CASE-1', text: 'Voucher VCH-7Q2M4K9X printed (copy 1) [print print-aaaaaaaa]' }]);
    const again = svc.document('ISS-1', 'print-aaaaaaaa', session);
    expect(again).toMatchObject({ noteQueued: false, doc: { print: { copy: 1, reprint: false } } });
    const second = svc.document('ISS-1', 'print-bbbbbbbb', session);
    expect(second.doc.print).toMatchObject({ copy: 2, reprint: true });
    expect(queued).toHaveLength(2);
    expect(queued[1]!.text).toBe('Voucher VCH-7Q2M4K9X REPRINTED (copy 2) [print print-bbbbbbbb]');
  });

  it('prints from other desks (synced audit notes) count; notes of other serials do not', () => {
    const { svc } = harness([
      note(1, printNoteText('VCH-7Q2M4K9X', 1, 'print-other001'), 'X1'),
      note(2, printNoteText('VCH-OTHER', 1, 'print-other002'), 'X2'),
      note(3, 'called the hotel', 'X3'),
    ]);
    expect(svc.document('ISS-1', 'print-cccccccc', session).doc.print).toMatchObject({ copy: 2, reprint: true });
  });

  it('an issuance not in the cache is NOT_FOUND', () => {
    const { svc } = harness();
    expect(() => svc.document('ISS-404', 'print-dddddddd', session)).toThrow(/not in this desk's cache/);
  });
});

import path from 'node:path';
import { encode } from 'bcbp';
import { describe, expect, it } from 'vitest';
import { CacheWriter } from '../../../src/main/db/cache.js';
import { openDatabase } from '../../../src/main/db/open.js';
import { CacheQueries, type Viewer } from '../../../src/main/db/queries.js';
import {
  looksLikeBoardingPass,
  matchBoardingPass,
  parseBoardingPass,
  type BoardingPass,
} from '../../../src/shared/boarding-pass.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { caseOf, flight, passenger, tempDir } from './helpers/factories.js';

/** A pass built with the `bcbp` package's own encoder (what a printer or app would produce). */
function pass(
  over: {
    name?: string;
    pnr?: string;
    carrier?: string;
    number?: string;
    date?: string;
    from?: string;
    to?: string;
    seat?: string;
    ticket?: string;
  } = {},
): string {
  const ticket = over.ticket ?? '5264000000001';
  return encode({
    data: {
      passengerName: over.name ?? 'GONZALEZ/MARIA JOSE',
      legs: [
        {
          operatingCarrierPNR: over.pnr ?? 'ABC123',
          departureAirport: over.from ?? 'PHX',
          arrivalAirport: over.to ?? 'OAK',
          operatingCarrierDesignator: over.carrier ?? 'SW',
          flightNumber: over.number ?? '0912',
          flightDate: new Date(`${over.date ?? '2026-11-24'}T00:00:00Z`),
          compartmentCode: 'Y',
          seatNumber: over.seat ?? '012A',
          checkInSequenceNumber: '0001',
          passengerStatus: '1',
          airlineNumericCode: ticket.slice(0, 3),
          serialNumber: ticket.slice(3),
        },
      ],
    },
  });
}

const put = (kind: Change['kind'], data: Record<string, unknown> & { id: string }): Change => ({
  kind,
  id: data.id,
  version: 1,
  op: 'put',
  data: { version: 1, ...data },
});
const booking = (id: string, pax: string, flightId: string, pnr: string, seat: string, ticketNumber: string | null) =>
  put('booking', { id, pnr, passengerId: pax, flightId, seat, ticketNumber, fareClass: 'Y', status: 'CONFIRMED' });

describe('parseBoardingPass (bcbp decode + field checks)', () => {
  it('reads what the bcbp encoder wrote: PNR, name, flight, day of year, seat, ticket', () => {
    // Prepare
    const text = pass();
    // Act
    const r = parseBoardingPass(text);
    // Assess
    expect(looksLikeBoardingPass(text)).toBe(true);
    expect(r).toEqual({
      ok: true,
      pass: {
        pnr: 'ABC123',
        lastName: 'GONZALEZ',
        firstName: 'MARIAJOSE',
        nameTruncated: false,
        carrier: 'SW',
        flightNumber: '912',
        dayOfYear: 328, // 24 November (2026 is no leap year)
        from: 'PHX',
        to: 'OAK',
        seat: '12A',
        ticketNumber: '5264000000001',
      },
    });
  });

  it('accepts the Enter a keyboard-wedge reader sends at the end', () => {
    expect(parseBoardingPass(`${pass()}\r\n`).ok).toBe(true);
  });

  it('reads day 366 (31 December of a leap year)', () => {
    const r = parseBoardingPass(pass({ date: '2028-12-31' }));
    expect(r.ok && r.pass.dayOfYear).toBe(366);
  });

  describe.each([
    ['empty', '', 'shape'],
    ['a word', 'hello', 'shape'],
    ['a PNR typed by hand', 'ABC123', 'shape'],
    ['cut short after 40 characters', pass().slice(0, 40), 'shape'],
    ['wrong format code', `Z${pass().slice(1)}`, 'shape'],
    ['noise of the right length', `M1${'X'.repeat(70)}`, 'field'],
    ['no slash in the name', pass({ name: 'GONZALEZ MARIA' }), 'name'],
    ['a date that is not a day', pass().replace(/ 328Y/, ' ABCY'), 'field'],
    ['a PNR with punctuation', pass({ pnr: 'AB#12' }), 'field'],
    ['an airport that is not three letters', pass({ from: 'P1X' }), 'field'],
  ])('malformed: %s', (_what, text, code) => {
    it(`is unreadable (${code}), with a reason, and never throws`, () => {
      const r = parseBoardingPass(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe(code);
        expect(r.reason).toMatch(/boarding pass/);
      }
    });
  });
});

/** The decoded pass of a string that must read. */
const read = (text: string): BoardingPass => {
  const r = parseBoardingPass(text);
  if (!r.ok) throw new Error(r.reason);
  return r.pass;
};

describe('parseBoardingPass with hostile input', () => {
  it.each([
    ['control characters', `M1${'\u0000'.repeat(70)}`],
    ['non-ASCII letters', `M1${'É'.repeat(70)}`],
    ['1000 characters of a pass repeated', pass().repeat(20).slice(0, 1000)],
    ['a leg count of 4 with one leg', `M4${pass().slice(2)}`],
  ])('%s: a verdict, never an exception', (_what, text) => {
    expect(() => parseBoardingPass(text)).not.toThrow();
    expect(typeof parseBoardingPass(text).ok).toBe('boolean');
  });

  it('every mutation of a real pass (one character changed) reads or is refused, never throws', () => {
    const base = pass();
    const chars = ' /#0A9Z>\u007f';
    for (let i = 0; i < base.length; i++) {
      for (const c of chars) {
        const r = parseBoardingPass(base.slice(0, i) + c + base.slice(i + 1));
        if (r.ok) expect(r.pass.pnr).toMatch(/^[A-Z0-9]{5,7}$/);
        else expect(r.reason.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('matchBoardingPass', () => {
  const flightSw912 = { carrier: 'SW', number: '912', scheduledDeparture: '2026-11-24T15:00:00Z' };
  const view = (firstName: string, lastName: string, f = flightSw912, visible = true) => ({
    passenger: { firstName, lastName },
    flight: f,
    originTimeZone: 'America/Phoenix',
    visible,
  });

  it('picks the named passenger among the PNR’s bookings (diacritics and case ignored)', () => {
    const cands = [view('Luis', 'González'), view('María José', 'González')];
    expect(matchBoardingPass(read(pass()), cands, (c) => c)).toEqual({ index: 1 });
  });

  it('matches a surname the pass had to cut short at 20 characters', () => {
    const text = pass({ name: 'WOLFESCHLEGELSTEINHAUSEN/HUBERT' });
    const cands = [view('Hubert', 'Wolfeschlegelsteinhausenbergerdorff')];
    expect(matchBoardingPass(read(text), cands, (c) => c)).toEqual({ index: 0 });
  });

  it('compares the local departure date at the origin, not the UTC date', () => {
    // 01:30 UTC on 25 Nov is 18:30 on 24 Nov in Phoenix: a pass for the 24th.
    const late = { ...flightSw912, scheduledDeparture: '2026-11-25T01:30:00Z' };
    expect(matchBoardingPass(read(pass()), [view('Maria', 'Gonzalez', late)], (c) => c)).toEqual({ index: 0 });
    expect(matchBoardingPass(read(pass({ date: '2026-11-25' })), [view('Maria', 'Gonzalez', late)], (c) => c)).toEqual({
      miss: 'no_flight',
    });
  });

  it.each([
    ['no booking with that PNR', [], 'no_booking'],
    ['a PNR without that name', [view('Luis', 'Gonzalez')], 'no_name'],
    ['another flight number', [view('Maria', 'Gonzalez', { ...flightSw912, number: '913' })], 'no_flight'],
    ['another carrier', [view('Maria', 'Gonzalez', { ...flightSw912, carrier: 'JE' })], 'no_flight'],
    ['another day', [view('Maria', 'Gonzalez', { ...flightSw912, scheduledDeparture: '2026-11-26T15:00:00Z' })], 'no_flight'],
    ['not at the user’s stations', [view('Maria', 'Gonzalez', flightSw912, false)], 'other_station'],
  ])('misses: %s', (_what, cands, miss) => {
    expect(matchBoardingPass(read(pass()), cands, (c) => c)).toEqual({ miss });
  });
});

describe('CacheQueries.scan and search (real SQLite cache)', () => {
  function setup(viewer: Viewer | null = null) {
    const db = openDatabase(path.join(tempDir(), 'desk.db'));
    const cache = new CacheWriter(db);
    const F = 'SW912-2026-11-24';
    const G = 'SW913-2026-11-24';
    const changes: Change[] = [
      flight({ id: F, number: '912', scheduledDeparture: '2026-11-24T15:00:00Z' }),
      flight({ id: G, number: '913', origin: 'DAL', destination: 'HOU' }),
      passenger('P1', 'González', 'María José'),
      passenger('P2', 'González', 'Luis'),
      booking('B1', 'P1', F, 'ABC123', '012A', '5264000000001'),
      booking('B2', 'P2', F, 'ABC123', '12B', '5264000000002'),
      booking('B3', 'P2', G, 'XYZ789', '12A', null),
      caseOf(F, 'P1', 'B1'),
    ];
    for (let i = 0; i < 45; i++) {
      const n = String(i).padStart(2, '0');
      changes.push(passenger(`Q${n}`, `Smith${n}`, 'Ann'), booking(`C${n}`, `Q${n}`, F, `SM${n}AA`, `${20 + i}C`, null));
    }
    for (const c of changes) cache.write(c);
    return { db, queries: new CacheQueries(db, { viewer: () => viewer }), F };
  }

  it('opens the booking of a scanned pass, with its case', () => {
    const { queries, F } = setup();
    const r = queries.scan(read(pass()));
    expect(r.status).toBe('matched');
    if (r.status === 'matched') {
      expect(r.hit.booking.id).toBe('B1');
      expect(r.hit.flight?.id).toBe(F);
      expect(r.hit.caseId).toBe(`CASE-${F}-P1`);
    }
  });

  it('opens a passenger without a case (caseId null), and says why an unknown pass matches nothing', () => {
    const { queries } = setup();
    const luis = queries.scan(read(pass({ name: 'GONZALEZ/LUIS' })));
    expect(luis.status === 'matched' && luis.hit.booking.id).toBe('B2');
    expect(luis.status === 'matched' && luis.hit.caseId).toBeNull();
    expect(queries.scan(read(pass({ pnr: 'QQQ999' })))).toMatchObject({ status: 'unknown', code: 'no_booking' });
    expect(queries.scan(read(pass({ name: 'DOE/JANE' })))).toMatchObject({ status: 'unknown', code: 'no_name' });
    expect(queries.scan(read(pass({ number: '0914' })))).toMatchObject({ status: 'unknown', code: 'no_flight' });
  });

  it('does not open a booking at a station the user does not have', () => {
    const { queries } = setup({ username: 'agent.lhr', role: 'agent', stations: ['LHR'], online: true });
    const r = queries.scan(read(pass()));
    expect(r).toMatchObject({ status: 'unknown', code: 'other_station' });
  });

  it('searches by seat (zeros ignored) and by ticket number (whole, spaced, or a prefix)', () => {
    const { queries } = setup();
    expect(queries.search('12A', 20).hits.map((h) => h.booking.id).sort()).toEqual(['B1', 'B3']);
    expect(queries.search('012b', 20).hits.map((h) => h.booking.id)).toEqual(['B2']);
    expect(queries.search('526-4000000002', 20).hits.map((h) => h.booking.id)).toEqual(['B2']);
    expect(queries.search('526 400', 20).total).toBe(2);
    expect(queries.search('abc123', 20).total).toBe(2);
  });

  it('pages through every hit with a total: no silent cap', () => {
    const { queries } = setup();
    const first = queries.search('smith', 20);
    const second = queries.search('smith', 20, 20);
    const last = queries.search('smith', 20, 40);
    expect(first.total).toBe(45);
    expect([first.hits.length, second.hits.length, last.hits.length]).toEqual([20, 20, 5]);
    const ids = [...first.hits, ...second.hits, ...last.hits].map((h) => h.booking.id);
    expect(new Set(ids).size).toBe(45);
    expect(last.offset).toBe(40);
    expect(queries.search('Ann Smith04', 20).hits.map((h) => h.booking.id)).toEqual(['C04']);
  });

  it('reads each kind of match through an index, never a scan of the bookings', () => {
    const { db } = setup();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN
      WITH m(id) AS (
        SELECT id FROM booking WHERE pnr = @q
        UNION SELECT b.id FROM passenger p JOIN booking b ON b.passenger_id = p.id WHERE p.last_name LIKE @w ESCAPE '\\'
        UNION SELECT id FROM booking WHERE seat = @q
        UNION SELECT id FROM booking WHERE ticket_number >= @q AND ticket_number < @w
      ) SELECT count(*) FROM m`).all({ q: 'X', w: 'X%' }) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toContain('booking_pnr');
    expect(plan).toContain('booking_seat');
    expect(plan).toContain('booking_ticket');
    expect(plan).toContain('passenger_name');
    expect(plan).not.toMatch(/SCAN (booking|passenger)\b(?! USING)/);
  });
});

/**
 * Demo data for the local cloud: FlightPulse's sample (5 flights, 10 passengers, 15 bookings,
 * ids P001…/B001… kept) re-dated to `today`, plus a generated network — US, EU, UK and Canadian
 * stations, ~300 flights today and tomorrow, ~5,000 passengers with tiers, languages, contact
 * preferences, cabins and fares in the origin country's currency.
 *
 * Deterministic: the output depends only on `seed` and `today` (seeded PRNG, no Math.random, no
 * clock reads except the default `today`). Every entity is parsed with the domain zod schemas.
 */
import { flightInstanceId } from '../../../../src/shared/domain/ids.js';
import {
  BookingSchema,
  FlightSchema,
  PassengerSchema,
  type Booking,
  type Flight,
  type Passenger,
} from '../../../../src/shared/domain/entities.js';
import type { Money } from '../../../../src/shared/money.js';
import { FLIGHTPULSE_BOOKINGS, FLIGHTPULSE_FLIGHTS, FLIGHTPULSE_PASSENGERS } from './flightpulse.js';
import { asciiSlug, NAMES } from './names.js';
import { AIRCRAFT, DEMO_STATIONS, ROUTES, blockMinutes, distanceKm, station, type DemoStation } from './network.js';
import { createRng, type Rng } from './prng.js';
import { addDays, isoSeconds, localDate, zonedToUtcMs } from './time.js';

export { DEMO_CARRIERS, DEMO_STATIONS, ROUTES } from './network.js';

export interface DemoDataOptions {
  /** PRNG seed; same seed + same `today` → identical output. Default `jetway`. */
  seed?: string | number;
  /** `YYYY-MM-DD` the sample is re-dated to and the schedule starts on. Default: today (UTC). */
  today?: string;
  /** Generated passengers (besides FlightPulse's 10). Default 5,000. */
  passengers?: number;
  /** Days scheduled, starting with `today`. Default 2 (today and tomorrow). */
  days?: number;
}

export interface DemoData {
  flights: Flight[];
  passengers: Passenger[];
  bookings: Booking[];
}

const TODAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Fare for one seat, integer minor units in the origin's currency; deterministic for a given `jitter` in [0,1). */
function fareFor(origin: DemoStation, destination: DemoStation, cabin: Booking['cabin'], jitter: number): Money {
  const km = distanceKm(origin, destination);
  const base = 39 + km * 0.11; // major units, economy
  const multiplier = { economy: 1, premium_economy: 1.8, business: 3.6, first: 6 }[cabin];
  const major = Math.round(base * multiplier * (0.75 + jitter * 0.7));
  return { amountMinor: major * 100, currency: origin.currency };
}

const FARE_CLASSES: Record<string, Record<Booking['cabin'], readonly string[]>> = {
  SW: { economy: ['WGA', 'WGA', 'WGA', 'PLU', 'ANY'], premium_economy: ['ANY'], business: ['BUS'], first: ['BUS'] },
  default: {
    economy: ['Y', 'B', 'M', 'H', 'K', 'L', 'Q', 'V'],
    premium_economy: ['W', 'E'],
    business: ['J', 'C', 'D'],
    first: ['F', 'A'],
  },
};

const TIERS: Record<string, readonly (readonly [string | null, number])[]> = {
  SW: [
    ['A-LIST PREFERRED', 5],
    ['A-LIST', 12],
    ['MEMBER', 53],
    [null, 30],
  ],
  default: [
    ['PLATINUM', 3],
    ['GOLD', 8],
    ['SILVER', 14],
    ['MEMBER', 45],
    [null, 30],
  ],
};

const SPECIAL_REQUESTS = [
  'wheelchair_assistance',
  'early_boarding',
  'vegetarian_meal',
  'service_animal',
  'unaccompanied_minor',
  'extra_legroom',
] as const;

const DIAL: Record<string, string> = { US: '1', CA: '1', GB: '44', FR: '33', DE: '49', NL: '31', ES: '34', IT: '39' };

function phoneFor(country: string, rng: Rng): string {
  const dial = DIAL[country] ?? '1';
  // Fictional ranges where one exists (NANP 555-01xx, Ofcom drama 07700 900xxx).
  if (dial === '1') return `+1${rng.int(201, 989)}55501${String(rng.int(0, 99)).padStart(2, '0')}`;
  if (country === 'GB') return `+447700900${String(rng.int(0, 999)).padStart(3, '0')}`;
  return `+${dial}6${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

interface SeatMap {
  taken: Map<Booking['cabin'], Set<number>>;
  rowsBefore: Map<Booking['cabin'], number>;
  layout: (typeof AIRCRAFT)[string];
}

function seatMapFor(aircraftType: string): SeatMap {
  const layout = Object.values(AIRCRAFT).find((a) => a.type === aircraftType) ?? AIRCRAFT['737-800']!;
  const rowsBefore = new Map<Booking['cabin'], number>();
  let rows = 0;
  for (const c of layout.cabins) {
    rowsBefore.set(c.cabin, rows);
    rows += Math.ceil(c.seats / c.abreast.length);
  }
  return { taken: new Map(), rowsBefore, layout };
}

/** A random free seat in the cabin (spread over the cabin, like a real seat map), or null when full. */
function takeSeat(map: SeatMap, cabin: Booking['cabin'], rng: Rng): string | null {
  const c = map.layout.cabins.find((x) => x.cabin === cabin);
  if (!c) return null;
  const taken = map.taken.get(cabin) ?? new Set<number>();
  map.taken.set(cabin, taken);
  if (taken.size >= c.seats) return null;
  let i = rng.int(0, c.seats - 1);
  while (taken.has(i)) i = (i + 1) % c.seats;
  taken.add(i);
  const row = (map.rowsBefore.get(cabin) ?? 0) + Math.floor(i / c.abreast.length) + 1;
  return `${row}${c.abreast[i % c.abreast.length]}`;
}

function flightPulseSample(today: string): DemoData {
  const flights: Flight[] = FLIGHTPULSE_FLIGHTS.map((f) => {
    const origin = station(f.origin);
    const dep = Date.parse(`${today}T${f.dep}:00Z`);
    let arr = Date.parse(`${today}T${f.arr}:00Z`);
    if (arr <= dep) arr += 86_400_000;
    return FlightSchema.parse({
      id: flightInstanceId('SW', f.flight_id.slice(2), localDate(dep, origin.tz)),
      carrier: 'SW',
      number: f.flight_id.slice(2),
      origin: f.origin,
      destination: f.destination,
      scheduledDeparture: isoSeconds(dep),
      scheduledArrival: isoSeconds(arr),
      status: 'SCHEDULED',
      gate: f.gate,
      terminal: null,
      aircraft: f.aircraft,
      delayMinutes: 0,
      version: 1,
    });
  });
  const byNumber = new Map(flights.map((f) => [`${f.carrier}${f.number}`, f]));
  const passengers: Passenger[] = FLIGHTPULSE_PASSENGERS.map((p) =>
    PassengerSchema.parse({
      id: p.id,
      firstName: p.first,
      lastName: p.last,
      email: p.email,
      phone: p.phone,
      loyaltyNumber: p.rr,
      tier: p.tier,
      language: 'en',
      contact: p.prefs,
      specialRequests: p.special,
      version: 1,
    }),
  );
  const bookings: Booking[] = FLIGHTPULSE_BOOKINGS.map((b) => {
    const flight = byNumber.get(b.flight);
    if (!flight) throw new Error(`FlightPulse booking ${b.id} names unknown flight ${b.flight}`);
    return BookingSchema.parse({
      id: b.id,
      pnr: b.pnr,
      passengerId: b.passenger,
      flightId: flight.id,
      seat: b.seat,
      ticketNumber: demoTicketNumber(flight.carrier, b.id),
      fareClass: b.fareClass,
      cabin: 'economy',
      // FlightPulse has no fares; a fixed Wanna-Get-Away fare from the route keeps the sample stable.
      fare: fareFor(station(flight.origin), station(flight.destination), 'economy', 0.5),
      status: b.checkedIn ? 'CHECKED_IN' : 'CONFIRMED',
      bagsChecked: b.bags,
      version: 1,
    });
  });
  return { flights, passengers, bookings };
}

interface ScheduledFlight {
  flight: Flight;
  seats: SeatMap;
  originStation: DemoStation;
  destinationStation: DemoStation;
  day: number;
}

/** Departure local time window by route kind: long-haul eastbound leaves in the evening, westbound by day. */
function departureMinutes(o: DemoStation, d: DemoStation, slot: number, perDay: number, rng: Rng): number {
  const km = distanceKm(o, d);
  let [start, end] = [6 * 60, 21 * 60 + 30];
  if (km > 4000) [start, end] = d.lon > o.lon ? [17 * 60, 22 * 60] : [9 * 60, 15 * 60 + 30];
  const width = (end - start) / perDay;
  const m = start + width * slot + rng.next() * width * 0.8;
  return Math.round(m / 5) * 5;
}

function generateSchedule(rng: Rng, today: string, days: number): ScheduledFlight[] {
  const out: ScheduledFlight[] = [];
  const reserved = new Set<string>(FLIGHTPULSE_FLIGHTS.map((f) => f.flight_id));
  const nextNumber = new Map<string, number>([
    ['SW', 101],
    ['JE', 201],
    ['JK', 301],
    ['JC', 401],
  ]);
  // Numbers and local times are fixed per route slot, so a flight number means the same flight every day.
  const slots: {
    carrier: string;
    number: string;
    o: DemoStation;
    d: DemoStation;
    minutes: number;
    aircraft: string;
  }[] = [];
  for (const route of ROUTES) {
    for (const [from, to] of [
      [route.origin, route.destination],
      [route.destination, route.origin],
    ] as const) {
      const o = station(from);
      const d = station(to);
      for (let slot = 0; slot < route.perDay; slot++) {
        let n = nextNumber.get(route.carrier) ?? 1;
        while (reserved.has(`${route.carrier}${n}`)) n++;
        nextNumber.set(route.carrier, n + 2);
        const km = distanceKm(o, d);
        const fleet = km > 4000 ? route.aircraft.filter((a) => AIRCRAFT[a]!.cabins.length > 2) : route.aircraft;
        slots.push({
          carrier: route.carrier,
          number: String(n),
          o,
          d,
          minutes: departureMinutes(o, d, slot, route.perDay, rng),
          aircraft: AIRCRAFT[rng.pick(fleet.length ? fleet : route.aircraft)]!.type,
        });
      }
    }
  }
  for (let day = 0; day < days; day++) {
    const date = addDays(today, day);
    for (const s of slots) {
      const dep = zonedToUtcMs(date, s.minutes, s.o.tz);
      const arr = dep + blockMinutes(s.o, s.d) * 60_000;
      const terminal = rng.pick(s.o.terminals);
      const gate = `${/^[A-Z]$/.test(terminal) ? terminal : rng.pick(['A', 'B', 'C', 'D'])}${rng.int(1, 40)}`;
      const flight = FlightSchema.parse({
        id: flightInstanceId(s.carrier, s.number, localDate(dep, s.o.tz)),
        carrier: s.carrier,
        number: s.number,
        origin: s.o.iata,
        destination: s.d.iata,
        scheduledDeparture: isoSeconds(dep),
        scheduledArrival: isoSeconds(arr),
        status: 'SCHEDULED',
        gate,
        terminal: s.o.terminals.length > 1 ? terminal : null,
        aircraft: s.aircraft,
        delayMinutes: 0,
        version: 1,
      });
      out.push({ flight, seats: seatMapFor(s.aircraft), originStation: s.o, destinationStation: s.d, day });
    }
  }
  out.sort(
    (a, b) =>
      a.flight.scheduledDeparture.localeCompare(b.flight.scheduledDeparture) || a.flight.id.localeCompare(b.flight.id),
  );
  return out;
}

const PNR_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Airline numeric (ticketing) codes: SW is Southwest's 526; the fictional demo airlines get 9xx. */
const TICKET_PREFIX: Record<string, string> = { SW: '526', JE: '901', JK: '902', JC: '903' };

/** A 13-digit e-ticket number from the booking's number (unique per booking; no random draw, so the sample is unchanged). */
function demoTicketNumber(carrier: string, bookingId: string): string {
  const n = Number(bookingId.replace(/\D/g, '')) || 0;
  return `${TICKET_PREFIX[carrier] ?? '999'}${String(4_000_000_000 + n)}`;
}

function generatePassengersAndBookings(
  rng: Rng,
  schedule: ScheduledFlight[],
  count: number,
  takenPnrs: Set<string>,
): { passengers: Passenger[]; bookings: Booking[] } {
  const passengers: Passenger[] = [];
  const bookings: Booking[] = [];
  const byOrigin = new Map<string, ScheduledFlight[]>();
  for (const f of schedule) {
    const list = byOrigin.get(f.flight.origin) ?? [];
    list.push(f);
    byOrigin.set(f.flight.origin, list);
  }
  // Busier stations get more residents: weight = departures from there.
  const homeWeights = DEMO_STATIONS.filter((s) => byOrigin.has(s.iata)).map(
    (s) => [s, byOrigin.get(s.iata)!.length] as const,
  );
  const usedEmails = new Set<string>();
  const newPnr = (): string => {
    for (;;) {
      let p = '';
      for (let i = 0; i < 6; i++) p += PNR_ALPHABET[rng.int(0, PNR_ALPHABET.length - 1)];
      if (!takenPnrs.has(p)) {
        takenPnrs.add(p);
        return p;
      }
    }
  };

  let bookingSeq = 100_001;
  const book = (p: Passenger, sf: ScheduledFlight, pnr: string): boolean => {
    const longHaul = distanceKm(sf.originStation, sf.destinationStation) > 4000;
    const cabins = sf.seats.layout.cabins.map((c) => c.cabin);
    const cabin: Booking['cabin'] = rng.weighted(
      cabins.map(
        (c) =>
          [c, { economy: 80, premium_economy: longHaul ? 10 : 0, business: longHaul ? 9 : 6, first: 1 }[c]] as const,
      ),
    );
    const seat = takeSeat(sf.seats, cabin, rng) ?? takeSeat(sf.seats, 'economy', rng);
    if (!seat) return false;
    const classes = FARE_CLASSES[sf.flight.carrier] ?? FARE_CLASSES.default!;
    const id = `B${bookingSeq++}`;
    bookings.push(
      BookingSchema.parse({
        id,
        pnr,
        passengerId: p.id,
        flightId: sf.flight.id,
        seat,
        ticketNumber: demoTicketNumber(sf.flight.carrier, id),
        fareClass: rng.pick(classes[cabin]),
        cabin,
        fare: fareFor(sf.originStation, sf.destinationStation, cabin, rng.next()),
        status: sf.day === 0 && rng.chance(0.35) ? 'CHECKED_IN' : 'CONFIRMED',
        bagsChecked: rng.weighted([
          [0, 45],
          [1, 40],
          [2, 15],
        ] as const),
        version: 1,
      }),
    );
    return true;
  };

  for (let i = 0; i < count; i++) {
    const home = rng.weighted(homeWeights);
    const language = rng.weighted(home.languages);
    const names = NAMES[language] ?? NAMES.en!;
    const firstName = rng.pick(names.given);
    const lastName = rng.pick(names.family);
    let email = `${asciiSlug(firstName)}.${asciiSlug(lastName)}@example.com`;
    for (let k = 2; usedEmails.has(email); k++)
      email = `${asciiSlug(firstName)}.${asciiSlug(lastName)}${k}@example.com`;
    usedEmails.add(email);
    const program = home.country === 'US' ? 'SW' : 'default';
    const tier = rng.weighted(TIERS[program]!);
    const hasEmail = rng.chance(0.93);
    const hasPhone = rng.chance(0.85);
    const id = `P${10_001 + i}`;
    const passenger = PassengerSchema.parse({
      id,
      firstName,
      lastName,
      email: hasEmail ? email : null,
      phone: hasPhone ? phoneFor(home.country, rng) : null,
      loyaltyNumber: tier ? `${program === 'SW' ? 'RR' : 'JW'}${String(rng.int(100_000_000, 999_999_999))}` : null,
      tier,
      language,
      contact: { email: hasEmail && rng.chance(0.9), sms: hasPhone && rng.chance(0.6), push: rng.chance(0.4) },
      specialRequests: rng.chance(0.06) ? [rng.pick(SPECIAL_REQUESTS)] : [],
      version: 1,
    });
    passengers.push(passenger);

    // One trip from home; a fifth continue on a later flight from where they land (connection or return).
    const fromHome = byOrigin.get(home.iata)!;
    const first = rng.pick(fromHome);
    const pnr = newPnr();
    if (!book(passenger, first, pnr)) continue;
    if (rng.chance(0.2)) {
      const arrival = Date.parse(first.flight.scheduledArrival);
      const onward = (byOrigin.get(first.flight.destination) ?? []).filter((f) => {
        const dep = Date.parse(f.flight.scheduledDeparture);
        return dep >= arrival + 60 * 60_000 && dep <= arrival + 30 * 3_600_000;
      });
      if (onward.length) book(passenger, rng.pick(onward), pnr);
    }
  }
  return { passengers, bookings };
}

/** FlightPulse's sample re-dated to `today` plus the generated network. See the module comment. */
export function demoData(opts: DemoDataOptions = {}): DemoData {
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  if (!TODAY_RE.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) {
    throw new RangeError(`demoData: today must be YYYY-MM-DD, got ${today}`);
  }
  const days = opts.days ?? 2;
  const count = opts.passengers ?? 5000;
  if (!Number.isInteger(days) || days < 1 || days > 14)
    throw new RangeError(`demoData: days must be 1–14, got ${days}`);
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`demoData: passengers must be a non-negative integer, got ${count}`);
  const rng = createRng(`${opts.seed ?? 'jetway'}|${today}`);
  const sample = flightPulseSample(today);
  const schedule = generateSchedule(rng, today, days);
  const generated = generatePassengersAndBookings(rng, schedule, count, new Set(sample.bookings.map((b) => b.pnr)));
  return {
    flights: [...sample.flights, ...schedule.map((s) => s.flight)],
    passengers: [...sample.passengers, ...generated.passengers],
    bookings: [...sample.bookings, ...generated.bookings],
  };
}

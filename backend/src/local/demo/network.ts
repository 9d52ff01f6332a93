/**
 * The demo airline network: stations (with time zone, country, currency), carriers, aircraft and
 * the routes the generator schedules. Self-contained so the demo data never changes under us when
 * reference data elsewhere is updated.
 */

export interface DemoStation {
  iata: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  tz: string;
  /** Currency fares are sold in at this origin (ISO 4217). */
  currency: string;
  lat: number;
  lon: number;
  /** Name language mix of passengers living near this station. */
  languages: readonly (readonly [string, number])[];
  terminals: readonly string[];
}

const S = (
  iata: string,
  city: string,
  country: string,
  tz: string,
  currency: string,
  lat: number,
  lon: number,
  languages: readonly (readonly [string, number])[],
  terminals: readonly string[] = ['1'],
): DemoStation => ({ iata, city, country, tz, currency, lat, lon, languages, terminals });

const US_LANGS = [
  ['en', 85],
  ['es', 15],
] as const;

export const DEMO_STATIONS: readonly DemoStation[] = [
  // United States (FlightPulse's stations first)
  S('DAL', 'Dallas Love Field', 'US', 'America/Chicago', 'USD', 32.8471, -96.8518, US_LANGS),
  S('HOU', 'Houston Hobby', 'US', 'America/Chicago', 'USD', 29.6454, -95.2789, US_LANGS),
  S('PHX', 'Phoenix', 'US', 'America/Phoenix', 'USD', 33.4343, -112.0116, US_LANGS, ['3', '4']),
  S('LAS', 'Las Vegas', 'US', 'America/Los_Angeles', 'USD', 36.084, -115.1537, US_LANGS, ['1', '3']),
  S('SAN', 'San Diego', 'US', 'America/Los_Angeles', 'USD', 32.7336, -117.1897, US_LANGS, ['1', '2']),
  S('LAX', 'Los Angeles', 'US', 'America/Los_Angeles', 'USD', 33.9425, -118.4081, US_LANGS, ['1', 'B', '5']),
  S('OAK', 'Oakland', 'US', 'America/Los_Angeles', 'USD', 37.7213, -122.2208, US_LANGS, ['1', '2']),
  S('SEA', 'Seattle', 'US', 'America/Los_Angeles', 'USD', 47.449, -122.3093, US_LANGS, ['A', 'S']),
  S('PDX', 'Portland', 'US', 'America/Los_Angeles', 'USD', 45.5887, -122.5975, US_LANGS),
  S('DEN', 'Denver', 'US', 'America/Denver', 'USD', 39.8561, -104.6737, US_LANGS, ['A', 'B', 'C']),
  S('MDW', 'Chicago Midway', 'US', 'America/Chicago', 'USD', 41.7868, -87.7522, US_LANGS),
  S('BWI', 'Baltimore', 'US', 'America/New_York', 'USD', 39.1754, -76.6683, US_LANGS),
  S('MCO', 'Orlando', 'US', 'America/New_York', 'USD', 28.4294, -81.309, US_LANGS, ['A', 'B', 'C']),
  S('BOS', 'Boston', 'US', 'America/New_York', 'USD', 42.3656, -71.0096, US_LANGS, ['A', 'B', 'E']),
  S('ATL', 'Atlanta', 'US', 'America/New_York', 'USD', 33.6407, -84.4277, US_LANGS, ['N', 'S', 'I']),
  // European Union
  S(
    'CDG',
    'Paris Charles de Gaulle',
    'FR',
    'Europe/Paris',
    'EUR',
    49.0097,
    2.5479,
    [
      ['fr', 80],
      ['en', 20],
    ],
    ['2E', '2F', '2G'],
  ),
  S(
    'FRA',
    'Frankfurt',
    'DE',
    'Europe/Berlin',
    'EUR',
    50.0379,
    8.5622,
    [
      ['de', 80],
      ['en', 20],
    ],
    ['1', '2'],
  ),
  S('AMS', 'Amsterdam Schiphol', 'NL', 'Europe/Amsterdam', 'EUR', 52.3105, 4.7683, [
    ['nl', 75],
    ['en', 25],
  ]),
  S(
    'MAD',
    'Madrid Barajas',
    'ES',
    'Europe/Madrid',
    'EUR',
    40.4983,
    -3.5676,
    [
      ['es', 85],
      ['en', 15],
    ],
    ['1', '4', '4S'],
  ),
  S(
    'FCO',
    'Rome Fiumicino',
    'IT',
    'Europe/Rome',
    'EUR',
    41.8003,
    12.2389,
    [
      ['it', 85],
      ['en', 15],
    ],
    ['1', '3'],
  ),
  // United Kingdom
  S(
    'LHR',
    'London Heathrow',
    'GB',
    'Europe/London',
    'GBP',
    51.47,
    -0.4543,
    [
      ['en', 90],
      ['fr', 5],
      ['de', 5],
    ],
    ['2', '3', '5'],
  ),
  S('MAN', 'Manchester', 'GB', 'Europe/London', 'GBP', 53.3537, -2.275, [['en', 100]], ['1', '2']),
  // Canada
  S(
    'YYZ',
    'Toronto Pearson',
    'CA',
    'America/Toronto',
    'CAD',
    43.6777,
    -79.6248,
    [
      ['en', 80],
      ['fr', 20],
    ],
    ['1', '3'],
  ),
  S(
    'YVR',
    'Vancouver',
    'CA',
    'America/Vancouver',
    'CAD',
    49.1967,
    -123.1815,
    [
      ['en', 90],
      ['fr', 10],
    ],
    ['M'],
  ),
];

export const stationByIata = new Map(DEMO_STATIONS.map((s) => [s.iata, s]));

export function station(iata: string): DemoStation {
  const s = stationByIata.get(iata);
  if (!s) throw new RangeError(`unknown demo station ${iata}`);
  return s;
}

export interface DemoCarrier {
  code: string;
  name: string;
  /** Country of the operating licence (EU261 "Community carrier", APPR, UK261 depend on it). */
  country: string;
}

/** `SW` is FlightPulse's carrier; the others are fictional demo airlines. */
export const DEMO_CARRIERS: readonly DemoCarrier[] = [
  { code: 'SW', name: 'Southwest (FlightPulse sample)', country: 'US' },
  { code: 'JE', name: 'Jetway Europe', country: 'FR' },
  { code: 'JK', name: 'Jetway UK', country: 'GB' },
  { code: 'JC', name: 'Jetway Canada', country: 'CA' },
];

export interface AircraftType {
  type: string;
  /** Seats per cabin, front to back. */
  cabins: readonly { cabin: 'first' | 'business' | 'premium_economy' | 'economy'; seats: number; abreast: string }[];
}

const ac = (type: string, ...cabins: AircraftType['cabins'][number][]): AircraftType => ({ type, cabins });

export const AIRCRAFT: Record<string, AircraftType> = {
  '737-700': ac('737-700', { cabin: 'economy', seats: 143, abreast: 'ABCDEF' }),
  '737-800': ac('737-800', { cabin: 'economy', seats: 175, abreast: 'ABCDEF' }),
  '737 MAX 8': ac('737 MAX 8', { cabin: 'economy', seats: 175, abreast: 'ABCDEF' }),
  A220: ac(
    'A220-300',
    { cabin: 'business', seats: 12, abreast: 'ACDF' },
    { cabin: 'economy', seats: 125, abreast: 'ABCDE' },
  ),
  A320: ac(
    'A320',
    { cabin: 'business', seats: 24, abreast: 'ACDF' },
    { cabin: 'economy', seats: 150, abreast: 'ABCDEF' },
  ),
  A321neo: ac(
    'A321neo',
    { cabin: 'business', seats: 28, abreast: 'ACDF' },
    { cabin: 'economy', seats: 180, abreast: 'ABCDEF' },
  ),
  '787-9': ac(
    '787-9',
    { cabin: 'business', seats: 30, abreast: 'ADGK' },
    { cabin: 'premium_economy', seats: 28, abreast: 'ACDFGK' },
    { cabin: 'economy', seats: 232, abreast: 'ABCDEFGHK' },
  ),
  'A350-1000': ac(
    'A350-1000',
    { cabin: 'first', seats: 8, abreast: 'AK' },
    { cabin: 'business', seats: 48, abreast: 'ADGK' },
    { cabin: 'premium_economy', seats: 32, abreast: 'ACDFGK' },
    { cabin: 'economy', seats: 240, abreast: 'ABCDEFGHK' },
  ),
};

export interface Route {
  carrier: string;
  origin: string;
  destination: string;
  /** Departures per day in each direction. */
  perDay: number;
  aircraft: readonly string[];
}

const r = (
  carrier: string,
  origin: string,
  destination: string,
  perDay: number,
  aircraft: readonly string[],
): Route => ({
  carrier,
  origin,
  destination,
  perDay,
  aircraft,
});

const SW_FLEET = ['737-700', '737-800', '737 MAX 8'] as const;
const EU_SHORT = ['A320', 'A321neo', 'A220'] as const;
const LONG = ['787-9', 'A350-1000'] as const;

/** Each route is flown both ways, `perDay` times a day each way. */
export const ROUTES: readonly Route[] = [
  // SW US domestic (FlightPulse's pairs included, as other flight numbers)
  r('SW', 'DAL', 'LAX', 2, SW_FLEET),
  r('SW', 'HOU', 'DEN', 2, SW_FLEET),
  r('SW', 'PHX', 'OAK', 3, SW_FLEET),
  r('SW', 'LAS', 'SEA', 2, SW_FLEET),
  r('SW', 'SAN', 'PDX', 2, SW_FLEET),
  r('SW', 'PHX', 'DAL', 3, SW_FLEET),
  r('SW', 'PHX', 'LAS', 3, SW_FLEET),
  r('SW', 'PHX', 'DEN', 2, SW_FLEET),
  r('SW', 'PHX', 'SAN', 2, SW_FLEET),
  r('SW', 'PHX', 'MDW', 2, SW_FLEET),
  r('SW', 'PHX', 'BWI', 1, SW_FLEET),
  r('SW', 'DAL', 'HOU', 2, SW_FLEET),
  r('SW', 'DAL', 'MDW', 2, SW_FLEET),
  r('SW', 'DAL', 'ATL', 2, SW_FLEET),
  r('SW', 'DAL', 'DEN', 2, SW_FLEET),
  r('SW', 'HOU', 'MCO', 2, SW_FLEET),
  r('SW', 'LAS', 'OAK', 2, SW_FLEET),
  r('SW', 'LAS', 'DEN', 2, SW_FLEET),
  r('SW', 'MDW', 'BWI', 2, SW_FLEET),
  r('SW', 'BWI', 'MCO', 2, SW_FLEET),
  r('SW', 'BOS', 'BWI', 2, SW_FLEET),
  r('SW', 'OAK', 'SEA', 1, SW_FLEET),
  // Jetway Europe: intra-EU, EU–UK and a few transatlantic
  r('JE', 'CDG', 'FRA', 1, EU_SHORT),
  r('JE', 'CDG', 'MAD', 2, EU_SHORT),
  r('JE', 'CDG', 'FCO', 2, EU_SHORT),
  r('JE', 'CDG', 'AMS', 1, EU_SHORT),
  r('JE', 'FRA', 'MAD', 1, EU_SHORT),
  r('JE', 'FRA', 'FCO', 1, EU_SHORT),
  r('JE', 'AMS', 'FCO', 1, EU_SHORT),
  r('JE', 'AMS', 'MAD', 1, EU_SHORT),
  r('JE', 'CDG', 'LHR', 2, EU_SHORT),
  r('JE', 'FRA', 'MAN', 1, EU_SHORT),
  r('JE', 'CDG', 'BOS', 1, LONG),
  r('JE', 'FRA', 'ATL', 1, LONG),
  r('JE', 'CDG', 'YYZ', 1, LONG),
  // Jetway UK
  r('JK', 'LHR', 'AMS', 1, EU_SHORT),
  r('JK', 'LHR', 'FRA', 2, EU_SHORT),
  r('JK', 'LHR', 'MAD', 1, EU_SHORT),
  r('JK', 'MAN', 'AMS', 1, EU_SHORT),
  r('JK', 'LHR', 'MAN', 1, EU_SHORT),
  r('JK', 'LHR', 'BOS', 1, LONG),
  r('JK', 'LHR', 'PHX', 1, LONG),
  r('JK', 'LHR', 'LAX', 1, LONG),
  // Jetway Canada
  r('JC', 'YYZ', 'YVR', 2, ['737 MAX 8', 'A220', '787-9']),
  r('JC', 'YYZ', 'MCO', 1, ['737 MAX 8', 'A220']),
  r('JC', 'YVR', 'LAX', 1, ['737 MAX 8', 'A220']),
  r('JC', 'YVR', 'SEA', 1, ['A220']),
  r('JC', 'YYZ', 'LHR', 1, LONG),
  r('JC', 'YVR', 'PHX', 1, ['737 MAX 8']),
];

/** Great-circle distance in km (haversine, R = 6371 km). */
export function distanceKm(a: DemoStation, b: DemoStation): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Scheduled block time in minutes: taxi + climb allowance + cruise at ~820 km/h, westbound slower (jet stream), to 5 min. */
export function blockMinutes(a: DemoStation, b: DemoStation): number {
  const km = distanceKm(a, b);
  const westbound = b.lon < a.lon && km > 2500 ? 1.1 : 1;
  const minutes = 35 + (km / 820) * 60 * westbound;
  return Math.round(minutes / 5) * 5;
}

import { AIRPORTS_DATA, AIRPORTS_SOURCE } from './airports.data.js';

/** An airport as the policy engine needs it: position, country (ISO 3166-1 alpha-2) and IANA time zone. */
export interface AirportRef {
  iata: string;
  lat: number;
  lon: number;
  country: string;
  tz: string;
}

export { AIRPORTS_SOURCE };

let index: Map<string, AirportRef> | null = null;

/** Parsed lazily on first use (≈10k lines, a few ms) so importing the engine stays cheap. */
function airportIndex(): Map<string, AirportRef> {
  if (index) return index;
  const m = new Map<string, AirportRef>();
  for (const line of AIRPORTS_DATA.split('\n')) {
    const [iata, lat, lon, country, tz] = line.split('|');
    if (!iata || !lat || !lon || !country) continue;
    m.set(iata, { iata, lat: Number(lat), lon: Number(lon), country, tz: tz ?? 'UTC' });
  }
  index = m;
  return m;
}

/** Airport by IATA code, or null when the reference data does not know it (the caller reports it). */
export function airportByIata(iata: string): AirportRef | null {
  return airportIndex().get(iata) ?? null;
}

/** Mean Earth radius (km) used for the great-circle method (EU261 Art 7(4); Bossen C-559/16). */
export const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km by the haversine formula on a sphere of radius 6371 km (not rounded). */
export function greatCircleKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * s2 * s2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

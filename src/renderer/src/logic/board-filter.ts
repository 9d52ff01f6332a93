import type { BoardFlight } from '../../../shared/rpc/contract.js';

/** The text a board row is filtered on: flight number (with and without carrier), route, status, gate. */
function haystack(f: BoardFlight): string {
  return [
    `${f.carrier}${f.number}`,
    `${f.carrier} ${f.number}`,
    f.origin,
    f.destination,
    f.status.replace(/_/g, ' '),
    f.gate ?? '',
  ]
    .join(' ')
    .toLowerCase();
}

/**
 * Board filter: every whitespace-separated word of the query must appear in the flight's number
 * (`SW9012`, `9012`), origin, destination, status (`cancelled`, `delayed`) or gate. Empty matches all.
 */
export function matchesFlight(f: BoardFlight, query: string): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const h = haystack(f);
  return words.every((w) => h.includes(w));
}

export function filterFlights(flights: readonly BoardFlight[], query: string): BoardFlight[] {
  if (!query.trim()) return flights as BoardFlight[];
  return flights.filter((f) => matchesFlight(f, query));
}

export { airportByIata, greatCircleKm, EARTH_RADIUS_KM, AIRPORTS_SOURCE } from './airports.js';
export type { AirportRef } from './airports.js';

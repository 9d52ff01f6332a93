import type { FlightPassengersResponse } from '../../../../shared/rpc/contract.js';

export interface FlightState {
  flightId: string | null;
  flightData: FlightPassengersResponse | null;
  flightLoading: boolean;
  flightError: string | null;
  /** Passenger list filter (name, PNR, seat). */
  filter: string;
}

export const flightInitialState: FlightState = { flightId: null, flightData: null, flightLoading: false, flightError: null, filter: '' };

import { call } from '../../rpc/client.js';
import { caseInitialState } from '../caseview/initialState.js';
import { errorText, type Slice } from '../types.js';
import { flightInitialState } from './initialState.js';

export interface FlightActions {
  openFlight(flightId: string): Promise<void>;
  reloadFlight(): Promise<void>;
  closeFlight(): void;
  setFilter(filter: string): void;
}

export const flightActions: Slice<FlightActions> = (set, get) => ({
  async openFlight(flightId) {
    set({ ...flightInitialState, ...caseInitialState, flightId, flightLoading: true, zone: 'passengers', passengerIndex: 0 });
    await get().reloadFlight();
  },
  async reloadFlight() {
    const flightId = get().flightId;
    if (!flightId) return;
    try {
      const flightData = await call('flight:passengers', { flightId });
      if (get().flightId === flightId) set({ flightData, flightLoading: false, flightError: null });
    } catch (e) {
      set({ flightLoading: false, flightError: errorText(e) });
    }
  },
  closeFlight() {
    set({ ...flightInitialState, ...caseInitialState, zone: 'board' });
  },
  setFilter(filter) {
    set({ filter, passengerIndex: 0 });
  },
});

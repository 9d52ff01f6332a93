import type { DeskState } from '../types.js';

const none: ReadonlySet<string> = new Set();

export const bulkSelectors = {
  /** Ticked passenger ids of the open flight (ticks of another flight do not count). */
  selected: (s: DeskState): ReadonlySet<string> => (s.bulkFlightId === s.flightId ? s.bulkSelected : none),
  type: (s: DeskState) => s.bulkType,
  dialog: (s: DeskState) => s.bulkDialog,
  plan: (s: DeskState) => s.bulkPlan,
  run: (s: DeskState) => s.bulkRun,
  error: (s: DeskState) => s.bulkError,
};

import type { View } from '../../logic/queues.js';

export type { View } from '../../logic/queues.js';

/** Which list the keyboard moves in. */
export type Zone = 'board' | 'passengers' | 'case' | 'queue' | 'approvals';

export interface UiState {
  /** The main view: station board, case queues, or the supervisor console (approvals + team load). */
  view: View;
  zone: Zone;
  boardIndex: number;
  passengerIndex: number;
  entitlementIndex: number;
  showHelp: boolean;
}

export const uiInitialState: UiState = {
  view: 'board',
  zone: 'board',
  boardIndex: 0,
  passengerIndex: 0,
  entitlementIndex: 0,
  showHelp: false,
};

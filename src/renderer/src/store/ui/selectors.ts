import type { DeskState } from '../types.js';

export const uiSelectors = {
  view: (s: DeskState) => s.view,
  zone: (s: DeskState) => s.zone,
  boardIndex: (s: DeskState) => s.boardIndex,
  passengerIndex: (s: DeskState) => s.passengerIndex,
  entitlementIndex: (s: DeskState) => s.entitlementIndex,
  showHelp: (s: DeskState) => s.showHelp,
};

import type { DeskState } from '../types.js';

export const dialogSelectors = {
  dialog: (s: DeskState) => s.dialog,
  status: (s: DeskState) => ({ busy: s.dialogBusy, error: s.dialogError }),
};

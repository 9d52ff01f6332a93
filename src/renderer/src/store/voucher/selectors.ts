import type { DeskState } from '../types.js';

export const voucherSelectors = {
  print: (s: DeskState) => s.voucherPrint,
  format: (s: DeskState) => s.voucherFormat,
};

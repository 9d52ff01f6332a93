import type { VoucherDocument, VoucherFormat } from '../../../../shared/voucher/document.js';

/** The voucher print view: one print of one issuance (a new `printId` per print or re-print). */
export interface VoucherState {
  voucherPrint: {
    issuanceId: string;
    printId: string;
    doc: VoucherDocument | null;
    loading: boolean;
    error: string | null;
  } | null;
  /** A4/Letter (`page`, the default) or an 80 mm receipt printer; remembered on this desk. */
  voucherFormat: VoucherFormat;
}

const FORMAT_KEY = 'jetway.voucherFormat';

export function savedVoucherFormat(): VoucherFormat {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(FORMAT_KEY) === 'receipt' ? 'receipt' : 'page';
  } catch {
    return 'page';
  }
}

export function saveVoucherFormat(f: VoucherFormat): void {
  try {
    localStorage.setItem(FORMAT_KEY, f);
  } catch {
    // A desk without storage keeps the choice for this session only.
  }
}

export const voucherInitialState: VoucherState = { voucherPrint: null, voucherFormat: savedVoucherFormat() };

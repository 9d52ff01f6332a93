import type { VoucherFormat } from '../../../../shared/voucher/document.js';
import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import { saveVoucherFormat } from './initialState.js';

export interface VoucherActions {
  /**
   * Opens the print view of an issuance's voucher. Each call is one print: main records it on the
   * case (copy 1, or a REPRINT with its time) and answers the document from its cache.
   */
  openVoucher(issuanceId: string): Promise<void>;
  closeVoucher(): void;
  setVoucherFormat(f: VoucherFormat): void;
  /** Sends the open voucher to the printer: Electron's print path in the app, window.print() in web mode. */
  printVoucher(): Promise<void>;
}

const newPrintId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export const voucherActions: Slice<VoucherActions> = (set, get) => ({
  async openVoucher(issuanceId) {
    const printId = newPrintId();
    set({ voucherPrint: { issuanceId, printId, doc: null, loading: true, error: null } });
    try {
      const doc = await call('voucher:document', { issuanceId, printId });
      if (get().voucherPrint?.printId === printId) set({ voucherPrint: { issuanceId, printId, doc, loading: false, error: null } });
    } catch (e) {
      if (get().voucherPrint?.printId === printId)
        set({ voucherPrint: { issuanceId, printId, doc: null, loading: false, error: errorText(e) } });
    }
  },
  closeVoucher() {
    set({ voucherPrint: null });
  },
  setVoucherFormat(voucherFormat) {
    saveVoucherFormat(voucherFormat);
    set({ voucherFormat });
  },
  async printVoucher() {
    if (!get().voucherPrint?.doc) return;
    // window.jetway = the Electron preload bridge: print through the main process.
    if (typeof window !== 'undefined' && window.jetway) {
      try {
        const r = await call('voucher:print', { format: get().voucherFormat });
        if (!r.printed && r.reason !== 'cancelled') {
          const vp = get().voucherPrint;
          if (vp) set({ voucherPrint: { ...vp, error: r.reason } });
        }
      } catch (e) {
        const vp = get().voucherPrint;
        if (vp) set({ voucherPrint: { ...vp, error: errorText(e) } });
      }
      return;
    }
    window.print();
  },
});

import { call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import type { DialogInput, DialogSpec } from './initialState.js';

export interface DialogActions {
  openDialog(spec: DialogSpec): void;
  cancelDialog(): void;
  /** Sends the dialog's command; closes the dialog on success, keeps it open with the error otherwise. */
  submitDialog(input: DialogInput): Promise<void>;
}

export const dialogActions: Slice<DialogActions> = (set, get) => ({
  openDialog(dialog) {
    set({ dialog, dialogBusy: false, dialogError: null, showHelp: false });
  },
  cancelDialog() {
    if (!get().dialogBusy) set({ dialog: null, dialogError: null });
  },
  async submitDialog(input) {
    const d = get().dialog;
    if (!d || get().dialogBusy) return;
    set({ dialogBusy: true, dialogError: null });
    const reason = input.reason ?? '';
    try {
      switch (d.kind) {
        case 'issue':
          await call('entitlement:issue', { entitlementId: d.entitlementId, confirmation: input.confirmation ?? null });
          break;
        case 'request':
          await call('approval:request', {
            entitlementId: d.entitlementId,
            reason,
            confirmation: input.confirmation ?? null,
          });
          break;
        case 'decide':
          await call('approval:decide', { approvalId: d.approvalId, decision: d.decision, reason });
          break;
        case 'void':
          await call('issuance:void', { issuanceId: d.issuanceId, reason });
          break;
        case 'close':
          await call('case:close', { caseId: d.caseId, reason });
          break;
        case 'note':
          await call('case:note', { caseId: d.caseId, text: reason });
          break;
        case 'assign':
          await call('case:assign', { caseId: d.caseId, assignee: input.assignee ?? '' });
          break;
      }
      set({ dialog: null, dialogBusy: false, dialogError: null });
    } catch (e) {
      set({ dialogBusy: false, dialogError: errorText(e) });
      return;
    }
    await get().refreshAll();
  },
});

import type { ConfirmationInput } from '../../../../shared/rpc/contract.js';

/**
 * The one modal dialog that may be open. Every money action goes through one of these
 * (issue with confirmation, request approval, approve/deny, void): never a single key.
 */
export type DialogSpec =
  | { kind: 'issue'; entitlementId: string }
  | { kind: 'request'; entitlementId: string }
  | { kind: 'decide'; approvalId: string; decision: 'approve' | 'deny' }
  | { kind: 'void'; issuanceId: string }
  | { kind: 'close'; caseId: string }
  | { kind: 'note'; caseId: string }
  | { kind: 'assign'; caseId: string };

/** What a dialog hands back when confirmed. */
export interface DialogInput {
  reason?: string;
  /** For `assign`: the username the case goes to. */
  assignee?: string;
  confirmation?: ConfirmationInput | null;
}

export interface DialogState {
  dialog: DialogSpec | null;
  /** The command call is in flight (buttons disabled, no double submit). */
  dialogBusy: boolean;
  /** Why the last submit failed (the desk's or server's words); the dialog stays open. */
  dialogError: string | null;
}

export const dialogInitialState: DialogState = { dialog: null, dialogBusy: false, dialogError: null };

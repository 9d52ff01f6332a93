import { create } from 'zustand';
import { approvalsActions } from './approvals/actions.js';
import { approvalsInitialState } from './approvals/initialState.js';
import { bulkActions } from './bulk/actions.js';
import { bulkInitialState } from './bulk/initialState.js';
import { boardActions } from './board/actions.js';
import { boardInitialState } from './board/initialState.js';
import { caseActions } from './caseview/actions.js';
import { caseInitialState } from './caseview/initialState.js';
import { dialogActions } from './dialog/actions.js';
import { dialogInitialState } from './dialog/initialState.js';
import { flightActions } from './flight/actions.js';
import { flightInitialState } from './flight/initialState.js';
import { policyActions } from './policy/actions.js';
import { policyInitialState } from './policy/initialState.js';
import { queuesActions } from './queues/actions.js';
import { queuesInitialState } from './queues/initialState.js';
import { searchActions } from './search/actions.js';
import { searchInitialState } from './search/initialState.js';
import { sessionActions } from './session/actions.js';
import { sessionInitialState } from './session/initialState.js';
import { syncActions } from './sync/actions.js';
import { syncInitialState } from './sync/initialState.js';
import type { DeskState } from './types.js';
import { uiActions } from './ui/actions.js';
import { uiInitialState } from './ui/initialState.js';
import { usersActions } from './users/actions.js';
import { usersInitialState } from './users/initialState.js';
import { voucherActions } from './voucher/actions.js';
import { voucherInitialState } from './voucher/initialState.js';

export type { DeskState } from './types.js';

/** The renderer's single store, composed of one slice per domain. Read it through selectors. */
export const useDeskStore = create<DeskState>()((...a) => ({
  ...sessionInitialState,
  ...boardInitialState,
  ...flightInitialState,
  ...caseInitialState,
  ...syncInitialState,
  ...uiInitialState,
  ...searchInitialState,
  ...queuesInitialState,
  ...approvalsInitialState,
  ...bulkInitialState,
  ...dialogInitialState,
  ...policyInitialState,
  ...usersInitialState,
  ...voucherInitialState,
  ...sessionActions(...a),
  ...boardActions(...a),
  ...flightActions(...a),
  ...caseActions(...a),
  ...syncActions(...a),
  ...uiActions(...a),
  ...searchActions(...a),
  ...queuesActions(...a),
  ...approvalsActions(...a),
  ...bulkActions(...a),
  ...dialogActions(...a),
  ...policyActions(...a),
  ...usersActions(...a),
  ...voucherActions(...a),
}));

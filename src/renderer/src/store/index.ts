import { create } from 'zustand';
import { approvalsActions } from './approvals/actions.js';
import { approvalsInitialState } from './approvals/initialState.js';
import { boardActions } from './board/actions.js';
import { boardInitialState } from './board/initialState.js';
import { caseActions } from './caseview/actions.js';
import { caseInitialState } from './caseview/initialState.js';
import { dialogActions } from './dialog/actions.js';
import { dialogInitialState } from './dialog/initialState.js';
import { flightActions } from './flight/actions.js';
import { flightInitialState } from './flight/initialState.js';
import { queuesActions } from './queues/actions.js';
import { queuesInitialState } from './queues/initialState.js';
import { sessionActions } from './session/actions.js';
import { sessionInitialState } from './session/initialState.js';
import { syncActions } from './sync/actions.js';
import { syncInitialState } from './sync/initialState.js';
import type { DeskState } from './types.js';
import { uiActions } from './ui/actions.js';
import { uiInitialState } from './ui/initialState.js';

export type { DeskState } from './types.js';

/** The renderer's single store, composed of one slice per domain. Read it through selectors. */
export const useDeskStore = create<DeskState>()((...a) => ({
  ...sessionInitialState,
  ...boardInitialState,
  ...flightInitialState,
  ...caseInitialState,
  ...syncInitialState,
  ...uiInitialState,
  ...queuesInitialState,
  ...approvalsInitialState,
  ...dialogInitialState,
  ...sessionActions(...a),
  ...boardActions(...a),
  ...flightActions(...a),
  ...caseActions(...a),
  ...syncActions(...a),
  ...uiActions(...a),
  ...queuesActions(...a),
  ...approvalsActions(...a),
  ...dialogActions(...a),
}));

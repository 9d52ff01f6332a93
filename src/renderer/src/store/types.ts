import type { StateCreator } from 'zustand';
import type { ApprovalsActions } from './approvals/actions.js';
import type { ApprovalsState } from './approvals/initialState.js';
import type { BulkActions } from './bulk/actions.js';
import type { BulkState } from './bulk/initialState.js';
import type { BoardActions } from './board/actions.js';
import type { BoardState } from './board/initialState.js';
import type { CaseActions } from './caseview/actions.js';
import type { CaseState } from './caseview/initialState.js';
import type { DialogActions } from './dialog/actions.js';
import type { DialogState } from './dialog/initialState.js';
import type { FlightActions } from './flight/actions.js';
import type { FlightState } from './flight/initialState.js';
import type { PolicyActions } from './policy/actions.js';
import type { PolicyState } from './policy/initialState.js';
import type { QueuesActions } from './queues/actions.js';
import type { QueuesState } from './queues/initialState.js';
import type { SearchActions } from './search/actions.js';
import type { SearchState } from './search/initialState.js';
import type { SessionActions } from './session/actions.js';
import type { SessionState } from './session/initialState.js';
import type { SyncActions } from './sync/actions.js';
import type { SyncState } from './sync/initialState.js';
import type { UiActions } from './ui/actions.js';
import type { UiState } from './ui/initialState.js';
import type { UsersActions } from './users/actions.js';
import type { UsersState } from './users/initialState.js';
import type { VoucherActions } from './voucher/actions.js';
import type { VoucherState } from './voucher/initialState.js';

/** The whole renderer store: one slice per domain. */
export type DeskState = SessionState &
  SessionActions &
  BoardState &
  BoardActions &
  FlightState &
  FlightActions &
  CaseState &
  CaseActions &
  SyncState &
  SyncActions &
  QueuesState &
  QueuesActions &
  ApprovalsState &
  ApprovalsActions &
  BulkState &
  BulkActions &
  DialogState &
  DialogActions &
  UiState &
  UiActions &
  SearchState &
  SearchActions &
  PolicyState &
  PolicyActions &
  UsersState &
  UsersActions &
  VoucherState &
  VoucherActions;

export type Slice<T> = StateCreator<DeskState, [], [], T>;

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

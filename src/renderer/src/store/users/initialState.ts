import type { AdminUser } from '../../../../shared/policy/admin-contract.js';
import type { StationChoice } from '../../../../shared/rpc/contract.js';

/** Admin console: the user pool's users (role, stations), and the admin's station picker. */
export interface UsersState {
  users: AdminUser[] | null;
  usersLoading: boolean;
  usersError: string | null;
  /** Username being saved, and the last save's outcome per user. */
  userSaving: string | null;
  userResult: { username: string; ok: boolean; message: string } | null;
  /** Admins: which stations they may pick and which one is shown (null = none). */
  stationChoice: StationChoice | null;
  stationChoiceError: string | null;
}

export const usersInitialState: UsersState = {
  users: null,
  usersLoading: false,
  usersError: null,
  userSaving: null,
  userResult: null,
  stationChoice: null,
  stationChoiceError: null,
};

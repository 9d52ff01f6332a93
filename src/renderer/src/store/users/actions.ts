import type { AdminRole } from '../../../../shared/policy/admin-contract.js';
import { call } from '../../rpc/client.js';
import { boardInitialState } from '../board/initialState.js';
import { errorText, type Slice } from '../types.js';

export interface UsersActions {
  loadUsers(): Promise<void>;
  updateUser(username: string, role: AdminRole, stations: string[]): Promise<boolean>;
  /** Admins: the picker's stations and the current pick (restores the shown station after a reload). */
  loadStationChoice(): Promise<void>;
  /** Admins: sync and show `station` (null: none, "No station selected"). */
  pickStation(station: string | null): Promise<void>;
}

export const usersActions: Slice<UsersActions> = (set, get) => ({
  async loadUsers() {
    set({ usersLoading: true, usersError: null });
    try {
      const r = await call('user:list', {});
      set({ users: [...r.users].sort((a, b) => a.username.localeCompare(b.username)), usersLoading: false });
    } catch (e) {
      set({ usersLoading: false, usersError: errorText(e) });
    }
  },
  async updateUser(username, role, stations) {
    set({ userSaving: username, userResult: null });
    try {
      const u = await call('user:update', { username, role, stations });
      set({
        users: (get().users ?? []).map((x) => (x.username === username ? u : x)),
        userSaving: null,
        userResult: { username, ok: true, message: `Saved ${username}: ${u.role ?? 'no role'} at ${u.stations.join(', ')}. It applies at their next sign-in.` },
      });
      return true;
    } catch (e) {
      set({ userSaving: null, userResult: { username, ok: false, message: errorText(e) } });
      return false;
    }
  },
  async loadStationChoice() {
    try {
      const c = await call('station:list', {});
      set({ stationChoice: c, stationChoiceError: null });
      if (c.any && c.selected && get().station !== c.selected) get().setStation(c.selected);
    } catch (e) {
      set({ stationChoiceError: errorText(e) });
    }
  },
  async pickStation(station) {
    try {
      const c = await call('station:select', { station });
      set({ stationChoice: c, stationChoiceError: null });
      if (station) get().setStation(station);
      else set({ station: null, ...boardInitialState });
    } catch (e) {
      set({ stationChoiceError: errorText(e) });
    }
  },
});

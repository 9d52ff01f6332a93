import type { DeskState } from '../types.js';

export const usersSelectors = {
  users: (s: DeskState) => s.users,
  status: (s: DeskState) => ({ loading: s.usersLoading, error: s.usersError, saving: s.userSaving, result: s.userResult }),
  stationChoice: (s: DeskState) => s.stationChoice,
  stationChoiceError: (s: DeskState) => s.stationChoiceError,
  /** An admin's choices, with the shown station first-class even if typed in. */
  stationOptions: (s: DeskState) => {
    const c = s.stationChoice?.choices ?? [];
    return s.station && !c.includes(s.station) ? [...c, s.station].sort() : c;
  },
};

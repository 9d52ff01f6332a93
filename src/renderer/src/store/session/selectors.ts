import type { DeskState } from '../types.js';

export const sessionSelectors = {
  session: (s: DeskState) => s.session,
  /** Signed in and not idle-locked (a locked session shows the unlock screen). */
  signedIn: (s: DeskState) => s.session !== null && !s.session.locked,
  locked: (s: DeskState) => s.session?.locked === true,
  offline: (s: DeskState) => s.session?.offline === true,
  networkBack: (s: DeskState) => s.session?.offline === true && s.networkBack,
  stations: (s: DeskState) => (s.session?.stations ?? []).filter((x) => x !== '*'),
  station: (s: DeskState) => s.station,
  signIn: (s: DeskState) => ({ signingIn: s.signingIn, error: s.signInError, challenge: s.challenge }),
};

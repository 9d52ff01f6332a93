import type { DeskState } from '../types.js';

export const sessionSelectors = {
  session: (s: DeskState) => s.session,
  signedIn: (s: DeskState) => s.session !== null,
  stations: (s: DeskState) => (s.session?.stations ?? []).filter((x) => x !== '*'),
  station: (s: DeskState) => s.station,
  signIn: (s: DeskState) => ({ signingIn: s.signingIn, error: s.signInError }),
};

import type { Session } from '../../../../shared/rpc/contract.js';

export interface SessionState {
  session: Session | null;
  /** True until the first `session:get` answered. */
  booting: boolean;
  signingIn: boolean;
  signInError: string | null;
  /** The station whose board is shown (one of the user's stations). */
  station: string | null;
}

export const sessionInitialState: SessionState = { session: null, booting: true, signingIn: false, signInError: null, station: null };

import type { Session, SignInChallenge } from '../../../../shared/rpc/contract.js';

export interface SessionState {
  /** The session as main reports it; `locked` = the idle lock screen is shown. */
  session: Session | null;
  /** True until the first `session:get` answered. */
  booting: boolean;
  signingIn: boolean;
  signInError: string | null;
  /** Cognito asked for a new password or a TOTP code: the sign-in form asks for it. */
  challenge: SignInChallenge | null;
  /** Offline session and the backend answers again: offer an online sign-in to sync. */
  networkBack: boolean;
  /** The station whose board is shown (one of the user's stations). */
  station: string | null;
}

export const sessionInitialState: SessionState = {
  session: null,
  booting: true,
  signingIn: false,
  signInError: null,
  challenge: null,
  networkBack: false,
  station: null,
};

import type { Session, SignInChallenge } from '../../../../shared/rpc/contract.js';
import { call, desk } from '../../rpc/client.js';
import { approvalsInitialState } from '../approvals/initialState.js';
import { boardInitialState } from '../board/initialState.js';
import { caseInitialState } from '../caseview/initialState.js';
import { dialogInitialState } from '../dialog/initialState.js';
import { flightInitialState } from '../flight/initialState.js';
import { errorText, type Slice } from '../types.js';
import { policyInitialState } from '../policy/initialState.js';
import { queuesInitialState } from '../queues/initialState.js';
import { uiInitialState } from '../ui/initialState.js';
import { usersInitialState } from '../users/initialState.js';
import { sessionInitialState } from './initialState.js';

export type ChallengeAnswer =
  { challenge: 'NEW_PASSWORD_REQUIRED'; newPassword: string } | { challenge: 'SOFTWARE_TOKEN_MFA'; code: string };

export interface SessionActions {
  bootstrap(): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  /** Answers Cognito's challenge (new password or TOTP code). */
  respond(answer: ChallengeAnswer): Promise<void>;
  /** Re-enters the password of an idle-locked session. */
  unlock(password: string): Promise<void>;
  cancelChallenge(): void;
  signOut(): Promise<void>;
  setStation(station: string): void;
}

const firstStation = (stations: string[]): string | null => stations.find((s) => s !== '*') ?? null;

/** Everything a user's screen showed: cleared at sign-out and at the idle lock. */
const screenCleared = {
  ...boardInitialState,
  ...flightInitialState,
  ...caseInitialState,
  ...uiInitialState,
  ...queuesInitialState,
  ...approvalsInitialState,
  ...dialogInitialState,
  ...policyInitialState,
  ...usersInitialState,
};

/** Activity reports are throttled: main only needs to know the user is there, not every key. */
const ACTIVITY_EVERY_MS = 20_000;
const PROBE_EVERY_MS = 15_000;
let watching = false;

export const sessionActions: Slice<SessionActions> = (set, get) => {
  const signedInAs = async (r: Session | SignInChallenge): Promise<void> => {
    if ('challenge' in r) {
      set({ signingIn: false, challenge: r });
      return;
    }
    const before = get().session;
    if (before !== null && !before.locked && before.username === r.username) {
      // The same user again (an offline session signing in online to sync): keep the screen.
      set({ session: r, signingIn: false, challenge: null, networkBack: false });
    } else {
      set({
        ...screenCleared,
        session: r,
        signingIn: false,
        challenge: null,
        networkBack: false,
        station: firstStation(r.stations),
      });
    }
    await get().refreshAll();
  };

  /** Follows main's session (idle lock, sign-out), reports activity and, offline, probes the network. */
  const watch = (): void => {
    if (watching) return;
    watching = true;
    desk.on('session:changed', (s) => {
      const before = get().session;
      if (s === null) {
        if (before !== null) set({ ...sessionInitialState, booting: false, ...screenCleared });
        return;
      }
      // Locked: the screen state is cleared; the lock screen only names the user.
      if (s.locked) set({ ...screenCleared, session: s, signInError: null });
      else if (before?.locked && before.username === s.username) {
        set({ session: s });
        void get().refreshAll();
      }
    });
    let last = 0;
    const activity = (): void => {
      const now = Date.now();
      if (now - last < ACTIVITY_EVERY_MS || get().session === null || get().session?.locked) return;
      last = now;
      void call('session:activity', {}).catch(() => undefined);
    };
    for (const ev of ['pointerdown', 'keydown', 'wheel'] as const)
      window.addEventListener(ev, activity, { passive: true });
    window.setInterval(() => {
      if (get().session?.offline !== true) return;
      void call('session:probe', {})
        .then((r) => set({ networkBack: r.reachable }))
        .catch(() => undefined);
    }, PROBE_EVERY_MS);
  };

  return {
    async bootstrap() {
      watch();
      try {
        const session = await call('session:get', {});
        set({ session, booting: false, station: session ? firstStation(session.stations) : null });
        if (session && !session.locked) await get().refreshAll();
      } catch (e) {
        set({ booting: false, signInError: errorText(e) });
      }
    },
    async signIn(username, password) {
      set({ signingIn: true, signInError: null });
      try {
        await signedInAs(await call('session:signIn', { username, password }));
      } catch (e) {
        set({ signingIn: false, signInError: errorText(e) });
      }
    },
    async respond(answer) {
      set({ signingIn: true, signInError: null });
      try {
        await signedInAs(await call('session:respond', answer));
      } catch (e) {
        set({ signingIn: false, signInError: errorText(e) });
      }
    },
    async unlock(password) {
      set({ signingIn: true, signInError: null });
      try {
        const session = await call('session:unlock', { password });
        set({ session, signingIn: false, station: get().station ?? firstStation(session.stations) });
        await get().refreshAll();
      } catch (e) {
        // Too many wrong passwords sign the locked session out: ask main what is left.
        const session = await call('session:get', {}).catch(() => get().session);
        set({ signingIn: false, signInError: errorText(e), session });
      }
    },
    cancelChallenge() {
      set({ challenge: null, signInError: null });
    },
    async signOut() {
      await call('session:signOut', {}).catch(() => undefined);
      set({ ...sessionInitialState, booting: false, ...screenCleared });
    },
    setStation(station) {
      const { view, queueName } = get();
      set({
        station,
        ...flightInitialState,
        ...caseInitialState,
        ...queuesInitialState,
        queueName,
        ...approvalsInitialState,
        ...dialogInitialState,
        zone: view === 'queues' ? 'queue' : view === 'approvals' ? 'approvals' : 'board',
      });
      void get().refreshAll();
    },
  };
};

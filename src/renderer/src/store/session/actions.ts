import { call } from '../../rpc/client.js';
import { approvalsInitialState } from '../approvals/initialState.js';
import { boardInitialState } from '../board/initialState.js';
import { caseInitialState } from '../caseview/initialState.js';
import { dialogInitialState } from '../dialog/initialState.js';
import { flightInitialState } from '../flight/initialState.js';
import { errorText, type Slice } from '../types.js';
import { queuesInitialState } from '../queues/initialState.js';
import { uiInitialState } from '../ui/initialState.js';
import { sessionInitialState } from './initialState.js';

export interface SessionActions {
  bootstrap(): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  setStation(station: string): void;
}

const firstStation = (stations: string[]): string | null => stations.find((s) => s !== '*') ?? null;

export const sessionActions: Slice<SessionActions> = (set, get) => ({
  async bootstrap() {
    try {
      const session = await call('session:get', {});
      set({ session, booting: false, station: session ? firstStation(session.stations) : null });
      if (session) await get().refreshAll();
    } catch (e) {
      set({ booting: false, signInError: errorText(e) });
    }
  },
  async signIn(username, password) {
    set({ signingIn: true, signInError: null });
    try {
      const session = await call('session:signIn', { username, password });
      set({ session, signingIn: false, station: firstStation(session.stations) });
      await get().refreshAll();
    } catch (e) {
      set({ signingIn: false, signInError: errorText(e) });
    }
  },
  async signOut() {
    await call('session:signOut', {}).catch(() => undefined);
    set({
      ...sessionInitialState,
      booting: false,
      ...boardInitialState,
      ...flightInitialState,
      ...caseInitialState,
      ...uiInitialState,
      ...queuesInitialState,
      ...approvalsInitialState,
      ...dialogInitialState,
    });
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
});

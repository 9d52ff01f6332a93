import { useEffect } from 'react';
import { ApprovalsView } from './components/ApprovalsView.js';
import { Board } from './components/Board.js';
import { CasePanel } from './components/CasePanel.js';
import { CommandPalette } from './components/CommandPalette.js';
import { Dialogs } from './components/Dialogs.js';
import { FlightView } from './components/FlightView.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { QueuesView } from './components/QueuesView.js';
import { PoliciesView } from './components/PoliciesView.js';
import { OfflineSessionNotice, SignIn } from './components/SignIn.js';
import { SyncBar } from './components/SyncBar.js';
import { TopBar } from './components/TopBar.js';
import { UsersView } from './components/UsersView.js';
import { desk } from './rpc/client.js';
import { useDeskStore } from './store/index.js';
import { sessionSelectors } from './store/session/selectors.js';
import { uiSelectors } from './store/ui/selectors.js';
import { useShortcuts } from './useShortcuts.js';

/** Re-queries what is on screen after server events, coalescing bursts into one refresh. */
function useLiveUpdates(): void {
  useEffect(() => {
    let timer: number | null = null;
    const offData = desk.on('data:changed', () => {
      if (timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        if (useDeskStore.getState().session) void useDeskStore.getState().refreshAll();
      }, 50);
    });
    const offStatus = desk.on('sync:status', (s) => useDeskStore.getState().setSyncStatus(s));
    const poll = window.setInterval(() => {
      if (useDeskStore.getState().session) void useDeskStore.getState().loadSync();
    }, 10_000);
    return () => {
      offData();
      offStatus();
      window.clearInterval(poll);
    };
  }, []);
}

export function App() {
  const booting = useDeskStore((s) => s.booting);
  const signedIn = useDeskStore(sessionSelectors.signedIn);
  const bootstrap = useDeskStore((s) => s.bootstrap);
  const view = useDeskStore(uiSelectors.view);
  useEffect(() => {
    void bootstrap();
  }, [bootstrap]);
  useLiveUpdates();
  useShortcuts();

  if (booting) return <p className="boot muted">Starting the desk…</p>;
  if (!signedIn) return <SignIn />;
  return (
    <div className="app">
      <TopBar />
      <OfflineSessionNotice />
      <main className={`panes view-${view}`} data-testid={`view-${view}`}>
        {view === 'board' && (
          <>
            <Board />
            <FlightView />
          </>
        )}
        {view === 'queues' && <QueuesView />}
        {view === 'approvals' && <ApprovalsView />}
        {view === 'policies' && <PoliciesView />}
        {view === 'users' && <UsersView />}
        {view !== 'policies' && view !== 'users' && <CasePanel />}
      </main>
      <SyncBar />
      <HelpOverlay />
      <CommandPalette />
      <Dialogs />
    </div>
  );
}

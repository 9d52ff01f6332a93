import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { time } from '../format.js';
import { isSupervisor } from '../logic/money.js';
import { viewsFor, type View } from '../logic/queues.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';

export function TopBar() {
  const session = useDeskStore(sessionSelectors.session);
  const stations = useDeskStore(useShallow(sessionSelectors.stations));
  const station = useDeskStore(sessionSelectors.station);
  const { setStation, signOut, toggleHelp } = useDeskStore(
    useShallow((s) => ({ setStation: s.setStation, signOut: s.signOut, toggleHelp: s.toggleHelp })),
  );
  return (
    <header className="topbar">
      <span className="brand">Jetway</span>
      <label className="station">
        Station{' '}
        {stations.length > 1 ? (
          <select data-testid="station-select" value={station ?? ''} onChange={(e) => setStation(e.target.value)}>
            {stations.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        ) : (
          <strong data-testid="station">{station ?? 'none'}</strong>
        )}
      </label>
      <Nav />
      <Search />
      <span className="spacer" />
      <button className="link" onClick={() => toggleHelp()} title="Keyboard shortcuts (?)">
        Shortcuts <kbd>?</kbd>
      </button>
      <span className="user" data-testid="user">
        {session?.username} · {session?.role}
      </span>
      <button data-testid="signout" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}

const VIEW_LABEL: Record<View, [string, string]> = {
  board: ['Board', '1'],
  queues: ['Queues', '2'],
  approvals: ['Approvals', '3'],
};

/** Board / Queues / Approvals (supervisor console); also g b, g q, g a or 1 / 2 / 3. */
function Nav() {
  const session = useDeskStore(sessionSelectors.session);
  const view = useDeskStore(uiSelectors.view);
  const setView = useDeskStore((s) => s.setView);
  const open = useDeskStore(approvalsSelectors.openCount);
  return (
    <nav className="nav" role="tablist" aria-label="Views">
      {viewsFor(isSupervisor(session)).map((v) => (
        <button
          key={v}
          role="tab"
          aria-selected={v === view}
          className={`navtab ${v === view ? 'on' : ''}`}
          data-testid={`nav-${v}`}
          title={`${VIEW_LABEL[v][0]} (g ${v[0]} or ${VIEW_LABEL[v][1]})`}
          onClick={() => setView(v)}
        >
          {VIEW_LABEL[v][0]}
          {v === 'approvals' && open > 0 && (
            <span className="pill" data-testid="nav-approvals-count">
              {open}
            </span>
          )}
        </button>
      ))}
    </nav>
  );
}

function Search() {
  const { query, hits, open, error } = useDeskStore(useShallow(uiSelectors.search));
  const { search, closeSearch, openFlight, openCase } = useDeskStore(
    useShallow((s) => ({
      search: s.search,
      closeSearch: s.closeSearch,
      openFlight: s.openFlight,
      openCase: s.openCase,
    })),
  );
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const focus = () => ref.current?.focus();
    window.addEventListener('jetway:focus-search', focus);
    return () => window.removeEventListener('jetway:focus-search', focus);
  }, []);
  const pick = async (i: number) => {
    const h = hits[i];
    if (!h) return;
    closeSearch();
    ref.current?.blur();
    if (h.flight) await openFlight(h.flight.id);
    if (h.caseId) await openCase(h.caseId);
  };
  return (
    <div className="search">
      <input
        ref={ref}
        data-testid="search"
        placeholder="Search passenger name or PNR  ( / )"
        value={query}
        onChange={(e) => void search(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void pick(0);
          if (e.key === 'Escape') {
            closeSearch();
            ref.current?.blur();
          }
        }}
      />
      {open && (
        <ul className="search-results" data-testid="search-results">
          {error && <li className="error">{error}</li>}
          {!error && hits.length === 0 && <li className="muted">No passenger matches “{query}”.</li>}
          {hits.map((h, i) => (
            <li key={`${h.booking.id}`}>
              <button onClick={() => void pick(i)}>
                <strong>
                  {h.passenger.lastName}, {h.passenger.firstName}
                </strong>{' '}
                <span className="mono">{h.booking.pnr}</span>{' '}
                {h.flight && (
                  <span className="muted">
                    {h.flight.carrier}
                    {h.flight.number} {h.flight.origin}→{h.flight.destination}{' '}
                    {time(h.flight.scheduledDeparture, h.flight.origin)}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

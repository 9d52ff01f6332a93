import { useShallow } from 'zustand/react/shallow';
import type { BoardFlight } from '../../../shared/rpc/contract.js';
import { boardSelectors } from '../store/board/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { time, utc } from '../format.js';
import { StatusBadge } from './StatusBadge.js';

/** The station board: disrupted flights first, live. */
export function Board() {
  const flights = useDeskStore(boardSelectors.flights);
  const counts = useDeskStore(boardSelectors.counts);
  const { loading, error, loaded } = useDeskStore(useShallow(boardSelectors.status));
  const index = useDeskStore(uiSelectors.boardIndex);
  const zone = useDeskStore(uiSelectors.zone);
  const openFlightId = useDeskStore((s) => s.flightId);
  const { select, openFlight } = useDeskStore(useShallow((s) => ({ select: s.select, openFlight: s.openFlight })));

  return (
    <section
      className={`pane board ${zone === 'board' ? 'active' : ''}`}
      aria-label="Station board"
      data-testid="board"
    >
      <h2>
        Board{' '}
        {counts && (
          <span className="counts" data-testid="board-counts">
            {counts.disrupted} disrupted · {counts.cancelled} cancelled · {counts.total} flights
          </span>
        )}
      </h2>
      {error && (
        <p className="error" role="alert">
          Could not load the board: {error}
        </p>
      )}
      {loading && !loaded && <p className="muted">Loading flights…</p>}
      {loaded && flights.length === 0 && (
        <p className="empty">No flights for this station yet. They appear here as soon as the first sync arrives.</p>
      )}
      <ul className="flights" role="listbox" aria-label="Flights">
        {flights.map((f, i) => (
          <FlightRow
            key={f.id}
            f={f}
            selected={zone === 'board' && i === index}
            open={f.id === openFlightId}
            onClick={() => {
              select('board', i);
              void openFlight(f.id);
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function FlightRow({
  f,
  selected,
  open,
  onClick,
}: {
  f: BoardFlight;
  selected: boolean;
  open: boolean;
  onClick: () => void;
}) {
  return (
    <li
      role="option"
      aria-selected={selected}
      className={`flight ${f.disrupted ? 'disrupted' : ''} ${selected ? 'selected' : ''} ${open ? 'open' : ''}`}
      data-testid={`flight-${f.carrier}${f.number}`}
      data-flight-id={f.id}
      data-status={f.status}
      onClick={onClick}
    >
      <div className="line1">
        <strong className="fno">
          {f.carrier}
          {f.number}
        </strong>
        <span className="route">
          {f.origin} → {f.destination}
        </span>
        <StatusBadge flight={f} />
      </div>
      <div className="line2 muted">
        <span title={utc(f.scheduledDeparture)}>dep {time(f.scheduledDeparture, f.origin)}</span>
        {f.estimatedDeparture && (
          <span title={utc(f.estimatedDeparture)}>est {time(f.estimatedDeparture, f.origin)}</span>
        )}
        <span>gate {f.gate ?? '—'}</span>
        {f.delayCategory && f.status !== 'CANCELLED' && (
          <span className={`cat cat-${f.delayCategory}`}>{f.delayCategory}</span>
        )}
        {f.disruption?.causeCode && <span>{f.disruption.causeCode.toLowerCase()}</span>}
        <span data-testid="flight-case-count">
          {f.caseCount} {f.caseCount === 1 ? 'case' : 'cases'}
        </span>
      </div>
    </li>
  );
}

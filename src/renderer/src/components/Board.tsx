import type { Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BoardFlight } from '../../../shared/rpc/contract.js';
import { boardSelectors } from '../store/board/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { BoardCharts, BoardZone } from './BoardCharts.js';
import { FlightRowBody } from './FlightRowBody.js';
import { VirtualList, type OptionProps } from './VirtualList.js';

/** The station board, live: each flight by the time of its movement here (departure or arrival), in the station's local time. */
export function Board() {
  const all = useDeskStore(boardSelectors.flights);
  const counts = useDeskStore(boardSelectors.counts);
  const { loading, error, loaded } = useDeskStore(useShallow(boardSelectors.status));
  const zone = useDeskStore(uiSelectors.zone);
  const station = useDeskStore((s) => s.station);
  const anyStation = useDeskStore((s) => s.session?.stations.includes('*') === true);

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
      {station && <BoardZone station={station} />}
      {station && loaded && <BoardCharts station={station} />}
      {error && (
        <p className="error" role="alert">
          Could not load the board: {error}
        </p>
      )}
      {station === null && (
        <div className="empty" data-testid="no-station">
          <strong>No station selected</strong>
          <p>{anyStation ? 'Pick a station in the top bar to sync and show its board.' : 'Your user has no station: ask an admin to assign one.'}</p>
        </div>
      )}
      {loading && !loaded && <p className="muted">Loading flights…</p>}
      {loaded && all.length === 0 && (
        <p className="empty">No flights for this station yet. They appear here as soon as the first sync arrives.</p>
      )}
      {all.length > 0 && <BoardList />}
    </section>
  );
}

/**
 * The filter box and the virtual flight list. Its own component so a keystroke or a j/k re-renders
 * the list alone, not the board's header and charts.
 */
function BoardList() {
  const all = useDeskStore(boardSelectors.flights);
  const flights = useDeskStore(boardSelectors.visibleFlights);
  const filter = useDeskStore(boardSelectors.filter);
  const setBoardFilter = useDeskStore((s) => s.setBoardFilter);
  const index = useDeskStore(uiSelectors.boardIndex);
  const zone = useDeskStore(uiSelectors.zone);
  const openFlightId = useDeskStore((s) => s.flightId);
  const { select, openFlight } = useDeskStore(useShallow((s) => ({ select: s.select, openFlight: s.openFlight })));
  return (
    <>
      <input
        className="filter board-filter"
        type="search"
        data-testid="board-filter"
        aria-label="Filter flights"
        aria-controls="board-flights"
        placeholder="Filter: flight, airport, status, gate"
        value={filter}
        onChange={(e) => setBoardFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'Enter') {
            e.preventDefault();
            select('board', 0);
            document.getElementById('board-flights')?.focus();
          }
        }}
      />
      {filter && all.length > 0 && flights.length === 0 && (
        <p className="empty" data-testid="board-filter-empty">
          No flight matches “{filter}”.
        </p>
      )}
      <VirtualList
        as="ul"
        className="flights"
        testId="board-list"
        listTestId="board-flights"
        listId="board-flights"
        label="Flights"
        idPrefix="board-flight"
        items={flights}
        rowHeight={56}
        selectedIndex={zone === 'board' ? index : -1}
        getKey={(f) => f.id}
        onFocus={() => select('board', index)}
        renderRow={(f, i, selected, option) => (
          <FlightRow
            option={option}
            f={f}
            selected={selected}
            open={f.id === openFlightId}
            onClick={() => {
              select('board', i);
              void openFlight(f.id);
            }}
          />
        )}
      />
    </>
  );
}

function FlightRow({
  option,
  f,
  selected,
  open,
  onClick,
}: {
  option: OptionProps;
  f: BoardFlight;
  selected: boolean;
  open: boolean;
  onClick: () => void;
}) {
  return (
    <li
      {...option}
      ref={option.ref as Ref<HTMLLIElement>}
      className={`flight ${f.disrupted ? 'disrupted' : ''} ${selected ? 'selected' : ''} ${open ? 'open' : ''}`}
      data-testid={`flight-${f.carrier}${f.number}`}
      data-flight-id={f.id}
      data-status={f.status}
      onClick={onClick}
    >
      <FlightRowBody f={f} />
    </li>
  );
}

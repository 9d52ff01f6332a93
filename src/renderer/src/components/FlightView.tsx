import { useShallow } from 'zustand/react/shallow';
import type { PassengerRow } from '../../../shared/rpc/contract.js';
import { flightSelectors } from '../store/flight/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { time } from '../format.js';
import { StatusBadge } from './StatusBadge.js';
import { VirtualList } from './VirtualList.js';

/** One flight: header facts, filter box, and the (virtualized) passenger list with cases. */
export function FlightView() {
  const flight = useDeskStore(flightSelectors.flight);
  const counts = useDeskStore(flightSelectors.counts);
  const { id, loading, error } = useDeskStore(useShallow(flightSelectors.status));
  const rows = useDeskStore(flightSelectors.visibleRows);
  const filter = useDeskStore(flightSelectors.filter);
  const index = useDeskStore(uiSelectors.passengerIndex);
  const zone = useDeskStore(uiSelectors.zone);
  const openCaseId = useDeskStore((s) => s.caseId);
  const { setFilter, select, openCase } = useDeskStore(
    useShallow((s) => ({ setFilter: s.setFilter, select: s.select, openCase: s.openCase })),
  );

  if (!id)
    return (
      <section className="pane flight-view empty-pane" data-testid="flight-view-empty">
        <p className="empty">Select a flight on the board (↑/↓ or j/k, then Enter).</p>
      </section>
    );

  return (
    <section
      className={`pane flight-view ${zone === 'passengers' ? 'active' : ''}`}
      aria-label="Flight"
      data-testid="flight-view"
    >
      {error && (
        <p className="error" role="alert">
          Could not load the flight: {error}
        </p>
      )}
      {loading && !flight && <p className="muted">Loading passengers…</p>}
      {flight && (
        <>
          <header className="flight-head">
            <h2>
              {flight.carrier}
              {flight.number}{' '}
              <span className="route">
                {flight.origin} → {flight.destination}
              </span>{' '}
              <StatusBadge flight={flight} />
            </h2>
            <p className="muted">
              dep {time(flight.scheduledDeparture, flight.origin)} · arr{' '}
              {time(flight.scheduledArrival, flight.destination)} · gate {flight.gate ?? '—'}
              {flight.disruption && (
                <>
                  {' '}
                  · {flight.disruption.kind.toLowerCase()}
                  {flight.disruption.causeCode ? ` (${flight.disruption.causeCode.toLowerCase()})` : ''}
                  {flight.disruption.causeDetail ? ` — ${flight.disruption.causeDetail}` : ''}
                </>
              )}
            </p>
            {counts && (
              <p
                className="counts"
                data-testid="flight-counts"
                data-passengers={counts.passengers}
                data-cases={counts.cases}
              >
                <strong data-testid="passenger-count">{counts.passengers}</strong> passengers ·{' '}
                <strong data-testid="case-count">{counts.cases}</strong> cases · {counts.issued} issued
              </p>
            )}
            <input
              className="filter"
              data-testid="passenger-filter"
              placeholder="Filter by name, PNR or seat"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown' || e.key === 'Enter') (e.target as HTMLInputElement).blur();
              }}
            />
          </header>
          {rows.length === 0 ? (
            <p className="empty">
              {filter ? `No passenger matches “${filter}”.` : 'No passengers booked on this flight in the desk cache.'}
            </p>
          ) : (
            <VirtualList
              testId="passenger-list"
              items={rows}
              rowHeight={48}
              selectedIndex={zone === 'passengers' ? index : -1}
              getKey={(r) => r.booking.id}
              renderRow={(r, i, selected) => (
                <PassengerLine
                  r={r}
                  selected={selected}
                  open={r.case?.id === openCaseId}
                  onClick={() => {
                    select('passengers', i);
                    if (r.case) void openCase(r.case.id);
                  }}
                />
              )}
            />
          )}
        </>
      )}
    </section>
  );
}

function PassengerLine({
  r,
  selected,
  open,
  onClick,
}: {
  r: PassengerRow;
  selected: boolean;
  open: boolean;
  onClick: () => void;
}) {
  const issued = r.entitlements.filter((e) => e.effectiveStatus === 'ISSUED').length;
  const pending = r.entitlements.some((e) => e.syncState === 'pending');
  return (
    <div
      className={`pax ${selected ? 'selected' : ''} ${open ? 'open' : ''}`}
      data-testid="passenger-row"
      data-passenger-id={r.passenger.id}
      data-case-id={r.case?.id ?? ''}
      role="option"
      aria-selected={selected}
      onClick={onClick}
    >
      <span className="name">
        {r.passenger.lastName}, {r.passenger.firstName}
        {r.passenger.tier && <span className="tier">{r.passenger.tier}</span>}
      </span>
      <span className="mono">{r.booking.pnr}</span>
      <span className="mono seat">{r.booking.seat ?? '—'}</span>
      <span className="case-state">
        {r.case ? (
          <>
            <span className="badge case">case</span> {issued}/{r.entitlements.length} issued
            {pending && <span className="badge sync-pending">pending</span>}
          </>
        ) : (
          <span className="muted">no case</span>
        )}
      </span>
    </div>
  );
}

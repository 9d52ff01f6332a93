import type { ReactNode, Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslation } from 'react-i18next';
import type { PassengerRow } from '../../../shared/rpc/contract.js';
import { flightSelectors } from '../store/flight/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { BulkCareBar, BulkTick } from './BulkCareBar.js';
import { StatusBadge } from './StatusBadge.js';
import { FlightTimes } from './FlightTimes.js';
import { VirtualList, type OptionProps } from './VirtualList.js';

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
  const ids = rows.map((r) => r.passenger.id);
  const { setFilter, select, openCase } = useDeskStore(
    useShallow((s) => ({ setFilter: s.setFilter, select: s.select, openCase: s.openCase })),
  );
  const { t } = useTranslation('flight');

  if (!id)
    return (
      <section className="pane flight-view empty-pane" data-testid="flight-view-empty">
        <p className="empty">{t('selectHint')}</p>
      </section>
    );

  return (
    <section
      className={`pane flight-view ${zone === 'passengers' ? 'active' : ''}`}
      aria-label={t('label')}
      data-testid="flight-view"
    >
      {error && (
        <p className="error" role="alert">
          {t('loadError', { error })}
        </p>
      )}
      {loading && !flight && <p className="muted">{t('loading')}</p>}
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
            <FlightTimes flight={flight} />
            {counts && (
              <p
                className="counts"
                data-testid="flight-counts"
                data-passengers={counts.passengers}
                data-cases={counts.cases}
              >
                <strong data-testid="passenger-count">{counts.passengers}</strong> {t('passengers')} ·{' '}
                <strong data-testid="case-count">{counts.cases}</strong> {t('cases')} · {t('issued', { count: counts.issued })}
              </p>
            )}
            <input
              className="filter"
              data-testid="passenger-filter"
              aria-label={t('filter')}
              placeholder={t('filterPlaceholder')}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown' || e.key === 'Enter') (e.target as HTMLInputElement).blur();
              }}
            />
            <BulkCareBar rows={rows} />
          </header>
          {rows.length === 0 ? (
            <p className="empty">
              {filter ? t('noMatch', { filter }) : t('noPassengers')}
            </p>
          ) : (
            <VirtualList
              testId="passenger-list"
              items={rows}
              rowHeight={48}
              selectedIndex={zone === 'passengers' ? index : -1}
              getKey={(r) => r.booking.id}
              label={t('listLabel')}
              idPrefix="pax"
              fixed
              onFocus={() => select('passengers', index)}
              renderRow={(r, i, selected, option) => (
                <PassengerLine
                  option={option}
                  r={r}
                  tick={<BulkTick r={r} index={i} ids={ids} />}
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
  option,
  r,
  tick,
  selected,
  open,
  onClick,
}: {
  option: OptionProps;
  r: PassengerRow;
  tick: ReactNode;
  selected: boolean;
  open: boolean;
  onClick: () => void;
}) {
  const issued = r.entitlements.filter((e) => e.effectiveStatus === 'ISSUED').length;
  const pending = r.entitlements.some((e) => e.syncState === 'pending');
  const { t } = useTranslation('flight');
  return (
    <div
      {...option}
      ref={option.ref as Ref<HTMLDivElement>}
      className={`pax ${selected ? 'selected' : ''} ${open ? 'open' : ''}`}
      data-testid="passenger-row"
      data-passenger-id={r.passenger.id}
      data-case-id={r.case?.id ?? ''}
      onClick={onClick}
    >
      <span className="name">
        {tick}
        {r.passenger.lastName}, {r.passenger.firstName}
        {r.passenger.tier && <span className="tier">{r.passenger.tier}</span>}
      </span>
      <span className="mono">{r.booking.pnr}</span>
      <span className="mono seat">{r.booking.seat ?? '—'}</span>
      <span className="case-state">
        {r.case ? (
          <>
            <span className="badge case">{t('case')}</span> {t('caseIssued', { issued, total: r.entitlements.length })}
            {pending && <span className="badge sync-pending">{t('pending')}</span>}
          </>
        ) : (
          <span className="muted">{t('noCase')}</span>
        )}
      </span>
    </div>
  );
}

import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useShallow } from 'zustand/react/shallow';
import { looksLikeBoardingPass, type BoardingPass } from '../../../shared/boarding-pass.js';
import type { SearchHit } from '../../../shared/rpc/contract.js';
import { time } from '../format.js';
import { useDeskStore } from '../store/index.js';
import { SEARCH_PAGE, type ScanNotice } from '../store/search/initialState.js';
import { searchSelectors } from '../store/search/selectors.js';
import { useScanner } from '../useScanner.js';
import './search.css';

const LISTBOX_ID = 'passenger-search-listbox';
const optionId = (i: number) => `passenger-search-opt-${i}`;

/**
 * The passenger search (a combobox: the input keeps focus, Up/Down move the highlighted option,
 * Enter opens it, Esc closes) and the boarding-pass scanner (a scan anywhere, or a pass typed or
 * pasted here) with its live region.
 */
export function PassengerSearch() {
  const { t } = useTranslation('search');
  useScanner();
  const { query, hits, total, open, loading, error, index } = useDeskStore(useShallow(searchSelectors.search));
  const { search, searchMore, moveSearch, pickSearch, closeSearch, scanPass } = useDeskStore(
    useShallow((s) => ({
      search: s.search,
      searchMore: s.searchMore,
      moveSearch: s.moveSearch,
      pickSearch: s.pickSearch,
      closeSearch: s.closeSearch,
      scanPass: s.scanPass,
    })),
  );
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const focus = () => ref.current?.focus();
    window.addEventListener('jetway:focus-search', focus);
    return () => window.removeEventListener('jetway:focus-search', focus);
  }, []);
  useEffect(() => {
    if (index >= 0) document.getElementById(optionId(index))?.scrollIntoView({ block: 'nearest' });
  }, [index]);
  const isPass = looksLikeBoardingPass(query.trim());
  const expanded = open && !isPass;
  const pick = (i?: number) => {
    ref.current?.blur();
    void pickSearch(i);
  };
  return (
    <div className="search">
      <input
        ref={ref}
        data-testid="search"
        role="combobox"
        aria-label={t('label')}
        aria-expanded={expanded}
        aria-controls={LISTBOX_ID}
        aria-autocomplete="list"
        aria-activedescendant={expanded && index >= 0 ? optionId(index) : undefined}
        aria-describedby="passenger-search-keys"
        placeholder={t('placeholder')}
        value={query}
        onChange={(e) => void search(e.target.value)}
        onPaste={(e) => {
          const text = e.clipboardData.getData('text');
          if (!looksLikeBoardingPass(text.trim())) return;
          e.preventDefault();
          ref.current?.blur();
          void scanPass(text);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            void moveSearch(e.key === 'ArrowDown' ? 1 : -1);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (isPass) {
              ref.current?.blur();
              void scanPass(query);
            } else pick();
          } else if (e.key === 'Escape') {
            closeSearch();
            ref.current?.blur();
          }
        }}
      />
      <span id="passenger-search-keys" className="sr-only">
        {t('keys')}
      </span>
      {open && (
        <div className="search-popup" data-testid="search-popup">
          {isPass ? (
            <p className="muted search-note" data-testid="search-pass-hint">
              {t('passHint')}
            </p>
          ) : (
            <>
              <ul
                className="search-results"
                id={LISTBOX_ID}
                role="listbox"
                aria-label={t('results')}
                data-testid="search-results"
              >
                {hits.map((h, i) => (
                  <li
                    key={h.booking.id}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === index}
                    className={i === index ? 'active' : ''}
                    data-testid="search-option"
                    data-booking-id={h.booking.id}
                    data-passenger-id={h.passenger.id}
                    data-case-id={h.caseId ?? ''}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => pick(i)}
                  >
                    <HitLine h={h} />
                  </li>
                ))}
              </ul>
              <div className="search-foot">
                <p role="status" className="muted" data-testid="search-count">
                  {error ? (
                    <span className="error">{error}</span>
                  ) : loading && hits.length === 0 ? (
                    t('loading')
                  ) : total === 0 ? (
                    t('noMatch', { query: query.trim() })
                  ) : hits.length < total ? (
                    t('shown', { shown: hits.length, total })
                  ) : (
                    t('total', { count: total })
                  )}
                </p>
                {hits.length < total && (
                  <button
                    type="button"
                    data-testid="search-more"
                    disabled={loading}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => void searchMore()}
                  >
                    {t('more', { count: Math.min(SEARCH_PAGE, total - hits.length) })}
                  </button>
                )}
              </div>
            </>
          )}
        </div>
      )}
      <ScanStatus />
    </div>
  );
}

function HitLine({ h }: { h: SearchHit }) {
  const { t } = useTranslation('search');
  return (
    <>
      <strong>
        {h.passenger.lastName}, {h.passenger.firstName}
      </strong>{' '}
      <span className="mono">{h.booking.pnr}</span>
      {h.booking.seat && <span className="muted"> · {t('seat', { seat: h.booking.seat })}</span>}
      {h.caseId && <span className="badge case">{t('hasCase')}</span>}
      {h.flight && (
        <span className="muted hit-flight">
          {h.flight.carrier}
          {h.flight.number} {h.flight.origin}→{h.flight.destination} {time(h.flight.scheduledDeparture, h.flight.origin)}
        </span>
      )}
    </>
  );
}

/** The pass's flight as printed: carrier, number, route and the day (a pass has no year; this year's date). */
const passFlight = (p: BoardingPass): string => {
  const d = new Date(Date.UTC(new Date().getUTCFullYear(), 0, p.dayOfYear));
  const day = d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${p.carrier}${p.flightNumber} ${p.from}→${p.to} ${day}`;
};
const passName = (p: BoardingPass): string => [p.lastName, p.firstName].filter(Boolean).join('/');

/**
 * What became of the last scan, in two live regions that are always in the page (so screen
 * readers announce changes): progress and success as a polite status, failures as an alert.
 */
function ScanStatus() {
  const { t } = useTranslation('search');
  const notice = useDeskStore(searchSelectors.scanNotice);
  const dismiss = useDeskStore((s) => s.dismissScan);
  const text = notice ? noticeText(notice, t) : null;
  const failed = notice !== null && notice.status !== 'busy' && notice.status !== 'matched';
  return (
    <div className="scan-status-wrap">
      <div role="status" aria-live="polite" data-testid="scan-status" className={!failed && text ? 'scan-status' : ''}>
        {!failed && text}
        {!failed && notice?.status === 'matched' && <DismissButton onClick={dismiss} />}
      </div>
      <div role="alert" data-testid="scan-alert" className={failed ? 'scan-status failed' : ''}>
        {failed && text}
        {failed && <DismissButton onClick={dismiss} />}
      </div>
    </div>
  );
}

function DismissButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation('search');
  return (
    <button type="button" className="link" data-testid="scan-dismiss" aria-label={t('scan.dismiss')} onClick={onClick}>
      ×
    </button>
  );
}

function noticeText(n: ScanNotice, t: TFunction<'search'>): string {
  switch (n.status) {
    case 'busy':
      return t('scan.busy');
    case 'matched': {
      const f = n.hit.flight;
      const flight = f ? `${f.carrier}${f.number} ${f.origin}→${f.destination} ${time(f.scheduledDeparture, f.origin)}` : '';
      const name = `${n.hit.passenger.firstName} ${n.hit.passenger.lastName}`;
      return t(n.hit.caseId ? 'scan.matched' : 'scan.matchedNoCase', { name, pnr: n.hit.booking.pnr, flight });
    }
    case 'unknown':
      return t(`scan.unknown.${n.code}`, { name: passName(n.pass), pnr: n.pass.pnr, flight: passFlight(n.pass) });
    case 'unreadable': {
      const field = t(`scan.field.${n.field ?? 'other'}`, { defaultValue: t('scan.field.other') });
      return t('scan.unreadable', { why: t(`scan.why.${n.code}`, { field }) });
    }
    case 'error':
      return t('scan.error', { message: n.message });
  }
}

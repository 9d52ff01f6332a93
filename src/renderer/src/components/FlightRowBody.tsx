import { useTranslation } from 'react-i18next';
import { stationMovement } from '../../../shared/board/station-movement.js';
import type { BoardFlight } from '../../../shared/rpc/contract.js';
import { time, utc } from '../format.js';
import { causeLabel } from '../logic/humanize.js';
import { useDeskStore } from '../store/index.js';
import { StatusBadge } from './StatusBadge.js';
import './board.css';

/**
 * One board row's content (issue #12): what the flight does at THIS station: an arrival shows
 * when it lands here, a departure when it leaves, each in the station's local time, with the
 * other end's airport, the gate here, the cause in words and the cases.
 */
export function FlightRowBody({ f }: { f: BoardFlight }) {
  const { t } = useTranslation('board');
  const station = useDeskStore((s) => s.station) ?? f.origin;
  const m = stationMovement(f, station);
  const arr = m.kind === 'arr';
  const later = m.actual ?? m.estimated;
  const cause = f.disruption?.causeCode ? causeLabel(f.disruption.causeCode) : null;
  return (
    <>
      <div className="line1">
        <strong className="fno">
          {f.carrier}
          {f.number}
        </strong>
        <span
          className={`movement movement-${m.kind}`}
          data-testid="flight-movement"
          data-kind={m.kind}
          title={`${f.origin} → ${f.destination}`}
        >
          {arr ? t('row.arrFrom', { airport: m.otherEnd }) : t('row.depTo', { airport: m.otherEnd })}
        </span>
        <StatusBadge flight={f} />
      </div>
      <div className="line2 muted">
        <span className="movement-time" data-testid="flight-time" data-instant={m.scheduled} title={utc(m.scheduled)}>
          <strong>{time(m.scheduled, station)}</strong>
        </span>
        {later && later !== m.scheduled && (
          <span title={utc(later)} data-testid="flight-time-new">
            {m.actual ? t('row.actual') : t('row.estimated')} {time(later, station)}
          </span>
        )}
        <span
          data-testid="flight-gate"
          title={arr ? t('row.arrGateUnknown', { gate: f.gate ?? '—', airport: m.otherEnd }) : undefined}
        >
          {t('row.gate')} {m.gate ?? '—'}
        </span>
        {cause && (
          <span className="cause" title={cause.raw}>
            {cause.text}
          </span>
        )}
        <span data-testid="flight-case-count">{t('row.cases', { count: f.caseCount })}</span>
      </div>
    </>
  );
}

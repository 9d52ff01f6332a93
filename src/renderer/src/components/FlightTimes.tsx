import { useTranslation } from 'react-i18next';
import { movementDelay } from '../../../shared/board/station-movement.js';
import type { BoardFlight } from '../../../shared/rpc/contract.js';
import { time, utc } from '../format.js';
import { causeDetailLabel, causeLabel, duration } from '../logic/humanize.js';
import './board.css';

/**
 * The flight header's facts (issue #12): scheduled, estimated and actual times of the departure
 * and of the arrival, each in its own airport's local time (UTC in the tooltip), with the delay;
 * then the gate and the disruption's cause in words (raw codes in tooltips).
 */
export function FlightTimes({ flight }: { flight: BoardFlight }) {
  const { t } = useTranslation('board');
  const dep = { scheduled: flight.scheduledDeparture, estimated: flight.estimatedDeparture, actual: flight.actualDeparture };
  const arr = { scheduled: flight.scheduledArrival, estimated: flight.estimatedArrival, actual: flight.actualArrivalDoorOpen };
  const rows = [
    { key: 'dep', label: t('times.departure'), airport: flight.origin, m: dep },
    { key: 'arr', label: t('times.arrival'), airport: flight.destination, m: arr },
  ];
  const d = flight.disruption;
  const cause = d?.causeCode ? causeLabel(d.causeCode) : null;
  const detail = d?.causeDetail ? causeDetailLabel(d.causeDetail) : null;
  const cell = (iso: string | null, airport: string, testId: string) => (
    <td data-testid={testId} data-instant={iso ?? ''} title={iso ? `${utc(iso)} · ${airport}` : undefined}>
      {iso ? time(iso, airport) : t('times.unknown')}
    </td>
  );
  return (
    <>
      <table className="flight-times" data-testid="flight-times">
        <caption className="sr-only">{t('times.caption')}</caption>
        <thead>
          <tr>
            <td />
            <th scope="col">{t('times.scheduled')}</th>
            <th scope="col">{t('times.estimated')}</th>
            <th scope="col">{t('times.actual')}</th>
            <th scope="col">{t('times.delay')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, airport, m }) => {
            const late = movementDelay(m);
            return (
              <tr key={key} data-testid={`flight-times-${key}`}>
                <th scope="row">
                  {label} {airport}
                </th>
                {cell(m.scheduled, airport, `${key}-scheduled`)}
                {cell(m.estimated, airport, `${key}-estimated`)}
                {cell(m.actual, airport, `${key}-actual`)}
                <td data-testid={`${key}-delay`} className={late ? 'late' : ''}>
                  {late === null ? t('times.unknown') : late === 0 ? t('times.onTime') : `+${duration(late)}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        {t('row.gate')} {flight.gate ?? '—'}
        {flight.terminal ? ` · T${flight.terminal}` : ''}
        {cause && (
          <>
            {' · '}
            <span title={cause.raw} data-testid="flight-cause">
              {cause.text}
            </span>
          </>
        )}
        {detail && (
          <>
            {' — '}
            <span title={detail.raw} data-testid="flight-cause-detail">
              {detail.text}
            </span>
          </>
        )}
      </p>
    </>
  );
}

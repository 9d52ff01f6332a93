import { useTranslation } from 'react-i18next';
import type { BoardFlight } from '../../../shared/rpc/contract.js';
import { duration } from '../logic/humanize.js';
import { flightDelay, flightSeverity } from '../logic/flight-severity.js';
import './board.css';

/**
 * The flight's badges (issue #12): the disruption's severity (cancelled, diverted, delay ≥ 3 h,
 * delay ≥ 2 h, a minor delay) or else its status, plus "N cases owed" while open cases still owe
 * something. A flight that owes is never shown in the green "all good" colour.
 */
export function StatusBadge({
  flight,
}: {
  flight: Pick<BoardFlight, 'status' | 'delayMinutes' | 'delayCategory'> &
    Partial<Pick<BoardFlight, 'disruption' | 'casesOwed'>>;
}) {
  const { t } = useTranslation('board');
  const severity = flightSeverity(flight);
  const delay = flightDelay(flight);
  const owed = flight.casesOwed ?? 0;
  const text =
    severity === 'none'
      ? t(`status.${flight.status}`, { defaultValue: flight.status })
      : t(`severity.${severity}`, { delay: duration(delay) });
  // Green is kept for a flight that is done AND owes nothing.
  const tone = severity !== 'none' ? severity : owed > 0 ? 'owes' : flight.status.toLowerCase();
  return (
    <span className="badges">
      <span
        className={`badge badge-${tone}`}
        data-testid="flight-status"
        data-severity={severity}
        data-status={flight.status}
        title={delay > 0 ? t('severity.title', { delay: duration(delay), status: flight.status }) : flight.status}
      >
        {text}
      </span>
      {owed > 0 && (
        <span className="badge badge-owed" data-testid="flight-owed" data-owed={owed}>
          {t('owed', { count: owed })}
        </span>
      )}
    </span>
  );
}

const SYNC_LABEL = { none: 'not issued', pending: 'pending sync', synced: 'issued', rejected: 'rejected' } as const;

export function SyncBadge({ state }: { state: keyof typeof SYNC_LABEL }) {
  return (
    <span className={`badge sync-${state}`} data-testid="entitlement-sync-state" data-state={state}>
      {SYNC_LABEL[state]}
    </span>
  );
}

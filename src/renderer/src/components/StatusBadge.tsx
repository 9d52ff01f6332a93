import type { BoardFlight } from '../../../shared/rpc/contract.js';

/** High-contrast flight status badge; CANCELLED is solid red, DELAYED shows minutes. */
export function StatusBadge({ flight }: { flight: Pick<BoardFlight, 'status' | 'delayMinutes' | 'delayCategory'> }) {
  const delay = flight.status === 'DELAYED' && flight.delayMinutes > 0 ? ` +${flight.delayMinutes}m` : '';
  return (
    <span className={`badge badge-${flight.status.toLowerCase()}`} data-testid="flight-status">
      {flight.status}
      {delay}
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

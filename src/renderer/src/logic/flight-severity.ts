import type { BoardFlight } from '../../../shared/rpc/contract.js';

/**
 * How bad a flight's disruption is, as the gate agent triages it (issue #12): the thresholds are the
 * ones the care and compensation rules turn on (2 h: meals under EU261/UK261 for short flights;
 * 3 h: cash compensation on arrival), not the feed's minor/major/severe category.
 */
export type Severity = 'cancelled' | 'diverted' | 'delay3h' | 'delay2h' | 'minor' | 'none';

export type SeverityFlight = Pick<BoardFlight, 'status' | 'delayMinutes'> & {
  disruption?: { delayMinutes: number } | null;
};

/** The larger of the flight's and its disruption's delay, in minutes. */
export const flightDelay = (f: SeverityFlight): number => Math.max(f.delayMinutes, f.disruption?.delayMinutes ?? 0);

export function flightSeverity(f: SeverityFlight): Severity {
  if (f.status === 'CANCELLED') return 'cancelled';
  if (f.status === 'DIVERTED') return 'diverted';
  const d = flightDelay(f);
  if (d >= 180) return 'delay3h';
  if (d >= 120) return 'delay2h';
  if (d > 0 || f.status === 'DELAYED') return 'minor';
  return 'none';
}

import { delayCategory, type Disruption, type Flight } from '../../../src/shared/domain/index.js';
import type { OpsEvent } from './events.js';

/**
 * Folding ops events into a flight and its disruption, order-independently: FlightPulse sends
 * no message key, so events about one flight may arrive in any order (scenario 5). Each aspect
 * (delay, cancellation, gate, progress) is last-writer-wins by (event timestamp, event id);
 * flags (terminal change) are sticky; the public fields are derived from the aspects. Any
 * delivery order of the same set of events therefore yields the same state.
 */
export interface Aspects {
  delay?: { at: string; minutes: number; causeCode: string | null; causeDetail: string | null; estimatedDeparture: string | null; estimatedArrival: string | null };
  cancel?: { at: string; causeCode: string | null; causeDetail: string | null; noticeGivenAt: string | null };
  gate?: { at: string; gate: string | null; terminal: string | null };
  progress?: { at: string; status: string | null; actualDeparture: string | null; doorOpenArrival: string | null };
  terminalChanged?: boolean;
  firstSeen?: string;
  /**
   * Order keys (`<timestamp>|<eventId>`) of the most recent events, at most RECENT_EVENTS, sorted:
   * the disruption's bounded `eventIds` tail. "Most recent by event time", not "last delivered",
   * so that every delivery order keeps the same tail. Dedupe never reads it (EVENT# markers do).
   */
  recent?: string[];
  /** The flight's own fields before the first event, so that derivation never builds on derived values. */
  base?: Pick<Flight, 'status' | 'delayMinutes' | 'estimatedDeparture' | 'estimatedArrival' | 'actualDeparture' | 'actualArrivalDoorOpen' | 'gate' | 'terminal'>;
}

/** Capture the flight's pre-event fields once (call before the first event is applied). */
export function withBase(a: Aspects, flight: Flight): Aspects {
  if (a.base) return a;
  const { status, delayMinutes, estimatedDeparture, estimatedArrival, actualDeparture, actualArrivalDoorOpen, gate, terminal } = flight;
  return { ...a, base: { status, delayMinutes, estimatedDeparture, estimatedArrival, actualDeparture, actualArrivalDoorOpen, gate, terminal } };
}

export type StoredDisruptionState = Disruption & { aspects: Aspects };

/** How many event ids a disruption keeps (its `eventIds` tail); the count of all is `eventCount`. */
export const RECENT_EVENTS = 20;

const orderKey = (e: OpsEvent): string => `${e.timestamp}|${e.eventId}`;
const newer = (e: OpsEvent, cur?: { at: string }): boolean => !cur || orderKey(e) > cur.at;

export function applyEventToAspects(prev: Aspects, e: OpsEvent): Aspects {
  const a: Aspects = { ...prev };
  const at = orderKey(e);
  a.firstSeen = !a.firstSeen || e.timestamp < a.firstSeen ? e.timestamp : a.firstSeen;
  if (e.terminalChange) a.terminalChanged = true;
  const recent = a.recent ?? [];
  if (!recent.includes(at)) a.recent = [...recent, at].sort().slice(-RECENT_EVENTS);
  if (e.delayMinutes !== null && newer(e, a.delay)) {
    a.delay = {
      at,
      minutes: e.delayMinutes,
      causeCode: e.causeCode,
      causeDetail: e.causeDetail,
      estimatedDeparture: e.estimatedDeparture,
      estimatedArrival: e.estimatedArrival,
    };
  }
  if (e.kind === 'CANCELLATION' && newer(e, a.cancel)) {
    a.cancel = { at, causeCode: e.causeCode, causeDetail: e.causeDetail, noticeGivenAt: e.noticeGivenAt };
  }
  if ((e.gate !== null || e.terminal !== null) && newer(e, a.gate)) {
    a.gate = { at, gate: e.gate ?? a.gate?.gate ?? null, terminal: e.terminal ?? a.gate?.terminal ?? null };
  }
  if ((e.actualDeparture || e.doorOpenArrival || (e.status && e.status !== 'CANCELLED')) && newer(e, a.progress)) {
    a.progress = { at, status: e.status, actualDeparture: e.actualDeparture, doorOpenArrival: e.doorOpenArrival };
  }
  return a;
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** Flight as derived from its base (as scheduled/seeded) plus the aspects. */
export function deriveFlight(current: Flight, a: Aspects, version: number): Flight {
  const base: Flight = a.base ? { ...current, ...a.base } : current;
  const delayMinutes = a.delay?.minutes ?? base.delayMinutes;
  const status: Flight['status'] = a.cancel
    ? 'CANCELLED'
    : a.progress?.doorOpenArrival
      ? 'ARRIVED'
      : a.progress?.actualDeparture
        ? 'DEPARTED'
        : a.progress?.status === 'DIVERTED'
          ? 'DIVERTED'
          : delayMinutes > 0
            ? 'DELAYED'
            : base.status;
  return {
    ...base,
    status,
    delayMinutes,
    // Estimates come from the schedule plus the delay, never from the producer's clock: FlightPulse
    // sends now + delay, which lands before the schedule when the delay is announced early.
    estimatedDeparture: a.delay ? plusMinutes(base.scheduledDeparture, a.delay.minutes) : base.estimatedDeparture,
    estimatedArrival: a.delay ? plusMinutes(base.scheduledArrival, a.delay.minutes) : base.estimatedArrival,
    actualDeparture: a.progress?.actualDeparture ?? base.actualDeparture,
    actualArrivalDoorOpen: a.progress?.doorOpenArrival ?? base.actualArrivalDoorOpen,
    gate: a.gate?.gate ?? base.gate,
    terminal: a.gate?.terminal ?? base.terminal,
    version,
  };
}

/**
 * The disruption as derived from the aspects. `eventCount`: events applied so far (each once, by
 * its EVENT# marker); `eventIds` is only the bounded tail of the most recent ones (aspects.recent),
 * so the item and its change-log entries stay the same size however many events a flight gets.
 */
export function deriveDisruption(id: string, flightId: string, a: Aspects, eventCount: number, version: number): StoredDisruptionState {
  const delayMinutes = a.delay?.minutes ?? 0;
  const kind: Disruption['kind'] = a.cancel
    ? 'CANCELLATION'
    : a.progress?.status === 'DIVERTED'
      ? 'DIVERSION'
      : delayMinutes > 0
        ? 'DELAY'
        : 'GATE_CHANGE';
  const category = delayMinutes > 0 ? delayCategory(delayMinutes) : null;
  const cause = a.cancel ?? a.delay;
  return {
    id,
    flightId,
    kind,
    delayMinutes,
    delayCategory: category,
    causeCode: cause?.causeCode ?? null,
    causeDetail: cause?.causeDetail ?? null,
    urgent: Boolean(a.cancel) || Boolean(a.terminalChanged) || category === 'severe',
    // In event-time order (not arrival order), so that every delivery order converges to the same state.
    eventIds: (a.recent ?? []).map((k) => k.slice(k.indexOf('|') + 1)),
    eventCount,
    detectedAt: a.firstSeen ?? new Date(0).toISOString(),
    version,
    aspects: a,
  };
}

/** Whether a disruption warrants per-passenger cases (the workflow). Gate changes and minor delays do not. */
export function needsCases(d: Disruption): boolean {
  return d.kind === 'CANCELLATION' || d.kind === 'DIVERSION' || (d.kind === 'DELAY' && d.delayMinutes >= 30);
}

import { describe, expect, it } from 'vitest';
import {
  localTime,
  movementDelay,
  sortByStationTime,
  stationMovement,
  stationZone,
  type MovementFlight,
} from '../../../src/shared/board/station-movement.js';

const flight = (id: string, origin: string, destination: string, dep: string, arr: string, extra: Partial<MovementFlight> = {}): MovementFlight => ({
  id,
  origin,
  destination,
  scheduledDeparture: dep,
  scheduledArrival: arr,
  estimatedDeparture: null,
  estimatedArrival: null,
  actualDeparture: null,
  actualArrivalDoorOpen: null,
  gate: 'C3',
  ...extra,
});

describe('stationMovement: what the flight does at this station', () => {
  it('a departure shows the departure time and gate, with the destination as the other end', () => {
    // Prepare
    const f = flight('f1', 'PHX', 'OAK', '2026-07-01T17:00:00Z', '2026-07-01T18:30:00Z', { estimatedDeparture: '2026-07-01T17:40:00Z' });
    // Act
    const m = stationMovement(f, 'PHX');
    // Assess
    expect(m).toMatchObject({ kind: 'dep', otherEnd: 'OAK', scheduled: f.scheduledDeparture, estimated: '2026-07-01T17:40:00Z', gate: 'C3' });
  });

  it('an arrival shows the arrival time here, never the origin’s departure time or gate', () => {
    const f = flight('f2', 'LHR', 'PHX', '2026-07-01T08:00:00Z', '2026-07-01T19:00:00Z', {
      estimatedArrival: '2026-07-01T19:25:00Z',
      actualArrivalDoorOpen: '2026-07-01T19:31:00Z',
      gate: 'B44',
    });
    const m = stationMovement(f, 'PHX');
    expect(m).toMatchObject({ kind: 'arr', otherEnd: 'LHR', scheduled: f.scheduledArrival, actual: '2026-07-01T19:31:00Z' });
    // The feed's gate is the departure gate at LHR: not shown as a PHX gate.
    expect(m.gate).toBeNull();
    expect(movementDelay(m)).toBe(31);
  });

  it('movementDelay: null when nothing newer than the schedule is known, 0 when early', () => {
    expect(movementDelay({ scheduled: '2026-07-01T10:00:00Z', estimated: null, actual: null })).toBeNull();
    expect(movementDelay({ scheduled: '2026-07-01T10:00:00Z', estimated: '2026-07-01T09:50:00Z', actual: null })).toBe(0);
  });
});

describe('sortByStationTime: absolute instants, whatever the origin’s zone', () => {
  it('across the date line: an arrival from Auckland that left "tomorrow" local time sorts by when it lands', () => {
    // Prepare: at PHX (UTC−7, no DST). AKL departure 2026-07-02 03:00 NZST = 2026-07-01T15:00Z, lands 09:00 PHX.
    const fromAkl = flight('akl', 'AKL', 'PHX', '2026-07-01T15:00:00Z', '2026-07-01T16:00:00Z');
    const toOak = flight('oak', 'PHX', 'OAK', '2026-07-01T16:30:00Z', '2026-07-01T18:00:00Z');
    const fromLhr = flight('lhr', 'LHR', 'PHX', '2026-07-01T06:00:00Z', '2026-07-01T17:00:00Z');
    // Act
    const sorted = sortByStationTime([fromLhr, toOak, fromAkl], 'PHX');
    // Assess
    expect(sorted.map((f) => f.id)).toEqual(['akl', 'oak', 'lhr']);
    expect(localTime(fromAkl.scheduledDeparture, stationZone('AKL')).day).toBe('2026-07-02');
    expect(sorted.map((f) => localTime(stationMovement(f, 'PHX').scheduled, stationZone('PHX')).hhmm)).toEqual(['09:00', '09:30', '10:00']);
  });

  it('spring forward (Dallas, 8 Mar 2026): 01:30 CST then 03:15 CDT, no 02:xx hour exists', () => {
    const a = flight('a', 'DAL', 'HOU', '2026-03-08T07:30:00Z', '2026-03-08T08:30:00Z');
    const b = flight('b', 'DAL', 'AUS', '2026-03-08T08:15:00Z', '2026-03-08T09:15:00Z');
    const sorted = sortByStationTime([b, a], 'DAL');
    expect(sorted.map((f) => f.id)).toEqual(['a', 'b']);
    const zone = stationZone('DAL');
    expect(zone).toBe('America/Chicago');
    expect(sorted.map((f) => localTime(f.scheduledDeparture, zone).hhmm)).toEqual(['01:30', '03:15']);
    expect(localTime(a.scheduledDeparture, zone).offset).toBe('GMT-6');
    expect(localTime(b.scheduledDeparture, zone).offset).toBe('GMT-5');
  });

  it('fall back (Dallas, 1 Nov 2026): 01:30 CDT comes before 01:10 CST, as the instants say', () => {
    const first = flight('first', 'DAL', 'HOU', '2026-11-01T06:30:00Z', '2026-11-01T07:30:00Z');
    const second = flight('second', 'HOU', 'DAL', '2026-11-01T06:10:00Z', '2026-11-01T07:10:00Z');
    const sorted = sortByStationTime([second, first], 'DAL');
    expect(sorted.map((f) => f.id)).toEqual(['first', 'second']);
    expect(sorted.map((f) => localTime(stationMovement(f, 'DAL').scheduled, 'America/Chicago').hhmm)).toEqual(['01:30', '01:10']);
  });

  it('London in BST: local hour of the movement is the station’s, not UTC', () => {
    expect(localTime('2026-07-01T23:30:00Z', stationZone('LHR'))).toMatchObject({ day: '2026-07-02', hour: 0, hhmm: '00:30', offset: 'GMT+1' });
    expect(localTime('2026-01-15T23:30:00Z', stationZone('LHR'))).toMatchObject({ day: '2026-01-15', hour: 23, offset: 'GMT+0' });
  });

  it('is stable on equal times (flight id) and leaves its input alone', () => {
    const x = flight('x', 'PHX', 'OAK', '2026-07-01T16:30:00Z', '2026-07-01T18:00:00Z');
    const w = flight('w', 'LAX', 'PHX', '2026-07-01T15:30:00Z', '2026-07-01T16:30:00Z');
    const input = [x, w];
    expect(sortByStationTime(input, 'PHX').map((f) => f.id)).toEqual(['w', 'x']);
    expect(input.map((f) => f.id)).toEqual(['x', 'w']);
  });

  it('an unknown airport falls back to UTC', () => {
    expect(stationZone('ZZZ')).toBe('UTC');
  });
});

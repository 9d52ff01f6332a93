import { encode } from 'bcbp';
import { describe, expect, it } from 'vitest';
import { ScanDetector, type ScanVerdict } from '../../../src/renderer/src/logic/scanner.js';

const PASS = encode({
  data: {
    passengerName: 'GONZALEZ/MARIA',
    legs: [
      {
        operatingCarrierPNR: 'ABC123',
        departureAirport: 'PHX',
        arrivalAirport: 'OAK',
        operatingCarrierDesignator: 'SW',
        flightNumber: '0912',
        flightDate: new Date('2026-11-24T00:00:00Z'),
        compartmentCode: 'Y',
        seatNumber: '012A',
        checkInSequenceNumber: '0001',
        passengerStatus: '1',
      },
    ],
  },
});

/** Feeds `keys` `stepMs` apart from t=1000; returns every verdict. */
function feed(d: ScanDetector, keys: readonly string[], stepMs: number, start = 1000): ScanVerdict[] {
  return keys.map((k, i) => d.feed(k, start + i * stepMs));
}

describe('ScanDetector (keyboard-wedge reader vs. a person)', () => {
  it('a burst of a whole pass ending in Enter is one scan, and every key of it is swallowed', () => {
    const d = new ScanDetector();
    const out = feed(d, [...PASS, 'Enter'], 10);
    expect(out.slice(0, -1).every((v) => v.kind === 'swallow')).toBe(true);
    expect(out.at(-1)).toEqual({ kind: 'scan', text: PASS });
    expect(d.active).toBe(false);
  });

  it('ignores Shift (a reader sends it for capitals) inside a burst', () => {
    const d = new ScanDetector();
    const keys = [...PASS].flatMap((c) => (/[A-Z]/.test(c) ? ['Shift', c] : [c]));
    expect(feed(d, [...keys, 'Enter'], 5).at(-1)).toEqual({ kind: 'scan', text: PASS });
  });

  it('an M, then a pause before the digit, triggers nothing: the digit and what follows reach the page', () => {
    const d = new ScanDetector();
    const out = feed(d, ['M', '1', 'g', 'b'], 2500);
    expect(out.map((v) => v.kind)).toEqual(['swallow', 'pass', 'pass', 'pass']);
  });

  it('an M not followed by a leg count (1–4) lets the next key through (shortcuts keep working)', () => {
    const d = new ScanDetector();
    expect(feed(d, ['M', 'j'], 5).map((v) => v.kind)).toEqual(['swallow', 'pass']);
    expect(feed(d, ['M', '9'], 5).map((v) => v.kind)).toEqual(['swallow', 'pass']);
  });

  it('a short burst ending in Enter is not a scan', () => {
    const d = new ScanDetector();
    expect(feed(d, ['M', '1', 'A', 'Enter'], 5).at(-1)).toEqual({ kind: 'swallow' });
  });

  it('a reader slowed down by a busy PC (keys seconds apart) is still one scan', () => {
    const d = new ScanDetector();
    const out = feed(d, [...PASS, 'Enter'], 400);
    expect(out.at(-1)).toEqual({ kind: 'scan', text: PASS });
  });

  it('a burst older than maxBurstMs is dropped; the next M starts a new one', () => {
    const d = new ScanDetector({ maxBurstMs: 1000 });
    feed(d, [...PASS.slice(0, 30)], 50, 0);
    expect(d.feed('Enter', 5000)).toEqual({ kind: 'pass' });
    expect(feed(d, [...PASS, 'Enter'], 5, 10_000).at(-1)).toEqual({ kind: 'scan', text: PASS });
  });

  it('a navigation key inside a burst ends it and goes to the page', () => {
    const d = new ScanDetector();
    expect(feed(d, ['M', '1', 'X', 'ArrowDown'], 5).at(-1)).toEqual({ kind: 'pass' });
    expect(d.active).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { FlightPulseEventSchema } from '../../../src/simulator/events.js';
import { LOAD_LIMITS, loadEventGenerator, plannedTotal, runLoad, type LoadClock } from '../../../src/simulator/load.js';
import type { OutMessage } from '../../../src/simulator/produce.js';

/** A fake clock: sleeping advances time instantly, sending costs `sendMs`. */
const fakeClock = (sendMs = 0) => {
  let t = 0;
  const clock: LoadClock = { now: () => t, sleep: async (ms) => void (t += ms) };
  return { clock, advance: (ms: number) => void (t += ms), sendMs };
};

describe('load generator', () => {
  it('mixes all three event types over the given flights, each valid and key-less', () => {
    const next = loadEventGenerator({ flights: ['SW1234', 'SW9012'], seed: 7 });
    const msgs = Array.from({ length: 400 }, next);
    const events = msgs.map((m) => FlightPulseEventSchema.parse(JSON.parse(m.value)));
    expect(new Set(events.map((e) => e.event_type))).toEqual(
      new Set(['FLIGHT_DELAY', 'FLIGHT_CANCELLED', 'GATE_CHANGE']),
    );
    expect(new Set(events.map((e) => e.payload.flight_id))).toEqual(new Set(['SW1234', 'SW9012']));
    expect(msgs.every((m) => m.key === null)).toBe(true);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(400);
  });
});

describe('load bounds', () => {
  it.each([
    [{ rate: 0, count: 1 }, /--rate/],
    [{ rate: LOAD_LIMITS.maxRate + 1, count: 1 }, /--rate/],
    [{ rate: 10 }, /--duration|--count/],
    [{ rate: 10, durationSec: LOAD_LIMITS.maxDurationSec + 1 }, /--duration/],
    [{ rate: 10, count: LOAD_LIMITS.maxCount + 1 }, /--count/],
  ])('%j is refused', (plan, msg) => {
    expect(() => plannedTotal(plan)).toThrow(msg);
  });
  it.each([
    [{ rate: 100, durationSec: 2 }, 200],
    [{ rate: 100, count: 50 }, 50],
    [{ rate: 100, durationSec: 2, count: 50 }, 50],
  ])('%j sends %i', (plan, n) => {
    expect(plannedTotal(plan)).toBe(n);
  });
});

describe('load pacing', () => {
  it('sends exactly the planned count at about the planned rate, with progress', async () => {
    // Prepare
    const { clock, advance } = fakeClock();
    const sent: OutMessage[] = [];
    const producer = { send: async (b: readonly OutMessage[]) => void (advance(2), sent.push(...b)) };
    const progress: number[] = [];
    // Act
    const r = await runLoad(
      producer,
      loadEventGenerator({ seed: 1 }),
      { rate: 200, durationSec: 3 },
      { clock, onProgress: (p) => progress.push(p.produced) },
    );
    // Assess
    expect(r.produced).toBe(600);
    expect(sent).toHaveLength(600);
    expect(r.ratePerSec).toBeGreaterThan(190);
    expect(r.ratePerSec).toBeLessThan(215);
    expect(progress.length).toBeGreaterThanOrEqual(2);
  });

  it('a slow broker lowers the achieved rate instead of buffering without bound', async () => {
    const { clock, advance } = fakeClock();
    let biggest = 0;
    const producer = {
      send: async (b: readonly OutMessage[]) => void (advance(1000), (biggest = Math.max(biggest, b.length))),
    };
    const r = await runLoad(
      producer,
      loadEventGenerator({ seed: 1 }),
      { rate: LOAD_LIMITS.maxRate, count: 3000 },
      { clock },
    );
    expect(r.produced).toBe(3000);
    expect(biggest).toBeLessThanOrEqual(LOAD_LIMITS.maxBatch);
    expect(r.ratePerSec).toBeLessThan(LOAD_LIMITS.maxRate);
  });

  it('stops when aborted', async () => {
    const { clock } = fakeClock();
    const ac = new AbortController();
    let n = 0;
    const producer = { send: async (b: readonly OutMessage[]) => void ((n += b.length) >= 10 && ac.abort()) };
    const r = await runLoad(
      producer,
      loadEventGenerator({ seed: 1 }),
      { rate: 10, count: 1000 },
      { clock, signal: ac.signal },
    );
    expect(r.produced).toBe(10);
  });
});

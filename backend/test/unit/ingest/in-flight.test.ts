import { describe, expect, it } from 'vitest';
import { inFlightTracker } from '../../../src/ingest/in-flight.js';

describe('inFlightTracker', () => {
  it('idle() resolves at once when nothing is in flight', async () => {
    await expect(inFlightTracker().idle()).resolves.toBeUndefined();
  });

  it('idle() waits for every tracked batch, also one that fails', async () => {
    const t = inFlightTracker();
    let release!: () => void;
    let fail!: (e: Error) => void;
    const a = t.track(() => new Promise<string>((r) => (release = () => r('a'))));
    const b = t.track(() => new Promise<never>((_r, j) => (fail = j)));
    let idle = false;
    const waiting = t.idle().then(() => (idle = true));
    release();
    expect(await a).toBe('a');
    expect(idle).toBe(false);
    fail(new Error('boom'));
    await expect(b).rejects.toThrow('boom');
    await waiting;
    expect(idle).toBe(true);
  });
});

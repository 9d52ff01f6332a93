/**
 * Tells a keyboard-wedge barcode reader from a person at the keyboard. A reader "types" a whole
 * boarding pass in a burst ending with Enter, and a BCBP string always starts with `M` and the leg
 * count (1–4). So: outside text fields, an `M` followed within `gapMs` by 1–4 opens a burst; every
 * following printable key is part of it (swallowed, so `1`, `/`, `g` … trigger no shortcut) until
 * Enter ends it. A non-printable key (Esc, arrows, Tab) or a burst older than `maxBurstMs` drops it.
 * No per-key speed test after the prefix: a busy desk PC can deliver a reader's keys in clumps
 * seconds apart (seen in tests at load 30 on 2 cores), and the prefix is what tells a pass apart.
 * The cost: `M` then 1–4 pressed by hand swallows printable keys until Esc, Enter or `maxBurstMs`.
 *
 * Pure (time is passed in) so it can be tested without a DOM.
 */
export interface ScanDetectorOptions {
  /** Longest pause between the `M` and the leg count. */
  gapMs?: number;
  /** Longest a burst may last from its `M` to its Enter. */
  maxBurstMs?: number;
  /** A burst shorter than this at Enter is not a scan (the keys were swallowed; nothing happens). */
  minLength?: number;
}

/** What to do with a key: let the page have it, swallow it (part of a burst), or a complete scan. */
export type ScanVerdict = { kind: 'pass' } | { kind: 'swallow' } | { kind: 'scan'; text: string };

const MODIFIERS = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'Meta', 'AltGraph']);
const MAX_LENGTH = 1000;

export class ScanDetector {
  private buffer = '';
  private lastAt = 0;
  private startedAt = 0;
  private readonly gapMs: number;
  private readonly maxBurstMs: number;
  private readonly minLength: number;

  constructor(opts: ScanDetectorOptions = {}) {
    this.gapMs = opts.gapMs ?? 2000;
    this.maxBurstMs = opts.maxBurstMs ?? 30_000;
    this.minLength = opts.minLength ?? 20;
  }

  /** True while a burst is open (the page should not act on keys). */
  get active(): boolean {
    return this.buffer.length > 0;
  }

  reset(): void {
    this.buffer = '';
  }

  /** Feeds one keydown (`key` as KeyboardEvent.key) at time `at` (ms). */
  feed(key: string, at: number): ScanVerdict {
    if (MODIFIERS.has(key)) return this.buffer ? { kind: 'swallow' } : { kind: 'pass' };
    if (this.buffer === 'M' && at - this.lastAt > this.gapMs) this.buffer = '';
    if (this.buffer && at - this.startedAt > this.maxBurstMs) this.buffer = '';
    if (!this.buffer) {
      if (key !== 'M') return { kind: 'pass' };
      this.buffer = 'M';
      this.startedAt = at;
      this.lastAt = at;
      return { kind: 'swallow' };
    }
    this.lastAt = at;
    if (key === 'Enter') {
      const text = this.buffer;
      this.buffer = '';
      return text.length >= this.minLength ? { kind: 'scan', text } : { kind: 'swallow' };
    }
    if (this.buffer === 'M' && !/^[1-4]$/.test(key)) {
      this.buffer = '';
      return { kind: 'pass' };
    }
    if (key.length !== 1 || this.buffer.length >= MAX_LENGTH) {
      this.buffer = '';
      return { kind: 'pass' };
    }
    this.buffer += key;
    return { kind: 'swallow' };
  }
}

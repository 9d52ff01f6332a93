import { describe, expect, it } from 'vitest';
import { launchToken } from '../../../src/renderer/src/rpc/launch-token.js';

/** sessionStorage, in memory. */
const store = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('web-mode launch token in the renderer', () => {
  it('takes ?t= from the printed URL and keeps it for a reload of the tab without it', () => {
    const s = store();
    expect(launchToken('?t=abc_DEF-123', s)).toBe('abc_DEF-123');
    expect(launchToken('', s)).toBe('abc_DEF-123');
  });

  it('a new launch URL replaces the kept token', () => {
    const s = store();
    launchToken('?t=old', s);
    expect(launchToken('?x=1&t=new', s)).toBe('new');
  });

  it('no token anywhere: empty (the server then refuses the socket)', () => {
    expect(launchToken('', store())).toBe('');
  });
});

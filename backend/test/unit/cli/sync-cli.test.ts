import { describe, expect, it } from 'vitest';
import { runCompactCli, runRestoreEpochCli } from '../../../src/cli/sync.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } }, out, err };
};

describe('jetway restore-epoch / compact: usage', () => {
  it.each([
    [[], /--reason is required/],
    [['--reason', '   '], /--reason is required/],
    [['--reason', 'x'.repeat(501)], /--reason is required/],
    [['--reason', 'ok', '--bogus'], /Unknown option/],
  ])('restore-epoch %j → exit 2', async (argv, message) => {
    const t = io();
    expect(await runRestoreEpochCli(argv, t.io, { env: {}, cwd: '/' })).toBe(2);
    expect(t.err.join('')).toMatch(message);
  });

  it.each([[['--horizon-hours', '-1']], [['--horizon-hours', 'soon']], [['--station', 'phx']]])(
    'compact %j → exit 2',
    async (argv) => {
      const t = io();
      expect(await runCompactCli(argv, t.io, { env: {}, cwd: '/' })).toBe(2);
    },
  );

  it('--help prints the usage and exits 0', async () => {
    const t = io();
    expect(await runRestoreEpochCli(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/usage: jetway restore-epoch/);
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runChaos } from './run.js';

// Issue #10: the chaos simulation in `npm test` (integration tier). CI size: 3 desks, 600
// commands, 2 desk SIGKILLs, 1 cloud SIGKILL + restart (about 3 minutes on 2 cores). Soak
// (`npm run soak`, JETWAY_SOAK=1): 10 desks, 5,000 commands, 8 desk kills, 3 cloud restarts.
// The seed is JETWAY_CHAOS_SEED or a fresh one; a failure prints it and the replay command.

const soak = process.env.JETWAY_SOAK === '1';
const size = soak
  ? { desks: 10, commands: 5000, deskKills: 8, cloudRestarts: 3, passengers: 2000, cancellations: 30 }
  : { desks: 3, commands: 600, deskKills: 2, cloudRestarts: 1 };
const seed = process.env.JETWAY_CHAOS_SEED ?? randomBytes(4).toString('hex');

describe('chaos simulation', () => {
  it(
    `${size.desks} desks, ${size.commands} commands, ${size.deskKills} desk kills, ${size.cloudRestarts} cloud restarts converge (seed ${seed})`,
    async () => {
      const report = await runChaos({
        seed,
        ...size,
        log: process.env.JETWAY_CHAOS_QUIET ? () => undefined : (l) => console.log(`[chaos] ${l}`),
      });
      const { failures, tableHashes: _hashes, ...summary } = report;
      console.log(`[chaos] summary ${JSON.stringify(summary)}`);
      if (failures.length) console.log(`[chaos] FAILED, replay with: ${report.replay}\n${failures.join('\n')}`);
      expect(failures, `chaos seed ${seed}; replay: ${report.replay}`).toEqual([]);
      expect(report.created).toBeGreaterThanOrEqual(size.commands);
      expect(report.deskKills).toBe(size.deskKills);
      expect(report.cloudRestarts).toBe(size.cloudRestarts);
    },
    soak ? 7_200_000 : 1_200_000,
  );
});

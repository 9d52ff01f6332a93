/**
 * `npm run chaos -- [--seed S] [--desks N] [--commands N] [--desk-kills N] [--cloud-restarts N] [--keep]`
 * runs the chaos simulation standalone (./run.ts), printing progress and a summary. The seed also
 * comes from JETWAY_CHAOS_SEED; without either a random one is drawn and printed. Exit 1 on a
 * failed check, with the line that replays the run.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runChaos, type ChaosReport } from './run.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    desks: { type: 'string', default: '3' },
    commands: { type: 'string', default: '600' },
    'desk-kills': { type: 'string' },
    'cloud-restarts': { type: 'string' },
    passengers: { type: 'string' },
    'work-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run chaos -- [--seed S] [--desks 3] [--commands 600] [--desk-kills N] [--cloud-restarts N] [--passengers N] [--work-dir DIR] [--keep]\n' +
      'env: JETWAY_CHAOS_SEED=S (same as --seed)',
  );
  process.exit(0);
}
const int = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${v}`);
    process.exit(2);
  }
  return n;
};
const desks = int('desks', values.desks, 3);
const commands = int('commands', values.commands, 600);
const seed = values.seed ?? process.env.JETWAY_CHAOS_SEED ?? randomBytes(4).toString('hex');
const report: ChaosReport = await runChaos({
  seed,
  desks,
  commands,
  deskKills: int('desk-kills', values['desk-kills'], Math.max(2, Math.round(commands / 300))),
  cloudRestarts: int('cloud-restarts', values['cloud-restarts'], Math.max(1, Math.round(commands / 1500))),
  ...(values.passengers ? { passengers: int('passengers', values.passengers, 1000) } : {}),
  ...(values['work-dir'] ? { workDir: values['work-dir'] } : {}),
  keep: values.keep,
  log: (l) => console.log(`${new Date().toISOString().slice(11, 19)} ${l}`),
});
console.log(`\n=== chaos summary (seed ${report.seed}) ===`);
const { failures, tableHashes, ...rest } = report;
console.log(JSON.stringify(rest, null, 2));
if (process.env.JETWAY_CHAOS_HASHES) console.log(JSON.stringify(tableHashes, null, 2));
if (failures.length) {
  console.log(`\nFAILED: ${failures.length} check(s):`);
  for (const f of failures.slice(0, 50)) console.log(`  - ${f}`);
  console.log(`\nreplay: ${report.replay}\nwork dir kept: ${report.workDir}`);
  process.exit(1);
}
console.log(`\nPASSED (${report.created} commands, ${report.seconds.total.toFixed(0)} s)`);
process.exit(0);

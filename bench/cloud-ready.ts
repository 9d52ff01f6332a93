/**
 * `npm run cloud` → its `ready in X.Xs` line: the time a newcomer waits, measured from spawning
 * the CLI (fresh persistent data dir, demo data seeded, as `npm run cloud -- --fresh`) to the
 * ready line, then Ctrl-C (SIGINT) and the time until every process has exited. Three runs; the
 * slowest counts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

async function once(): Promise<{ readyS: number; stopS: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-cloud-'));
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'backend/src/local/cli.ts', '--fresh', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAFKA_BROKERS: '' },
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    const readyS = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/ready in \d+\.\ds/.test(out)) {
          clearInterval(timer);
          resolve((performance.now() - t0) / 1000);
        } else if (proc.exitCode !== null || performance.now() - t0 > 180_000) {
          clearInterval(timer);
          reject(new Error(`no ready line (exit ${proc.exitCode}):\n${out.slice(-2000)}`));
        }
      }, 50);
    });
    const s0 = performance.now();
    proc.kill('SIGINT');
    const code = await exited;
    if (code !== 0) throw new Error(`npm run cloud exited ${code} on SIGINT:\n${out.slice(-2000)}`);
    return { readyS, stopS: (performance.now() - s0) / 1000 };
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await once());
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    'cloud.ready_seconds_worst_of_3': { value: round(Math.max(...runs.map((r) => r.readyS))), unit: 's', target: '<= 60' },
    'cloud.stop_seconds_worst_of_3': { value: round(Math.max(...runs.map((r) => r.stopS))), unit: 's', target: '-' },
  };
}

#!/usr/bin/env node
// `npm test`: every tier, in order, against real local services; CI-sized reliability runs.
// `npm run soak`: the same with JETWAY_SOAK=1 (full sizes for reliability/fault-injection runs).
// Prints each step's outcome and a closing `tests: N passed, N failed` line summed from the
// runners' own JSON reports. Any failed step fails the run; nothing is skipped quietly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const soak = process.argv.includes('--soak');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const reports = path.join(root, 'test-results', 'reports');
fs.mkdirSync(reports, { recursive: true });

const env = { ...process.env, JETWAY_SOAK: soak ? '1' : (process.env.JETWAY_SOAK ?? '0'), FORCE_COLOR: '0' };

/** @type {{name: string, cmd: string, args: string[], report?: {file: string, kind: 'vitest'|'playwright'}}[]} */
const steps = [
  { name: 'lint', cmd: 'npx', args: ['eslint', '.', '--max-warnings=0'] },
  { name: 'typecheck', cmd: 'npm', args: ['run', '-s', 'typecheck'] },
  {
    name: 'unit',
    cmd: 'npx',
    args: ['vitest', 'run', '--project', 'unit', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, 'unit.json')}`],
    report: { file: path.join(reports, 'unit.json'), kind: 'vitest' },
  },
  {
    name: 'integration',
    cmd: 'npx',
    args: ['vitest', 'run', '--project', 'integration', '--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, 'integration.json')}`],
    report: { file: path.join(reports, 'integration.json'), kind: 'vitest' },
  },
  {
    name: 'e2e',
    cmd: 'npx',
    args: ['playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'e2e.json') },
    report: { file: path.join(reports, 'e2e.json'), kind: 'playwright' },
  },
].filter((s) => !only || only.includes(s.name));

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.cmd, step.args, { cwd: root, stdio: 'inherit', env: { ...env, ...(step.env ?? {}) } });
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
    child.on('error', () => resolve(1));
  });
}

function counts(report) {
  if (!report || !fs.existsSync(report.file)) return null;
  const r = JSON.parse(fs.readFileSync(report.file, 'utf8'));
  if (report.kind === 'vitest') {
    return { passed: r.numPassedTests ?? 0, failed: (r.numFailedTests ?? 0) + (r.numTodoTests ?? 0), total: r.numTotalTests ?? 0 };
  }
  const s = r.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), total: (s.expected ?? 0) + (s.unexpected ?? 0) + (s.flaky ?? 0) + (s.skipped ?? 0) };
}

const started = Date.now();
let passed = 0;
let failed = 0;
const summary = [];
for (const step of steps) {
  if (step.report) fs.rmSync(step.report.file, { force: true });
  const t0 = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const code = await run(step);
  const c = counts(step.report);
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (c) {
    passed += c.passed;
    failed += c.failed;
    if (c.total === 0) failed += 1; // a tier that ran no test is a failure, not a pass
  }
  const ok = code === 0 && (!c || (c.failed === 0 && c.total > 0));
  if (!ok && (!c || c.failed === 0)) failed += 1; // a failed step without test counts (lint, typecheck, crash)
  summary.push(`${ok ? 'PASS' : 'FAIL'} ${step.name}${c ? ` (${c.passed}/${c.total} tests)` : ''} ${secs}s`);
}
console.log(`\n=== summary (${soak ? 'soak' : 'CI'} sizes, ${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
for (const line of summary) console.log(line);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

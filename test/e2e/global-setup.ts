import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Builds the renderer once per run, so the e2e always tests the current source. */
export default function globalSetup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('electron-vite build failed');
  // A sandboxed preload can require nothing but `electron`: fail early if the bundle does.
  const preload = fs.readFileSync(path.join(root, 'out/preload/index.cjs'), 'utf8');
  const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  if (requires.some((m) => m !== 'electron')) throw new Error(`preload bundle requires ${requires.join(', ')}: only electron is allowed`);
}

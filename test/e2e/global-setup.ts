import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Builds the renderer once per run, so the e2e always tests the current source. */
export default function globalSetup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('electron-vite build failed');
}

#!/usr/bin/env node
/**
 * `npm start`      → the Electron desk + the local cloud (needs the Electron binary).
 * `npm run start:web` → web mode: the local cloud + the desk server; open the printed URL in
 *                    Chromium. Same desk services, same renderer, WebSocket instead of IPC.
 * Extra arguments pass through (e.g. `npm run start:web -- --simulate --port 8080`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const web = args.includes('--web');
const rest = args.filter((a) => a !== '--web');

function run(extra) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/start-web.ts'), ...extra], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  return child;
}

if (web) {
  const child = run(rest);
  child.stdout.pipe(process.stdout);
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  // The Electron binary is downloaded by electron's postinstall; where that is impossible
  // (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network), say so instead of failing obscurely.
  let electronPath = null;
  try {
    electronPath = createRequire(import.meta.url)('electron');
  } catch (err) {
    electronPath = null;
    process.stderr.write(`electron: ${String(err?.message ?? err).split('\n')[0]}\n`);
  }
  if (typeof electronPath !== 'string' || !(await import('node:fs')).existsSync(electronPath)) {
    console.error(
      [
        '',
        'The Electron binary is not installed on this machine (it could not be downloaded, e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1).',
        'Run the same desk in web mode instead:',
        '',
        '    npm run start:web',
        '',
        'and open the printed URL in Chromium. On a machine with network access, `npm install` fetches Electron',
        'and `npm start` opens the desktop window.',
        '',
      ].join('\n'),
    );
    process.exit(3);
  }
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
  // The Electron shell needs the SQLite addon built for Electron's ABI (scripts/electron-sqlite.mjs).
  if (!process.env.JETWAY_SQLITE_BINDING) {
    const { ensureElectronSqlite } = await import('./electron-sqlite.mjs');
    const electronVersion = createRequire(import.meta.url)('electron/package.json').version;
    process.env.JETWAY_SQLITE_BINDING = ensureElectronSqlite(electronVersion);
  }
  if (!process.env.JETWAY_API_URL && !process.env.JETWAY_DESK_SECRET) {
    // The local-cloud demo on a PC without an OS key store (Linux without a keyring): the shell
    // derives the database key from a desk secret (src/main/db/keys.ts). As `npm run start:web`
    // does, generate one once and keep it in .jetway/ (0600): the database files alone stay
    // unreadable, the whole folder does not (docs/decisions.md). A real desk sets its own.
    const fs = await import('node:fs');
    const file = path.join(root, '.jetway', 'desk-electron.secret');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const { randomBytes } = await import('node:crypto');
      fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    }
    process.env.JETWAY_DESK_SECRET = fs.readFileSync(file, 'utf8').trim();
  }
  if (process.env.JETWAY_API_URL) {
    // A deployed (or already running) backend: no local cloud; the shell reads JETWAY_* itself.
    const electron = spawn(electronPath, [root], { cwd: root, stdio: 'inherit', env: process.env });
    electron.on('exit', (code) => process.exit(code ?? 0));
  } else {
    const cloud = run(['--cloud-only', ...rest]);
    let buf = '';
    cloud.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += String(chunk);
      const m = /JETWAY_CLOUD (\{.*\})/.exec(buf);
      if (!m || cloud.electron) return;
      const cfg = JSON.parse(m[1]);
      cloud.electron = spawn(electronPath, [root], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, JETWAY_API_URL: cfg.apiUrl, JETWAY_COGNITO: JSON.stringify(cfg.cognito) },
      });
      cloud.electron.on('exit', () => cloud.kill('SIGTERM'));
    });
    cloud.on('exit', (code) => process.exit(code ?? 1));
  }
}

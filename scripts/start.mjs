#!/usr/bin/env node
/**
 * `npm start`      → the Electron desk + the local cloud; where the Electron binary is missing
 *                    (it cannot be downloaded here), says so in one line and serves the same
 *                    console in web mode instead, printing the URL and opening it in a browser
 *                    when there is one (xdg-open / open; never fails when there is none).
 * `npm run start:web` → web mode: the local cloud + the desk server; open the printed URL in
 *                    Chromium. Same desk services, same renderer, WebSocket instead of IPC.
 * Extra arguments pass through (e.g. `npm run start:web -- --simulate --port 8080`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserOpener, deskUrlIn, findElectronBinary } from './launch.mjs';

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

/** Web mode: the same console over WebSocket; with `open`, the printed URL opens in a browser. */
function serveWeb(extra, { open }) {
  const child = run(extra);
  let buf = '';
  let opened = !open;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (opened) return;
    buf += String(chunk);
    const url = deskUrlIn(buf);
    if (!url) return;
    opened = true;
    const opener = browserOpener();
    if (!opener) return; // no browser here (headless): the URL above is the way in
    try {
      const p = spawn(opener.cmd, [...opener.args, url], { stdio: 'ignore', detached: true });
      p.on('error', () => undefined);
      p.unref();
    } catch {
      // opening a browser is a convenience, never a reason to fail
    }
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}

// The Electron binary is downloaded by electron's postinstall; where that is impossible
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network) `npm start` still gives the console, in web mode.
let electronDir = null;
if (!web) {
  try {
    electronDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    electronDir = null;
  }
}
const electron = web ? null : findElectronBinary({ electronDir });

if (web) {
  serveWeb(rest, { open: false });
} else if (!electron.ok) {
  console.log(`[jetway] No Electron binary on this machine (${electron.reason}): serving the same console in web mode instead; open the desk URL printed below.`);
  serveWeb(rest, { open: true });
} else {
  const electronPath = electron.path;
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

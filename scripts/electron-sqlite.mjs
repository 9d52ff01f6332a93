/**
 * The desk's SQLite addon must be built for the runtime that loads it: node_modules holds the
 * Node build (tests, web mode); the Electron shell needs one built against Electron's ABI.
 * `ensureElectronSqlite()` keeps such a build in `.cache/electron-sqlite/<electron version>/`
 * (prebuilt binary via prebuild-install, else compiled with node-gyp against Electron's headers)
 * and returns the path of the `.node` file, which `npm start` passes to the shell as
 * JETWAY_SQLITE_BINDING (better-sqlite3's `nativeBinding` option). One `npm install` serves both.
 *
 * Needs network access to Electron's prebuilds or headers, like the Electron binary itself:
 * it cannot run on the build machines, and is untested there (see the README).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const PKG = 'better-sqlite3-multiple-ciphers';

export function ensureElectronSqlite(electronVersion, log = (m) => console.log(`[jetway] ${m}`)) {
  const dir = path.join(root, '.cache', 'electron-sqlite', electronVersion, PKG);
  const binding = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return binding;
  log(`building ${PKG} for Electron ${electronVersion} (once) …`);
  const src = path.join(root, 'node_modules', PKG);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(src)) {
    if (entry === 'build') continue;
    fs.cpSync(path.join(src, entry), path.join(dir, entry), { recursive: true });
  }
  const run = (cmd, args) =>
    spawnSync(cmd, args, { cwd: dir, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } }).status === 0;
  const prebuild = path.join(root, 'node_modules', '.bin', 'prebuild-install');
  const ok =
    run(prebuild, ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]) ||
    run('npm', [
      'exec',
      '--yes',
      '--',
      'node-gyp',
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
    ]);
  if (!ok || !fs.existsSync(binding)) {
    throw new Error(
      `could not build ${PKG} for Electron ${electronVersion}; set JETWAY_SQLITE_BINDING to an Electron build of it, or use npm run start:web`,
    );
  }
  return binding;
}

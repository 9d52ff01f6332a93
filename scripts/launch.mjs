/**
 * What `npm start` needs to decide before launching (scripts/start.mjs), kept free of side effects
 * so it can be unit-tested (test/unit/cli/launch.test.ts): is the Electron binary there, which
 * command opens a URL in a browser, and where web mode prints its URL.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds the Electron binary the way node_modules/electron/index.js does (path.txt names the
 * executable inside dist/, ELECTRON_OVERRIDE_DIST_PATH replaces dist/), but without throwing:
 * `{ ok: true, path }`, or `{ ok: false, reason }` with a one-line reason.
 * @param {{ electronDir: string | null, env?: Record<string, string | undefined>, exists?: (p: string) => boolean, read?: (p: string) => string }} o
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function findElectronBinary({ electronDir, env = process.env, exists = fs.existsSync, read = (p) => fs.readFileSync(p, 'utf8') }) {
  if (!electronDir) return { ok: false, reason: 'the electron package is not installed (node_modules/electron is missing)' };
  const pathFile = path.join(electronDir, 'path.txt');
  const name = exists(pathFile) ? read(pathFile).trim() : '';
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  if (!name && !env.ELECTRON_OVERRIDE_DIST_PATH)
    return { ok: false, reason: `the Electron binary was never downloaded (${path.join('node_modules', 'electron', 'path.txt')} is missing)` };
  const binary = path.join(distDir, name || 'electron');
  if (!exists(binary)) return { ok: false, reason: `the Electron binary is missing (${binary} does not exist)` };
  return { ok: true, path: binary };
}

/**
 * The command that opens a URL in the default browser, or null where there is none (a headless
 * build machine): `open` on macOS, `cmd /c start` on Windows, `xdg-open` elsewhere when it is on
 * PATH and a display (DISPLAY or WAYLAND_DISPLAY) exists.
 * @param {{ platform?: string, env?: Record<string, string | undefined>, onPath?: (cmd: string) => boolean }} o
 * @returns {{ cmd: string, args: string[] } | null}
 */
export function browserOpener({ platform = process.platform, env = process.env, onPath = (cmd) => commandOnPath(cmd, env) } = {}) {
  if (platform === 'darwin') return onPath('open') ? { cmd: 'open', args: [] } : null;
  if (platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  return onPath('xdg-open') ? { cmd: 'xdg-open', args: [] } : null;
}

/** @param {string} cmd @param {Record<string, string | undefined>} env */
export function commandOnPath(cmd, env = process.env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * The desk URL in web mode's output (scripts/start-web.ts prints `[jetway] desk:  http://…/?t=…`).
 * @param {string} text
 * @returns {string | null}
 */
export function deskUrlIn(text) {
  const m = /\[jetway\] desk:\s+(http:\/\/\S+)/.exec(text);
  return m ? m[1] : null;
}

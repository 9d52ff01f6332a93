#!/usr/bin/env node
/**
 * Installs the project's pinned Node (the exact version in `.nvmrc`, one current LTS for Lambda,
 * the desk's Electron, development and CI: docs/decisions.md) into `.cache/node`, idempotently.
 *
 * The binary comes from the npm registry's `node-<platform>-<arch>` package (the official build
 * with its headers in `include/node/`), fetched with `npm pack`; npm checks the tarball against
 * the registry's integrity hash. Native addons are built against those headers by pointing
 * `npm_config_nodedir` at the folder (node-gyp cannot download headers on every machine).
 *
 *   node scripts/setup-node.mjs              install if needed, print what it did
 *   node scripts/setup-node.mjs --print-dir  install if needed, print only the folder (for .ci/run)
 *
 * Runs on any Node ≥ 18 (it is what installs the newer one). Linux x64/arm64 only: the registry
 * has no current darwin/win builds; elsewhere install the version of `.nvmrc` with nvm/fnm.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = () => process.env.JETWAY_CACHE_DIR ?? path.join(repoRoot, '.cache');

/** The pinned version, from `.nvmrc` (read by nvm and fnm too): `24.22.3`. */
export function pinnedNodeVersion() {
  const v = readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`.nvmrc must hold an exact version (like 24.22.3), not '${v}'`);
  return v;
}

/** The registry package that holds the official binary for this machine, or null. */
export function nodePackageName(platform = process.platform, arch = process.arch) {
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return `node-linux-${arch}`;
  return null;
}

/** `.cache/node`: `bin/node` and `include/node/` (npm_config_nodedir). */
export const nodeDir = () => path.join(cacheDir(), 'node');

function versionOf(bin) {
  if (!existsSync(bin)) return null;
  const r = spawnSync(bin, ['-p', 'process.version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/^v/, '') : null;
}

/**
 * Makes sure `.cache/node` holds the pinned Node; returns `{ dir, bin, version }`. Builds in a temp
 * folder and renames it into place, so a concurrent run never sees half an install.
 * @param {{ log?: (line: string) => void }} [opts]
 */
export function ensureNode(opts = {}) {
  const log = opts.log ?? (() => {});
  const version = pinnedNodeVersion();
  const dir = nodeDir();
  const bin = path.join(dir, 'bin', 'node');
  const have = versionOf(bin);
  if (have === version && existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) {
    log(`node ${version}: cached in ${path.relative(process.cwd(), dir) || dir}`);
    return { dir, bin, version };
  }
  const pkg = nodePackageName();
  if (!pkg) {
    throw new Error(
      `no registry build of Node for ${process.platform}-${process.arch}: install Node ${version} yourself ` +
        '(`nvm install` or `fnm use` read .nvmrc) and put it first on PATH',
    );
  }
  const spec = `${pkg}@${version}`;
  mkdirSync(cacheDir(), { recursive: true });
  const work = path.join(cacheDir(), `.node-tmp-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    log(`node ${version}: fetching ${spec} with npm pack (53 MB)…`);
    const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = spawnSync(npmCmd, ['pack', spec, '--silent', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
    if (packed.status !== 0) {
      throw new Error(`npm pack ${spec} failed (exit ${packed.status}); is the npm registry reachable?\n${(packed.stderr ?? '').trim().slice(-2000)}`);
    }
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} produced no tarball`);
    const untar = spawnSync('tar', ['-xzf', path.join(work, tgz), '-C', work], { encoding: 'utf8' });
    const unpacked = path.join(work, 'package');
    const got = versionOf(path.join(unpacked, 'bin', 'node'));
    if (untar.status !== 0 || got !== version) {
      throw new Error(`the Node binary of ${spec} does not run here (got ${got ?? 'nothing'})\n${(untar.stderr ?? '').trim()}`);
    }
    // Replace an older install: move it aside first, so `dir` is either the old or the new one.
    if (existsSync(dir)) renameSync(dir, path.join(work, 'old'));
    try {
      renameSync(unpacked, dir);
    } catch (e) {
      if (versionOf(bin) !== version) throw e; // another process won the race with the same version
    }
    log(`node ${version}: installed in ${path.relative(process.cwd(), dir) || dir}`);
    return { dir, bin, version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line for a developer whose PATH still has another Node first. */
export function pathHint({ dir, version }) {
  if (process.version.replace(/^v/, '') === version) return null;
  const rel = path.relative(process.cwd(), dir) || dir;
  return (
    `this shell runs Node ${process.version}; the project's Node is ${version}. Use it with\n` +
    `  export PATH="$PWD/${rel}/bin:$PATH" npm_config_nodedir="$PWD/${rel}"\n` +
    '  npm rebuild better-sqlite3-multiple-ciphers   # the native addon follows the Node ABI'
  );
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const printDir = process.argv.includes('--print-dir');
  try {
    const r = ensureNode({ log: (line) => (printDir ? process.stderr : process.stdout).write(`[setup] ${line}\n`) });
    if (printDir) process.stdout.write(`${r.dir}\n`);
    else {
      const hint = pathHint(r);
      if (hint) console.log(`[setup] ${hint}`);
    }
  } catch (e) {
    console.error(`[setup] FAILED: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

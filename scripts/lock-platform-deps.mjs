#!/usr/bin/env node
// The npm registry reachable from the build machines does not serve every platform build of
// rollup (@rollup/rollup-<os>-<cpu>[-<libc>], optional dependencies of rollup); `npm install`
// there drops the unreachable ones from package-lock.json, and `npm ci` then refuses the lock on
// every machine ("Missing: @rollup/rollup-darwin-x64@ from lock file"). This script adds the
// missing entries back with their platform fields, so npm skips them on other platforms without
// fetching and a laptop fetches its own by name and version. Run it after `npm install` changes
// the lock: `node scripts/lock-platform-deps.mjs` (idempotent; --check exits 1 if entries are missing).
import fs from 'node:fs';
import path from 'node:path';

const lockFile = path.resolve(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
const pkgs = lock.packages;

/** os/cpu/libc of a rollup platform package, from its name (as rollup publishes them). */
function platformOf(name) {
  const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z0-9]+))?$/.exec(name);
  if (!m) return null;
  const [, os, cpu, abi] = m;
  const out = { cpu: [cpu], os: [os] };
  if (os === 'linux' && abi) out.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return out;
}

const missing = [];
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (!dep.startsWith('@rollup/rollup-')) continue;
    const nested = `${where}/node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    missing.push(hoisted);
    pkgs[hoisted] = { version, ...platform, dev: meta.dev ?? undefined, license: 'MIT', optional: true };
  }
}

if (process.argv.includes('--check')) {
  if (missing.length) {
    console.error(`package-lock.json lacks ${missing.length} platform entries: run node scripts/lock-platform-deps.mjs`);
    process.exit(1);
  }
  console.log('package-lock.json: platform entries complete');
} else {
  lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  fs.writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(missing.length ? `added ${missing.length} platform entries: ${missing.join(', ')}` : 'nothing to add');
}

/**
 * One supported Node everywhere (docs/decisions.md 2026-12-03): the exact version in `.nvmrc`
 * (development, CI's `.cache/node`), the Lambda runtime and bundle target, the root package's
 * engines and the Node major Electron ships (its own `@types/node` range) all name one major.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_TARGET, LAMBDA_RUNTIME } from '../../../infra/constructs/jetway-function.js';
import { REPO_ROOT } from '../../../infra/paths.js';

const json = (p: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, p), 'utf8')) as Record<string, Record<string, string>>;
const nvmrc = readFileSync(path.join(REPO_ROOT, '.nvmrc'), 'utf8').trim();
const major = Number(/^(\d+)\.\d+\.\d+$/.exec(nvmrc)?.[1]);

describe('one Node major for Lambda, desk, development and CI', () => {
  it('.nvmrc pins an exact even (LTS) release', () => {
    expect(nvmrc).toMatch(/^\d+\.\d+\.\d+$/);
    expect(major % 2).toBe(0);
  });
  it('the Lambda runtime and esbuild target are that major', () => {
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${major}.x`);
    expect(BUNDLE_TARGET).toBe(`node${major}`);
  });
  it("Electron's Node is that major (electron's own @types/node range)", () => {
    const electron = json('node_modules/electron/package.json');
    expect(electron.dependencies?.['@types/node']).toMatch(new RegExp(`^\\^${major}\\.`));
  });
  it('package.json engines and @types/node allow exactly that major', () => {
    const root = json('package.json');
    expect(root.engines?.node).toBe(`>=${major}.11.0 <${major + 1}`);
    expect(root.devDependencies?.['@types/node']).toMatch(new RegExp(`^\\^?${major}\\.`));
  });
});

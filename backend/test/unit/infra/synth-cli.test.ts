import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../src/handlers.js';
import { BACKEND_ROOT, REPO_ROOT } from '../../../infra/paths.js';

const run = promisify(execFile);

// The real CLI, as CI and a developer run it (FlightPulse's stack never synthesized: STYLE.md).
// Bundling is real here: esbuild builds every handler, so a handler that does not bundle fails.
describe('cdk synth (real CLI, offline)', () => {
  it('produces a cloud assembly with the stack and one bundled ESM asset per handler', { timeout: 240_000 }, async () => {
    // Prepare
    const home = mkdtempSync(path.join(tmpdir(), 'jetway-cdk-home-'));
    const out = path.join(home, 'cdk.out');
    // Act
    await run(path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--app', 'npx tsx infra/app.ts', '-o', out, '-q', '--no-notices', '--no-version-reporting'], {
      cwd: BACKEND_ROOT,
      env: { ...process.env, HOME: home, TMPDIR: home, CDK_DISABLE_VERSION_CHECK: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    // Assess
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    expect(manifest.artifacts['Jetway-dev']?.type).toBe('aws:cloudformation:stack');
    const template = JSON.parse(readFileSync(path.join(out, 'Jetway-dev.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
    const fns = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fns).toHaveLength(HANDLERS.length);
    for (const fn of fns) {
      const assetDir = path.join(out, fn.Metadata?.['aws:asset:path'] ?? 'missing');
      expect(readdirSync(assetDir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    }
    expect(existsSync(path.join(out, 'Jetway-dev.assets.json'))).toBe(true);
  });
});

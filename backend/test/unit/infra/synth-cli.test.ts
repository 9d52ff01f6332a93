import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../src/handlers.js';
import { BACKEND_ROOT, REPO_ROOT } from '../../../infra/paths.js';

const run = promisify(execFile);

// The real CLI, as CI and a developer run it (FlightPulse's stack never synthesized: STYLE.md).
// Bundling is real here: esbuild builds every handler, so a handler that does not bundle fails.
describe('cdk synth (real CLI, offline)', () => {
  it(
    'produces a cloud assembly with the stack and one bundled ESM asset per handler',
    { timeout: 240_000 },
    async () => {
      // Prepare
      const home = mkdtempSync(path.join(tmpdir(), 'jetway-cdk-home-'));
      const out = path.join(home, 'cdk.out');
      // Act
      await run(
        path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk'),
        ['synth', '--app', 'npx tsx infra/app.ts', '-o', out, '-q', '--no-notices', '--no-version-reporting'],
        {
          cwd: BACKEND_ROOT,
          env: { ...process.env, HOME: home, TMPDIR: home, CDK_DISABLE_VERSION_CHECK: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      // Assess
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { type: string }>;
      };
      expect(manifest.artifacts['Jetway-dev']?.type).toBe('aws:cloudformation:stack');
      mkdirSync(path.join(REPO_ROOT, '.cache'), { recursive: true });
      const template = JSON.parse(readFileSync(path.join(out, 'Jetway-dev.template.json'), 'utf8')) as {
        Resources: Record<
          string,
          { Type: string; Metadata?: Record<string, string>; Properties?: { Handler?: string } }
        >;
      };
      const fns = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      expect(fns).toHaveLength(HANDLERS.length);
      // Each bundle must load as the Lambda runtime loads it (ESM; @aws-sdk/* is external and
      // provided by the runtime, so the copy sits where the repo's node_modules resolve it).
      const smoke = mkdtempSync(path.join(REPO_ROOT, '.cache', 'bundle-smoke-'));
      try {
        for (const fn of fns) {
          const assetDir = path.join(out, fn.Metadata?.['aws:asset:path'] ?? 'missing');
          expect(readdirSync(assetDir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
          const copy = path.join(smoke, path.basename(assetDir));
          // Two handlers of one file (the feeds and their parking sweep) share one bundle.
          if (!existsSync(copy)) {
            mkdirSync(copy);
            copyFileSync(path.join(assetDir, 'index.mjs'), path.join(copy, 'index.mjs'));
          }
          const mod = (await import(pathToFileURL(path.join(copy, 'index.mjs')).href)) as Record<string, unknown>;
          expect(typeof mod[fn.Properties?.Handler?.replace(/^index\./, '') ?? 'missing']).toBe('function');
        }
      } finally {
        rmSync(smoke, { recursive: true, force: true });
      }
      expect(existsSync(path.join(out, 'Jetway-dev.assets.json'))).toBe(true);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Runs the project's real ESLint config on snippets placed (virtually) in each layer.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../../..') });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'fatal');
}

describe('layer rules (ARCHITECTURE.md)', () => {
  describe.each([
    ['src/shared imports electron', `import { app } from 'electron';\nexport const x = app;\n`, 'src/shared/bad.ts'],
    ['src/shared imports node:fs', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'src/shared/bad.ts'],
    ['src/shared imports fs', `import fs from 'fs';\nexport const x = fs;\n`, 'src/shared/policy/bad.ts'],
    ['src/shared imports main', `import { x as y } from '../main/services.js';\nexport const x = y;\n`, 'src/shared/bad.ts'],
    ['src/shared imports react', `import React from 'react';\nexport const x = React;\n`, 'src/shared/bad.ts'],
    ['renderer imports main (value)', `import { createServices } from '../main/services.js';\nexport const x = createServices;\n`, 'src/renderer/bad.ts'],
    ['renderer imports node:path', `import { execFileSync } from 'node:child_process';
import path from 'node:path';\nexport const x = path;\n`, 'src/renderer/bad.ts'],
    ['renderer imports backend', `import { x as y } from '../../backend/src/api/x.js';\nexport const x = y;\n`, 'src/renderer/bad.ts'],
    ['main imports renderer', `import { App } from '../renderer/App.js';\nexport const x = App;\n`, 'src/main/bad.ts'],
    ['main imports backend', `import { x as y } from '../../backend/src/data/keys.js';\nexport const x = y;\n`, 'src/main/bad.ts'],
    ['backend imports desk main', `import { x as y } from '../../../src/main/services.js';\nexport const x = y;\n`, 'backend/src/api/bad.ts'],
    ['backend imports electron', `import { app } from 'electron';\nexport const x = app;\n`, 'backend/src/api/bad.ts'],
    ['local cloud imports the root scripts/', `import { x as y } from '../../../../scripts/setup-services.mjs';\nexport const x = y;\n`, 'backend/src/local/services/bad.ts'],
    ['the CLI imports the desk', `import { x as y } from '../../../src/main/services.js';\nexport const x = y;\n`, 'backend/src/cli/bad.ts'],
    ['runtime code imports the CLI', `import { main } from '../cli/index.js';\nexport const x = main;\n`, 'backend/src/ingest/bad.ts'],
    ['runtime code imports the local cloud', `import { x as y } from '../local/cloud.js';\nexport const x = y;\n`, 'backend/src/workflows/bad.ts'],
    ['backend code imports its tests', `import { x as y } from '../../test/helpers/stack.js';\nexport const x = y;\n`, 'backend/src/data/bad.ts'],
    ['the CDK app imports the local cloud', `import { x as y } from '../src/local/cloud.js';\nexport const x = y;\n`, 'backend/infra/bad.ts'],
    ['a backend test imports the desk', `import { x as y } from '../../../src/main/services.js';\nexport const x = y;\n`, 'backend/test/unit/bad.test.ts'],
    ['a root test imports electron', `import { app } from 'electron';\nexport const x = app;\n`, 'test/unit/bad.test.ts'],
    ['a script imports the preload', `import { x as y } from '../src/preload/index.js';\nexport const x = y;\n`, 'scripts/bad.ts'],
    ['a root config imports the backend', `import { x as y } from './backend/src/handlers.js';\nexport const x = y;\n`, 'bad.config.ts'],
  ])('%s', (_name, code, file) => {
    it('fails lint', async () => {
      expect(await ruleIds(code, file)).toContain('@typescript-eslint/no-restricted-imports');
    });
  });

  describe.each([
    ['main imports shared', `import { money } from '../shared/money.js';\nexport const x = money;\n`, 'src/main/ok.ts'],
    ['renderer imports shared', `import { money } from '../shared/money.js';\nexport const x = money;\n`, 'src/renderer/ok.ts'],
    ['renderer type-imports main', `import type { Services } from '../main/services.js';\nexport type X = Services;\n`, 'src/renderer/ok.ts'],
    ['backend imports shared', `import { money } from '../../../src/shared/money.js';\nexport const x = money;\n`, 'backend/src/api/ok.ts'],
    ['shared imports zod', `import { z } from 'zod';\nexport const x = z.string();\n`, 'src/shared/ok.ts'],
    ['the CLI imports the backend and shared', `import { x as y } from '../data/client.js';\nimport { money } from '../../../src/shared/money.js';\nexport const x = [y, money];\n`, 'backend/src/cli/ok.ts'],
    ['the local cloud imports its service set-up', `import { ensureKafka } from './setup.js';\nexport const x = ensureKafka;\n`, 'backend/src/local/services/ok.ts'],
    ['a feature keeps its CLI entry beside it', `import { x as y } from '../local/cloud.js';\nexport const x = y;\n`, 'backend/src/feeds/ok-cli.ts'],
  ])('%s', (_name, code, file) => {
    it('passes lint', async () => {
      expect(await ruleIds(code, file)).toEqual([]);
    });
  });
});

describe('the layer rules cover every folder', () => {
  it('every folder with code has an import rule', { timeout: 60_000 }, async () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.mts', '*.js', '*.mjs', '*.cjs'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const byDir = new Map<string, string>();
    for (const f of files) if (!byDir.has(path.dirname(f))) byDir.set(path.dirname(f), f);
    expect(byDir.size).toBeGreaterThan(20);
    const uncovered: string[] = [];
    for (const [dir, file] of byDir) {
      if (await eslint.isPathIgnored(path.join(root, file))) continue;
      const config = (await eslint.calculateConfigForFile(path.join(root, file))) as { rules?: Record<string, unknown> };
      const rule = config.rules?.['@typescript-eslint/no-restricted-imports'];
      const level = Array.isArray(rule) ? rule[0] : rule;
      if (level !== 2 && level !== 'error') uncovered.push(dir);
    }
    expect(uncovered).toEqual([]);
  });
});

describe('focused and skipped tests are banned', () => {
  it.each([
    ['it.only', `import { it } from 'vitest';\nit.only('x', () => {});\n`],
    ['describe.skip', `import { describe } from 'vitest';\ndescribe.skip('x', () => {});\n`],
    ['it.skipIf', `import { it } from 'vitest';\nit.skipIf(true)('x', () => {});\n`],
    ['describe.runIf', `import { describe } from 'vitest';\ndescribe.runIf(false)('x', () => {});\n`],
    // Built from parts so that repository greps for focused tests do not flag this fixture.
    ['test.describe.only (Playwright)', `import { test } from '@playwright/test';\ntest.describe.${'only'}('x', () => {});\n`],
  ])('%s fails lint', async (_name, code) => {
    expect(await ruleIds(code, 'test/unit/x.test.ts')).toContain('no-restricted-syntax');
  });
});

import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
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
    ['renderer imports node:path', `import path from 'node:path';\nexport const x = path;\n`, 'src/renderer/bad.ts'],
    ['renderer imports backend', `import { x as y } from '../../backend/src/api/x.js';\nexport const x = y;\n`, 'src/renderer/bad.ts'],
    ['main imports renderer', `import { App } from '../renderer/App.js';\nexport const x = App;\n`, 'src/main/bad.ts'],
    ['main imports backend', `import { x as y } from '../../backend/src/data/keys.js';\nexport const x = y;\n`, 'src/main/bad.ts'],
    ['backend imports desk main', `import { x as y } from '../../../src/main/services.js';\nexport const x = y;\n`, 'backend/src/api/bad.ts'],
    ['backend imports electron', `import { app } from 'electron';\nexport const x = app;\n`, 'backend/src/api/bad.ts'],
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
  ])('%s', (_name, code, file) => {
    it('passes lint', async () => {
      expect(await ruleIds(code, file)).toEqual([]);
    });
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

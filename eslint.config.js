// Lint: house rules plus the layer rules of ARCHITECTURE.md ("runtime layers are folders,
// and lint checks the imports"). test/unit/lint/layers.test.ts proves a forbidden import fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util',
  'worker_threads', 'zlib',
];

/** Import restrictions for one layer: banned module names and banned path regexes. */
const layer = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: paths.map((p) => (typeof p === 'string' ? { name: p, message: 'Not allowed in this layer (ARCHITECTURE.md layer rules).' } : p)),
        patterns,
      },
    ],
  },
});

const re = (regex, message, allowTypeImports = false) => ({ regex, message, allowTypeImports });

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', '.cache/**', '.jetway/**', 'coverage/**', 'test-results/**',
      'playwright-report/**', '**/cdk.out/**', 'docs/schemas/**', 'resources/**/*.json'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  // src/shared: pure TypeScript. No electron, no node:*, no DOM, no React, nothing of ours outside shared.
  layer(['src/shared/**'], {
    paths: ['electron', 'react', 'react-dom', 'zustand', 'better-sqlite3-multiple-ciphers', 'kafkajs', ...NODE_BUILTINS],
    patterns: [
      re('^node:', 'src/shared is pure: no node:* imports.'),
      re('^@aws-sdk/', 'src/shared is pure: no AWS SDK.'),
      re('(^|/)(main|renderer|preload)(/|$)', 'src/shared imports nothing of ours outside src/shared.'),
      re('(^|/)backend(/|$)', 'src/shared imports nothing of ours outside src/shared.'),
    ],
  }),
  // src/renderer: talks only to the RPC contract; type-only imports of main's contract types are allowed.
  layer(['src/renderer/**'], {
    paths: ['electron', 'better-sqlite3-multiple-ciphers', 'ws', ...NODE_BUILTINS],
    patterns: [
      re('^node:', 'The renderer has no Node access: go through the RPC contract.'),
      re('(^|/)main(/|$)', 'The renderer never imports main (type-only imports excepted).', true),
      re('(^|/)backend(/|$)', 'The renderer never imports the backend.'),
    ],
  }),
  layer(['src/preload/**'], {
    patterns: [
      re('(^|/)renderer(/|$)', 'Preload is a thin bridge: no renderer code.'),
      re('(^|/)main(/|$)', 'Preload is a thin bridge: no main-process code (types excepted).', true),
      re('(^|/)backend(/|$)', 'Preload never imports the backend.'),
    ],
  }),
  layer(['src/main/**'], {
    patterns: [
      re('(^|/)renderer(/|$)', 'Main never imports the renderer.'),
      re('(^|/)backend(/|$)', 'The desk never imports backend code: it talks to the backend over HTTP.'),
    ],
  }),
  // backend/src: the serverless backend and its tools (backend/src/cli: the `jetway` command; the
  // simulator; the local cloud). Not the desk, not the root scripts/, not the CDK app or the tests.
  layer(['backend/src/**'], {
    paths: ['electron', 'react', 'react-dom', 'zustand'],
    patterns: [
      re('(^|/)src/(main|renderer|preload)(/|$)', 'The backend never imports the desk (src/main, src/renderer, src/preload).'),
      re('(^|/)scripts/', 'The backend never imports the root scripts/ (service set-up lives in backend/src/local/services).'),
      re('(^|/)(infra|test)/', 'Backend code never imports the CDK app (backend/infra) or the tests.'),
    ],
  }),
  // Runtime code never imports the tools (the CLI and the local cloud import it, not the reverse).
  // A `*-cli.ts` file is a tool's entry kept beside its feature (feeds/import-cli.ts).
  {
    ...layer(['backend/src/{api,data,feeds,ingest,notify,observability,workflows}/**', 'backend/src/handlers.ts'], {
      paths: ['electron', 'react', 'react-dom', 'zustand'],
      patterns: [
        re('(^|/)src/(main|renderer|preload)(/|$)', 'The backend never imports the desk (src/main, src/renderer, src/preload).'),
        re('(^|/)scripts/', 'The backend never imports the root scripts/ (service set-up lives in backend/src/local/services).'),
        re('(^|/)(infra|test)/', 'Backend code never imports the CDK app (backend/infra) or the tests.'),
        re('(^|/)(cli|local)/', 'Runtime code (what Lambda runs) never imports the tools: backend/src/cli, backend/src/local.'),
      ],
    }),
    ignores: ['backend/src/**/*-cli.ts'],
  },
  // backend/infra: the CDK app reads the backend's manifest and definitions, never the desk or scripts/.
  layer(['backend/infra/**'], {
    paths: ['electron', 'react', 'react-dom', 'zustand'],
    patterns: [
      re('(^|/)src/(main|renderer|preload)(/|$)', 'The CDK app never imports the desk.'),
      re('(^|/)scripts/', 'The CDK app never imports the root scripts/.'),
      re('(^|/)(cli|local|simulator|test)/', 'The CDK app deploys runtime code only, never the tools or the tests.'),
    ],
  }),
  // backend/test: the backend's tests, on the backend alone.
  layer(['backend/test/**'], {
    paths: ['electron', 'react', 'react-dom', 'zustand'],
    patterns: [
      re('(^|/)src/(main|renderer|preload)(/|$)', 'Backend tests never import the desk: they test the backend on its own.'),
      re('(^|/)scripts/', 'Backend tests never import the root scripts/.'),
    ],
  }),
  // Root tests, benches, scripts and bin run under plain Node: never Electron itself (TOOLCHAIN.md:
  // from electron 42 on, `require('electron')` downloads the binary), never the preload bridge.
  layer(['test/**', 'bench/**', 'scripts/**', 'bin/**'], {
    paths: ['electron'],
    patterns: [re('(^|/)src/preload(/|$)', 'Only Electron loads the preload bridge.')],
  }),
  // Root config files (build, test, lint): no backend, no renderer code.
  layer(['*.ts', '*.js', '*.mjs'], {
    paths: ['electron'],
    patterns: [
      re('(^|/)backend/', 'Root config files never import the backend.'),
      re('(^|/)src/renderer(/|$)', 'Root config files never import the renderer.'),
    ],
  }),
  // Tests: no focused or skipped tests, in vitest or Playwright.
  {
    files: ['test/**', 'backend/test/**', '**/*.test.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(only|skip|skipIf|runIf|fixme)$/][object.name=/^(it|test|describe|suite|bench)$/]',
          message: 'Focused, skipped or conditional tests are banned: every test runs in CI.',
        },
        {
          selector: 'MemberExpression[property.name=/^(only|skip|skipIf|runIf|fixme)$/][object.type="MemberExpression"]',
          message: 'Focused, skipped or conditional tests are banned: every test runs in CI.',
        },
        {
          selector: 'MemberExpression[property.name=/^(only|skip|skipIf|runIf|fixme)$/][object.type="CallExpression"]',
          message: 'Focused, skipped or conditional tests are banned: every test runs in CI.',
        },
      ],
    },
  },
);

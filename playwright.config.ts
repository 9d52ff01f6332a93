import { defineConfig } from '@playwright/test';

/**
 * e2e: the real renderer in Debian's Chromium (no browser download: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1),
 * talking over WebSocket to the desk server (web mode), against an ephemeral local cloud
 * (DynamoDB Local, Kafka, cognito-local, backend app). The Electron binary is not used.
 */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  globalSetup: './test/e2e/global-setup.ts',
  // One worker: the local cloud (Java services) is heavy on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 240_000,
  // Generous: CI machines here run up to 2x slower day to day; latency targets live in bench/.
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});

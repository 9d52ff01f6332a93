import { defineConfig } from 'vitest/config';

// Tiers (STYLE.md): unit = pure logic, no services; integration = real DynamoDB Local, Kafka,
// cognito-local and SQLite files, started by the project's own scripts. e2e runs under Playwright.
export default defineConfig({
  test: {
    allowOnly: false,
    passWithNoTests: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'backend/test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'backend/test/integration/**/*.test.ts', 'test/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration suites start Java services; on 2 cores run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

import { test as base } from '@playwright/test';
import { startCognitoLocal, type CognitoLocal } from '../../backend/src/local/services/cognito.js';
import { webKeyProvider } from '../../src/main/db/keys.js';
import { startDeskServer, type DeskServer } from '../../src/main/web/server.js';
import { TOKEN, startFakeBackend, type FakeBackend } from '../unit/desk/helpers/fake-backend.js';

/**
 * UI tests that need a controllable backend: real cognito-local (helper B's service), the real
 * desk server and renderer, and the FAKE sync backend of the desk unit tests
 * (test/unit/desk/helpers/fake-backend.ts) to inject outages, rejections and a 300-passenger
 * flight. The real backend path is covered by slice.spec.ts.
 */
export const test = base.extend<{ fake: FakeBackend; desk: DeskServer }, { cognito: CognitoLocal }>({
  cognito: [
    // Playwright requires an object pattern as the first argument even without dependencies.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const c = await startCognitoLocal();
      await use(c);
      await c.stop();
    },
    { scope: 'worker' },
  ],
  // eslint-disable-next-line no-empty-pattern
  fake: async ({}, use) => {
    const f = await startFakeBackend();
    await use(f);
    await f.stop();
  },
  desk: async ({ cognito, fake }, use, testInfo) => {
    const dataDir = testInfo.outputPath('desk-data');
    const desk = await startDeskServer({
      dataDir,
      // Web mode requires a key: a generated per-data-dir secret, as `npm run start:web` does.
      keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
      apiUrl: fake.apiUrl,
      cognito,
      // The fake accepts one fixed token instead of verifying Cognito's.
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } }),
      sync: { backoff: { initialMs: 200, maxMs: 1000 } },
      log: () => undefined,
    });
    await use(desk);
    await desk.stop();
  },
});

export { expect } from '@playwright/test';

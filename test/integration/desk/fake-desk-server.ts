import path from 'node:path';
import type { CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import { webKeyProvider } from '../../../src/main/db/keys.js';
import { startDeskServer, type DeskServer } from '../../../src/main/web/server.js';
import { tempDir } from '../../unit/desk/helpers/factories.js';
import { TOKEN } from '../../unit/desk/helpers/fake-backend.js';

/**
 * A web-mode desk server (real WebSocket, real encrypted SQLite, real cognito-local sign-in)
 * whose sync talks to the labelled fake backend of the desk unit tests. The fake backend accepts
 * exactly one token, so every request carries it in place of the real Cognito ID token.
 */
export function startDeskOnFakeBackend(apiUrl: string, cognito: CognitoLocal): Promise<DeskServer> {
  const dataDir = path.join(tempDir(), 'desk');
  return startDeskServer({
    dataDir,
    keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
    apiUrl,
    cognito,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
      }),
    rendererDir: tempDir(),
    sync: { waitSeconds: 2, minPollIntervalMs: 100 },
    log: () => undefined,
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import { AuthFailedError, cognitoAuthApi } from '../../../src/main/auth/cognito.js';
import { AuthService, NotSignedInError } from '../../../src/main/auth/session.js';
import type { Session } from '../../../src/shared/rpc/contract.js';

// Real cognito-local (helper B's service, the local cloud's identity provider).
let cognito: CognitoLocal;
beforeAll(async () => {
  cognito = await startCognitoLocal();
});
afterAll(async () => {
  await cognito?.stop();
});

describe('desk auth against cognito-local', () => {
  it.each([
    ['agent.phx', 'agent', ['PHX']],
    ['super.phx', 'supervisor', ['PHX', 'OAK']],
    ['admin', 'admin', ['*']],
  ])('%s signs in with USER_PASSWORD_AUTH → role %s, stations %j', async (username, role, stations) => {
    const auth = new AuthService(cognitoAuthApi(cognito));
    const s = (await auth.signIn(username, 'Jetway-demo-1')) as Session;
    expect(s).toMatchObject({ username, role, stations, offline: false });
    expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
    expect((await auth.idToken()).split('.')).toHaveLength(3);
  });

  it('refreshes the ID token with the refresh token', async () => {
    let now = Date.now();
    const auth = new AuthService(cognitoAuthApi(cognito), () => new Date(now));
    await auth.signIn('agent.phx', 'Jetway-demo-1');
    const first = await auth.idToken();
    // Pretend the token is about to expire: idToken() must refresh before answering.
    now = Date.parse(auth.session()!.expiresAt) - 30_000;
    await new Promise((r) => setTimeout(r, 1100)); // a new token gets a new iat
    const second = await auth.idToken();
    expect(second).not.toBe(first);
    expect(auth.session()?.username).toBe('agent.phx');
  });

  it('rejects a wrong password and keeps no session', async () => {
    const auth = new AuthService(cognitoAuthApi(cognito));
    await expect(auth.signIn('agent.phx', 'wrong')).rejects.toBeInstanceOf(AuthFailedError);
    await expect(auth.idToken()).rejects.toBeInstanceOf(NotSignedInError);
  });
});

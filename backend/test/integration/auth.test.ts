/**
 * The production token verifier against a real cognito-local: real sign-ins verify, and every
 * kind of bad token is a 401 AuthError. Bad tokens are minted here with node:crypto — some with
 * cognito-local's own signing key (its published dev key), so only the claim under test is wrong.
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createTokenVerifier, type TokenVerifier } from '../../src/api/auth/verifier.js';
import { DEMO_PASSWORD, DEMO_USERS, startCognitoLocal, type CognitoLocal } from '../../src/local/services/cognito.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function mint(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject | null): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (!key) return `${input}.`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

const cognitoLocalKey = (): KeyObject => {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('cognito-local/package.json'));
  const { pem } = JSON.parse(readFileSync(path.join(dir, 'lib', 'keys', 'cognitoLocal.private.json'), 'utf8')) as {
    pem: string;
  };
  return createPrivateKey(pem);
};

let cognito: CognitoLocal;
let verifier: TokenVerifier;
let idp: CognitoIdentityProviderClient;

async function signIn(username: string, password = DEMO_PASSWORD) {
  const r = await idp.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: cognito.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const result = r.AuthenticationResult;
  if (!result?.IdToken || !result.AccessToken) throw new Error('no tokens');
  return { id: result.IdToken, access: result.AccessToken };
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  cognito = await startCognitoLocal();
  idp = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: cognito.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  verifier = createTokenVerifier({
    userPoolId: cognito.userPoolId,
    clientId: cognito.clientId,
    jwksUri: cognito.jwksUri,
  });
});

afterAll(async () => {
  idp?.destroy();
  await cognito?.stop();
});

describe('valid sign-ins verify', () => {
  it.each(DEMO_USERS.map((u) => [u.username, u] as const))(
    '%s → principal with groups and stations',
    async (_name, user) => {
      const { id } = await signIn(user.username);
      const p = await verifier.verify(`Bearer ${id}`);
      expect(p.username).toBe(user.username);
      expect(p.groups).toEqual([user.group]);
      expect(p.stations).toEqual(user.stations.split(','));
      expect(p.sub).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('rejects a wrong password at sign-in (cognito-local enforces it)', async () => {
    await expect(signIn('agent.phx', 'wrong-Password-1')).rejects.toThrow();
  });
});

describe('bad tokens are 401 AuthErrors', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const goodClaims = () => ({
    sub: '00000000-0000-4000-8000-000000000001',
    'cognito:username': 'agent.phx',
    'cognito:groups': ['admin'],
    'custom:stations': '*',
    token_use: 'id',
    aud: cognito.clientId,
    iss: cognito.issuer,
    iat: now() - 10,
    auth_time: now() - 10,
    exp: now() + 600,
  });
  const header = { alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' };

  const cases: [string, () => Promise<string>, AuthError['reason']][] = [
    ['missing header', async () => '', 'missing'],
    ['not a bearer header', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, 'malformed'],
    ['garbage token', async () => 'Bearer not-a-jwt', 'malformed'],
    [
      'forged signature (another key, same kid)',
      async () =>
        `Bearer ${mint(header, goodClaims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)}`,
      'invalid',
    ],
    [
      'tampered payload (stations widened after signing)',
      async () => {
        const [h, , s] = (await signIn('agent.phx')).id.split('.');
        return `Bearer ${h}.${b64({ ...goodClaims(), 'custom:stations': '*' })}.${s}`;
      },
      'invalid',
    ],
    [
      'expired',
      async () =>
        `Bearer ${mint(header, { ...goodClaims(), iat: now() - 7200, exp: now() - 3600 }, cognitoLocalKey())}`,
      'expired',
    ],
    [
      'wrong issuer',
      async () =>
        `Bearer ${mint(header, { ...goodClaims(), iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }, cognitoLocalKey())}`,
      'invalid',
    ],
    [
      'wrong audience',
      async () => `Bearer ${mint(header, { ...goodClaims(), aud: 'someotherclient' }, cognitoLocalKey())}`,
      'invalid',
    ],
    [
      'alg none',
      async () => `Bearer ${mint({ alg: 'none', typ: 'JWT', kid: 'CognitoLocal' }, goodClaims(), null)}`,
      'invalid',
    ],
    ['access token instead of ID token', async () => `Bearer ${(await signIn('agent.phx')).access}`, 'invalid'],
  ];

  it.each(cases)('%s', async (_name, makeHeader, reason) => {
    const authorization = await makeHeader();
    const err = await verifier.verify(authorization).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).statusCode).toBe(401);
    expect((err as AuthError).reason).toBe(reason);
    // Client-safe message: no token, no library internals.
    expect((err as AuthError).message).not.toMatch(/eyJ|Jwt|kid/);
  });

  it('the same claims signed with the real key do verify (so each case above fails for its one reason)', async () => {
    const p = await verifier.verify(`Bearer ${mint(header, goodClaims(), cognitoLocalKey())}`);
    expect(p).toEqual({ username: 'agent.phx', sub: goodClaims().sub, groups: ['admin'], stations: ['*'] });
  });

  it('a verifier configured for another app client rejects real tokens (wrong client)', async () => {
    const other = createTokenVerifier({
      userPoolId: cognito.userPoolId,
      clientId: 'anotherclient0000000000001',
      jwksUri: cognito.jwksUri,
    });
    const { id } = await signIn('agent.dal');
    expect(claimsOf(id).aud).toBe(cognito.clientId);
    await expect(other.verify(`Bearer ${id}`)).rejects.toMatchObject({
      name: 'AuthError',
      statusCode: 401,
      reason: 'invalid',
    });
  });

  it('rejects a bad config at construction', () => {
    expect(() => createTokenVerifier({ userPoolId: 'local_123', clientId: 'x' })).toThrow(/user pool id/);
  });
});

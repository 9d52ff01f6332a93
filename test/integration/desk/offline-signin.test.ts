import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoLocal, type CognitoLocal } from '../../../backend/src/local/services/cognito.js';
import { createDesk, type Desk } from '../../../src/main/services.js';

/**
 * Offline sign-in and Cognito's challenges against the real cognito-local (its
 * NEW_PASSWORD_REQUIRED for FORCE_CHANGE_PASSWORD users and its SOFTWARE_TOKEN_MFA with a
 * verified TOTP secret), through the desk's RPC API. Cognito is made unreachable by pointing
 * a restarted desk at a closed port: the real SDK's connection error must count as unreachable.
 */
let cognito: CognitoLocal;
let admin: CognitoIdentityProviderClient;
const desks: Desk[] = [];

beforeAll(async () => {
  cognito = await startCognitoLocal();
  admin = new CognitoIdentityProviderClient({
    region: cognito.region,
    endpoint: cognito.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  for (const d of desks) await d.close();
  await cognito?.stop();
});

function desk(dataDir: string, endpoint = cognito.endpoint): Desk {
  const d = createDesk({
    dataDir,
    apiUrl: 'http://127.0.0.1:9',
    cognito: { endpoint, region: cognito.region, clientId: cognito.clientId, userPoolId: cognito.userPoolId },
    log: () => undefined,
  });
  desks.push(d);
  return d;
}
const call = (d: Desk, channel: string, request: unknown = {}) => d.dispatch(channel, request) as Promise<unknown>;

async function createUser(username: string, temporaryPassword: string): Promise<void> {
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      TemporaryPassword: temporaryPassword,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'custom:stations', Value: 'PHX' }],
    }),
  );
  await admin.send(
    new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: username, GroupName: 'agent' }),
  );
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) over a base32 secret: an oracle independent of cognito-local's. */
function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1]! & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('offline sign-in against cognito-local', () => {
  it('a NEW_PASSWORD_REQUIRED user sets a new password online, then unlocks offline with it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-offline-int-'));
    await createUser('fresh.agent', 'Temp-pass-1');
    const online = desk(dir);
    expect(await call(online, 'session:signIn', { username: 'fresh.agent', password: 'Temp-pass-1' })).toEqual({
      ok: true,
      value: { challenge: 'NEW_PASSWORD_REQUIRED', username: 'fresh.agent' },
    });
    expect(
      await call(online, 'session:respond', { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'Fresh-pass-2' }),
    ).toMatchObject({ ok: true, value: { username: 'fresh.agent', role: 'agent', stations: ['PHX'], offline: false } });
    // Cognito now knows the new password only.
    expect(await call(online, 'session:signIn', { username: 'fresh.agent', password: 'Fresh-pass-2' })).toMatchObject({
      ok: true,
      value: { offline: false },
    });
    await online.close();
    desks.splice(desks.indexOf(online), 1);

    // Restart with Cognito unreachable (a closed port): the real SDK error falls back offline.
    const offline = desk(dir, 'http://127.0.0.1:9');
    expect(await call(offline, 'session:signIn', { username: 'fresh.agent', password: 'Temp-pass-1' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', message: 'wrong username or password' },
    });
    expect(await call(offline, 'session:signIn', { username: 'fresh.agent', password: 'Fresh-pass-2' })).toMatchObject({
      ok: true,
      value: { username: 'fresh.agent', role: 'agent', stations: ['PHX'], offline: true },
    });
    expect(await call(offline, 'sync:status')).toMatchObject({ ok: true, value: { online: false } });
  });

  it('a demo user unlocks offline after one online sign-in; a wrong password online never falls back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-offline-int-'));
    const online = desk(dir);
    expect(await call(online, 'session:signIn', { username: 'agent.phx', password: 'wrong-password' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    expect(await call(online, 'session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })).toMatchObject({
      ok: true,
      value: { offline: false },
    });
    // Cognito reachable + wrong password: refused by Cognito, not checked against the hash.
    expect(await call(online, 'session:signIn', { username: 'agent.phx', password: 'wrong-password' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    const row = online.db
      .prepare(`SELECT failed_attempts FROM offline_credential WHERE username = 'agent.phx'`)
      .pluck()
      .get();
    expect(row).toBe(0);
    await online.close();
    desks.splice(desks.indexOf(online), 1);
    const offline = desk(dir, 'http://127.0.0.1:9');
    expect(await call(offline, 'session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' })).toMatchObject({
      ok: true,
      value: { username: 'agent.phx', offline: true },
    });
  });

  it('SOFTWARE_TOKEN_MFA: a user with a verified TOTP authenticator is asked for the code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-offline-int-'));
    await createUser('totp.agent', 'Temp-pass-1');
    const d = desk(dir);
    await call(d, 'session:signIn', { username: 'totp.agent', password: 'Temp-pass-1' });
    await call(d, 'session:respond', { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'Totp-pass-2' });
    // The user enrols an authenticator app (what the Cognito hosted UI or an admin tool does).
    const auth = await admin.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.clientId,
        AuthParameters: { USERNAME: 'totp.agent', PASSWORD: 'Totp-pass-2' },
      }),
    );
    const accessToken = auth.AuthenticationResult!.AccessToken!;
    const { SecretCode } = await admin.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await admin.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!) }));
    await admin.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );

    expect(await call(d, 'session:signIn', { username: 'totp.agent', password: 'Totp-pass-2' })).toEqual({
      ok: true,
      value: { challenge: 'SOFTWARE_TOKEN_MFA', username: 'totp.agent' },
    });
    const right = totp(SecretCode!);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    expect(await call(d, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: wrong })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });
    // A wrong code ends Cognito's challenge session here only if Cognito says so: sign in again to be safe.
    const again = await call(d, 'session:signIn', { username: 'totp.agent', password: 'Totp-pass-2' });
    expect(again).toMatchObject({ ok: true, value: { challenge: 'SOFTWARE_TOKEN_MFA' } });
    expect(
      await call(d, 'session:respond', { challenge: 'SOFTWARE_TOKEN_MFA', code: totp(SecretCode!) }),
    ).toMatchObject({
      ok: true,
      value: { username: 'totp.agent', role: 'agent', offline: false },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { readDeskEnv } from '../../../src/main/config.js';

const good = {
  JETWAY_API_URL: 'http://127.0.0.1:4100',
  JETWAY_COGNITO: JSON.stringify({ region: 'us-east-1', clientId: 'abc', endpoint: 'http://127.0.0.1:9229' }),
};

describe('desk configuration from the environment', () => {
  it('parses a complete configuration', () => {
    expect(readDeskEnv({ ...good, JETWAY_ADMIN_STATIONS: 'phx, oak' })).toMatchObject({
      JETWAY_API_URL: good.JETWAY_API_URL,
      JETWAY_COGNITO: { region: 'us-east-1', clientId: 'abc' },
      JETWAY_ADMIN_STATIONS: ['PHX', 'OAK'],
    });
  });

  it.each([
    ['missing API URL', { JETWAY_COGNITO: good.JETWAY_COGNITO }, /JETWAY_API_URL/],
    ['API URL not a URL', { ...good, JETWAY_API_URL: 'localhost' }, /JETWAY_API_URL/],
    ['Cognito not JSON', { ...good, JETWAY_COGNITO: '{region' }, /JETWAY_COGNITO: must be JSON/],
    ['Cognito without client id', { ...good, JETWAY_COGNITO: '{"region":"us-east-1"}' }, /JETWAY_COGNITO\.clientId/],
  ])('refuses %s with a message naming the variable', (_name, env, message) => {
    expect(() => readDeskEnv(env)).toThrow(message);
  });
});

describe('desk configuration from a deployed stack (backend/infra/desk-env.ts variables)', () => {
  it('builds the Cognito settings from the separate variables', () => {
    const env = readDeskEnv({
      JETWAY_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      JETWAY_COGNITO_REGION: 'eu-west-1',
      JETWAY_COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      JETWAY_COGNITO_CLIENT_ID: '1h57kf5cpq17m0eml12EXAMPLE',
    });
    expect(env.JETWAY_COGNITO).toEqual({
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientId: '1h57kf5cpq17m0eml12EXAMPLE',
    });
  });

  it('still names the missing client id', () => {
    expect(() => readDeskEnv({ JETWAY_API_URL: 'https://x.example', JETWAY_COGNITO_REGION: 'eu-west-1' })).toThrow(
      /JETWAY_COGNITO/,
    );
  });
});

describe('desk security settings', () => {
  it('reads the external-link allow-list (lower case, trimmed) and defaults to none', () => {
    expect(
      readDeskEnv({ ...good, JETWAY_EXTERNAL_HOSTS: ' Help.Jetway.example, .airline.example ' }).JETWAY_EXTERNAL_HOSTS,
    ).toEqual(['help.jetway.example', '.airline.example']);
    expect(readDeskEnv(good).JETWAY_EXTERNAL_HOSTS).toEqual([]);
  });

  it.each([['https://help.example'], ['*.example'], ['a b']])('refuses %s as an allow-list host', (hosts) => {
    expect(() => readDeskEnv({ ...good, JETWAY_EXTERNAL_HOSTS: hosts })).toThrow(/JETWAY_EXTERNAL_HOSTS/);
  });

  it('refuses a desk secret shorter than 8 characters', () => {
    expect(() => readDeskEnv({ ...good, JETWAY_DESK_SECRET: 'short' })).toThrow(/JETWAY_DESK_SECRET/);
    expect(readDeskEnv({ ...good, JETWAY_DESK_SECRET: 'long enough' }).JETWAY_DESK_SECRET).toBe('long enough');
  });
});

import { describe, expect, it } from 'vitest';
import { deskEnvFromOutputs } from '../../../infra/desk-env.js';

const outputs = {
  'Jetway-prod': {
    ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
    UserPoolId: 'eu-west-1_AbCdEf123',
    UserPoolClientId: '1h57kf5cpq17m0eml12EXAMPLE',
    Region: 'eu-west-1',
    TableName: 'prod-jetway',
  },
};

describe('desk environment from CDK outputs', () => {
  it('maps the stack outputs to the desk variables', () => {
    expect(deskEnvFromOutputs(outputs)).toEqual({
      JETWAY_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      JETWAY_COGNITO_REGION: 'eu-west-1',
      JETWAY_COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      JETWAY_COGNITO_CLIENT_ID: '1h57kf5cpq17m0eml12EXAMPLE',
    });
  });
  it.each([
    ['two stacks, none named', { ...outputs, 'Jetway-dev': outputs['Jetway-prod'] }, undefined, /2 stacks/],
    ['unknown stack', outputs, 'Nope', /no stack Nope/],
    [
      'missing client id',
      { S: { ...outputs['Jetway-prod'], UserPoolClientId: undefined } },
      undefined,
      /UserPoolClientId/,
    ],
  ])('%s is a clear error', (_n, o, stack, msg) => {
    expect(() => deskEnvFromOutputs(o, stack)).toThrow(msg);
  });
});

/**
 * The Kafka client config of the ingest function (its dead-letter producer) and `jetway simulate`:
 * MSK IAM (SASL/OAUTHBEARER with a SigV4-presigned token, signed offline by the real
 * aws-msk-iam-sasl-signer-js from the credentials in the environment) or none.
 */
import { describe, expect, it } from 'vitest';
import { kafkaClientConfigFromEnv } from '../../../src/ingest/msk.js';

const CREDS = { AWS_ACCESS_KEY_ID: 'AKIAJETWAYTEST000001', AWS_SECRET_ACCESS_KEY: 'jetway-test-secret-not-real' };

describe('kafkaClientConfigFromEnv', () => {
  it('none: brokers and TLS as set, no SASL', () => {
    expect(kafkaClientConfigFromEnv({ KAFKA_BROKERS: 'b-1.ops:9094, b-2.ops:9094', KAFKA_SSL: 'true' })).toEqual({ brokers: ['b-1.ops:9094', 'b-2.ops:9094'], ssl: true });
    expect(kafkaClientConfigFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092' })).toEqual({ brokers: ['127.0.0.1:9092'], ssl: false });
  });

  it('iam: TLS and an OAUTHBEARER token for the cluster region, fresh on each call', async () => {
    const env = { ...CREDS, KAFKA_BROKERS: 'b-1.ops:9098', KAFKA_AUTH: 'iam', KAFKA_IAM_REGION: 'eu-west-1', AWS_REGION: 'us-east-1' };
    const cfg = kafkaClientConfigFromEnv(env as NodeJS.ProcessEnv);
    expect(cfg.ssl).toBe(true);
    expect(cfg.sasl?.mechanism).toBe('oauthbearer');
    const saved = { ...process.env };
    Object.assign(process.env, CREDS);
    try {
      const { value } = await cfg.sasl!.oauthBearerProvider();
      // The token is the base64url of a presigned kafka-cluster:Connect request to the regional endpoint.
      const url = new URL(Buffer.from(value, 'base64url').toString('utf8'));
      expect(url.hostname).toBe('kafka.eu-west-1.amazonaws.com');
      expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAJETWAYTEST000001\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      process.env = saved;
    }
  });

  it('iam without a cluster region falls back to the function region; a signer failure reaches kafkajs', async () => {
    const calls: string[] = [];
    const cfg = kafkaClientConfigFromEnv({ KAFKA_BROKERS: 'b:9098', KAFKA_AUTH: 'iam', AWS_REGION: 'ap-southeast-2' }, async ({ region }) => {
      calls.push(region);
      if (calls.length > 1) throw new Error('no credentials');
      return { token: 't1', expiryTime: Date.now() + 900_000 };
    });
    await expect(cfg.sasl!.oauthBearerProvider()).resolves.toEqual({ value: 't1' });
    await expect(cfg.sasl!.oauthBearerProvider()).rejects.toThrow('no credentials');
    expect(calls).toEqual(['ap-southeast-2', 'ap-southeast-2']);
  });

  it.each([
    [{ KAFKA_BROKERS: 'b:9098', KAFKA_AUTH: 'iam', KAFKA_SSL: 'false', AWS_REGION: 'eu-west-1' }, /KAFKA_SSL: MSK IAM authentication needs TLS/],
    [{ KAFKA_BROKERS: 'b:9098', KAFKA_AUTH: 'iam' }, /KAFKA_IAM_REGION: .*needs the cluster region/],
    [{ KAFKA_BROKERS: 'b:9098', KAFKA_AUTH: 'scram' }, /KAFKA_AUTH/],
    [{ KAFKA_BROKERS: ' , ' }, /KAFKA_BROKERS: KAFKA_BROKERS names no broker/],
    [{ KAFKA_BROKERS: 'no-port' }, /KAFKA_BROKERS.*host:port/],
    [{}, /KAFKA_BROKERS/],
  ])('refuses %o with the variable named', (env, message) => {
    expect(() => kafkaClientConfigFromEnv(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

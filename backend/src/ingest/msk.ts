import { z } from 'zod';

/** The MSK / self-managed Kafka event source shape delivered to Lambda (values base64). */
export const MskEventSchema = z.object({
  eventSource: z.string().optional(),
  records: z.record(
    z.string(),
    z.array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        offset: z.union([z.number().int(), z.string()]),
        value: z.string().nullable().optional(),
        key: z.string().nullable().optional(),
      }).passthrough(),
    ),
  ),
});
export type MskEvent = z.infer<typeof MskEventSchema>;

/** Records in partition order, with their values decoded to bytes. */
export function mskRecords(event: MskEvent): { topic: string; partition: number; offset: string; value: Buffer | null }[] {
  return Object.values(event.records)
    .flat()
    .map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.offset), value: r.value ? Buffer.from(r.value, 'base64') : null }));
}

/**
 * How a Kafka client of ours (the ingest function's dead-letter producer, `jetway simulate`)
 * authenticates to the cluster:
 *  - `iam`: Amazon MSK IAM access control, SASL/OAUTHBEARER with a token signed by the function's
 *    own credentials (aws-msk-iam-sasl-signer-js), over TLS (MSK's IAM listener, port 9098);
 *  - `none`: no SASL; TLS or not as KAFKA_SSL says (MSK's TLS listener 9094, a local broker).
 * The event source mapping needs no client config: Lambda authenticates with the execution role.
 */
export const KAFKA_AUTH_MODES = ['iam', 'none'] as const;
export type KafkaAuthMode = (typeof KAFKA_AUTH_MODES)[number];

const flag = z.enum(['true', 'false']).transform((s) => s === 'true');

/** The environment that configures a Kafka client (set by the CDK app on the ingest function). */
export const KafkaClientEnvSchema = z
  .object({
    KAFKA_BROKERS: z
      .string()
      .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[\w.-]+:\d+$/, 'a broker is host:port')).min(1, 'KAFKA_BROKERS names no broker')),
    KAFKA_AUTH: z.enum(KAFKA_AUTH_MODES).default('none'),
    KAFKA_SSL: flag.optional(),
    /** Region of the cluster (its ARN's), for the IAM token; else the function's AWS_REGION. */
    KAFKA_IAM_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).optional(),
    AWS_REGION: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.KAFKA_AUTH === 'iam' && e.KAFKA_SSL === false) ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL'], message: 'MSK IAM authentication needs TLS (KAFKA_SSL=true)' });
    if (e.KAFKA_AUTH === 'iam' && !(e.KAFKA_IAM_REGION ?? e.AWS_REGION)) ctx.addIssue({ code: 'custom', path: ['KAFKA_IAM_REGION'], message: 'MSK IAM authentication needs the cluster region (KAFKA_IAM_REGION or AWS_REGION)' });
  });

/** What `new Kafka({...})` needs beyond the client id. */
export interface KafkaClientConfig {
  brokers: string[];
  ssl: boolean;
  sasl?: { mechanism: 'oauthbearer'; oauthBearerProvider: () => Promise<{ value: string }> };
}

/** Signs an MSK IAM token (`generateAuthToken` of aws-msk-iam-sasl-signer-js); injectable for tests. */
export type MskTokenSigner = (opts: { region: string }) => Promise<{ token: string; expiryTime: number }>;

const defaultSigner: MskTokenSigner = async (opts) => {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return generateAuthToken(opts);
};

/**
 * The Kafka client config from the environment, parsed (a boundary): a bad value stops the
 * function's start with the variable's name. kafkajs asks the provider for a fresh token on
 * every (re)connection, so a token's 15-minute lifetime never outlives a connection's need.
 */
export function kafkaClientConfigFromEnv(env: NodeJS.ProcessEnv = process.env, signer: MskTokenSigner = defaultSigner): KafkaClientConfig {
  const parsed = KafkaClientEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Kafka client config: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  if (e.KAFKA_AUTH === 'none') return { brokers: e.KAFKA_BROKERS, ssl: e.KAFKA_SSL ?? false };
  const region = (e.KAFKA_IAM_REGION ?? e.AWS_REGION)!;
  return {
    brokers: e.KAFKA_BROKERS,
    ssl: true,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: (await signer({ region })).token }) },
  };
}

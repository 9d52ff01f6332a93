/**
 * CDK context parameters (`cdk synth -c key=value` or cdk.json "context"), parsed with zod:
 * deployment config is a boundary like any other. Everything is optional so that a bare
 * `cdk synth` works offline; the MSK event source is created only when `mskClusterArn` is set.
 */
import { z } from 'zod';
import { KAFKA_AUTH_MODES } from '../src/ingest/msk.js';

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .or(z.array(z.string()));

export const InfraConfigSchema = z.object({
  /** Prefix for physical names (table `${prefix}jetway`); lets two stages share an account. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,20}$/)
    .default('dev'),
  /** MSK cluster ARN; the ingest function's event source (topic flight-operations). */
  mskClusterArn: z.string().startsWith('arn:').optional(),
  /** Bootstrap servers for the handler's own producer (dead-letter topic flight-operations.dlq). */
  mskBootstrapServers: z.string().optional(),
  /** The handler's producer uses TLS (MSK's default in-transit encryption; port 9094, IAM 9098). */
  mskTls: z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]).default(true),
  /**
   * How the ingest function's own Kafka client (the dead-letter producer) authenticates: `iam`
   * (MSK IAM access control, SASL/OAUTHBEARER; the bootstrap servers of port 9098) or `none`
   * (the TLS or plaintext listener). The event source mapping uses the execution role either way.
   */
  mskAuth: z.enum(KAFKA_AUTH_MODES).default('iam'),
  /** Provisioned pollers of the event source mapping (1 to this; Kafka's error-handling controls need provisioned mode). */
  mskMaxPollers: z.coerce.number().int().min(1).max(200).default(3),
  /** Put the ingest function in the MSK VPC (needed to produce to the dead-letter topic). */
  ingestVpcId: z.string().startsWith('vpc-').optional(),
  ingestSubnetIds: csv.optional(),
  ingestSecurityGroupIds: csv.optional(),
  ingestAvailabilityZones: csv.optional(),
  /** Verified SES sender (address or domain identity) for passenger e-mail. */
  emailFrom: z.string().default('no-reply@jetway.example'),
  sesIdentityArn: z.string().startsWith('arn:').optional(),
  logRetentionDays: z.coerce.number().int().positive().default(30),
  /** Subscribed to the alarm topic (SNS e-mail; confirm once). Unset → subscribe on-call yourself (output AlarmTopicArn). */
  alarmEmail: z.email().optional(),
  /** Records behind flight-operations (the event source's OffsetLag) that raise the ingest-lag alarm after 15 minutes. */
  ingestLagAlarmRecords: z.coerce.number().int().positive().default(1000),
  /** Keep data (table, user pool) when the stack is deleted; default true outside `dev`. */
  retainData: z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]).optional(),
}).refine((c) => !(c.mskAuth === 'iam' && c.mskBootstrapServers && !c.mskTls), {
  path: ['mskTls'],
  message: 'mskAuth iam needs TLS (the IAM listener, port 9098): leave mskTls true or set mskAuth none',
});
export type InfraConfig = z.infer<typeof InfraConfigSchema>;

/** Reads the keys of InfraConfigSchema from a context getter (App.node.tryGetContext). */
export function readInfraConfig(get: (key: string) => unknown): InfraConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(InfraConfigSchema.shape)) {
    const v = get(key);
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = InfraConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid CDK context ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

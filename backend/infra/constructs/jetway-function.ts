import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { HandlerManifestEntry } from '../../src/handlers.js';
import { BACKEND_ROOT, REPO_ROOT } from '../paths.js';

/** The Lambda runtime: the major of `.nvmrc` (one Node for Lambda, desk, dev and CI). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** esbuild's target for the bundles, the same major. */
export const BUNDLE_TARGET = 'node24';

/** What a function may do with the table; least privilege, decided per handler in table-access.ts. */
export type TableAccess = 'none' | 'read' | 'readWrite';

/** Table actions per access level (aws-cdk-lib's grantReadData / grantReadWriteData lists, without streams). */
export const TABLE_ACTIONS: Record<Exclude<TableAccess, 'none'>, string[]> = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  readWrite: [
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:GetItem',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:BatchWriteItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
};

export interface JetwayFunctionProps {
  handler: HandlerManifestEntry;
  table: dynamodb.ITable;
  /** The table's GSIs, granted by name (no `index/*`). */
  tableIndexes: readonly string[];
  tableAccess: TableAccess;
  logRetentionDays: number;
  environment?: Record<string, string>;
  vpc?: { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups: ec2.ISecurityGroup[] };
}

const RETENTION: Record<number, logs.RetentionDays> = Object.fromEntries(
  Object.values(logs.RetentionDays)
    .filter((v): v is logs.RetentionDays => typeof v === 'number')
    .map((v) => [v, v]),
);

/** Days → a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, …); anything else throws. */
export function retentionDays(days: number): logs.RetentionDays {
  const r = RETENTION[days];
  if (r === undefined) throw new Error(`logRetentionDays ${days} is not a CloudWatch Logs retention value`);
  return r;
}

/**
 * THE Lambda construct: every handler of src/handlers.ts becomes one of these, with the house
 * defaults in one place: esbuild local bundling (no Docker) to one ESM file, arm64, Node 24
 * (the project's one Node: .nvmrc, Electron 41's Node, CI; decisions.md 2026-12-03),
 * its own log group with retention, X-Ray active tracing, Powertools environment, and table
 * grants no wider than `tableAccess`.
 */
export class JetwayFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: JetwayFunctionProps) {
    super(scope, id);
    const h = props.handler;
    const retention = retentionDays(props.logRetentionDays);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    // Its own role: logs to its own group only (not the managed AWSLambdaBasicExecutionRole's
    // logs:* on every group), table rights per `tableAccess`, named indexes only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Jetway ${h.name}`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: path.join(BACKEND_ROOT, h.entry),
      handler: h.export,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: h.memoryMb,
      timeout: Duration.seconds(h.timeoutSeconds),
      role,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: `Jetway ${h.kind} handler ${h.name} (${h.entry})`,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'jetway',
        POWERTOOLS_METRICS_NAMESPACE: 'Jetway',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Responses carry passenger data: keep them out of traces.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        JETWAY_HANDLER: h.name,
        TABLE_NAME: props.table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The SDK v3 is in the Node 24 runtime; bundling it would only add cold-start weight.
        externalModules: ['@aws-sdk/*'],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner:
          "import { createRequire as __jetwayCreateRequire } from 'node:module'; const require = __jetwayCreateRequire(import.meta.url);",
      },
      ...(props.vpc
        ? { vpc: props.vpc.vpc, vpcSubnets: { subnets: props.vpc.subnets }, securityGroups: props.vpc.securityGroups }
        : {}),
    });
    if (props.tableAccess !== 'none') {
      const t = props.table.tableArn;
      role.addToPolicy(
        new iam.PolicyStatement({ actions: TABLE_ACTIONS[props.tableAccess], resources: [t, ...props.tableIndexes.map((i) => `${t}/index/${i}`)] }),
      );
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments/PutTelemetryRecords have no resource-level permissions. Notifiers: SMS to phone numbers (sns:Publish) has no ARN; topic publishing is denied (notify-permissions.ts).',
    });
    if (props.vpc) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'A function in a VPC manages its network interfaces (ec2:CreateNetworkInterface etc., no resource-level scoping); CDK attaches the AWS policy for exactly that.',
      });
    }
  }
}

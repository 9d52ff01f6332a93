import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { HandlerManifestEntry } from '../../src/handlers.js';
import { BACKEND_ROOT, REPO_ROOT } from '../paths.js';

/** What a function may do with the table; least privilege, decided per handler in table-access.ts. */
export type TableAccess = 'none' | 'read' | 'readWrite';

export interface JetwayFunctionProps {
  handler: HandlerManifestEntry;
  table: dynamodb.ITable;
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
 * defaults in one place: esbuild local bundling (no Docker) to one ESM file, arm64, Node 20,
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
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: path.join(BACKEND_ROOT, h.entry),
      handler: h.export,
      runtime: lambda.Runtime.NODEJS_20_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: h.memoryMb,
      timeout: Duration.seconds(h.timeoutSeconds),
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
        target: 'node20',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The SDK v3 is in the Node 20 runtime; bundling it would only add cold-start weight.
        externalModules: ['@aws-sdk/*'],
        // Some CommonJS dependencies call require(); give the ESM bundle one.
        banner:
          "import { createRequire as __jetwayCreateRequire } from 'node:module'; const require = __jetwayCreateRequire(import.meta.url);",
      },
      ...(props.vpc
        ? { vpc: props.vpc.vpc, vpcSubnets: { subnets: props.vpc.subnets }, securityGroups: props.vpc.securityGroups }
        : {}),
    });
    // Node 20 matches the toolchain the handlers are tested with (local cloud, CI). Its Lambda
    // deprecation is known; move runtime + toolchain together (decisions.md, 2026-11-24).
    Validations.of(this.fn).acknowledge({
      id: 'CloudFormation-Validate::W2531',
      reason: 'Node 20 pinned with the toolchain; upgrade together',
    });
    if (props.tableAccess === 'read') props.table.grantReadData(this.fn);
    if (props.tableAccess === 'readWrite') props.table.grantReadWriteData(this.fn);
  }
}

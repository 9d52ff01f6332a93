import { Annotations, ArnFormat, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MAIN_TABLE } from '../src/data/tables.js';
import { HANDLERS, type HandlerManifestEntry } from '../src/handlers.js';
import type { InfraConfig } from './config.js';
import { JetwayAuth } from './constructs/auth.js';
import { JetwayHttpApi } from './constructs/http-api.js';
import { IngestSource, parseMskClusterArn } from './constructs/ingest-source.js';
import { JetwayFunction, retentionDays } from './constructs/jetway-function.js';
import { JetwayMonitoring } from './constructs/monitoring.js';
import { grantNotify } from './constructs/notify-permissions.js';
import { JetwayTable } from './constructs/table.js';
import { JetwayWorkflows, stateMachineArnEnv } from './constructs/workflows.js';
import {
  COMPACTION_ACTIONS,
  COMPACTION_LEADING_KEYS,
  JOB_INVOKERS,
  USER_ADMIN_ACTIONS,
  administersUsers,
  compactsChangeLog,
  kafkaBinding,
  readsStaffDirectory,
  respondsToTasks,
  sendsNotifications,
  startsApprovals,
  tableAccessFor,
} from './handler-policy.js';
import { nagArn } from './nag.js';
import { STATE_MACHINES_DIR } from './paths.js';

export interface JetwayStackProps extends StackProps {
  config: InfraConfig;
  /** Defaults to src/handlers.ts HANDLERS (tests may pass a subset). */
  handlers?: readonly HandlerManifestEntry[];
  /** Defaults to src/workflows/statemachines. */
  stateMachinesDir?: string;
}

/**
 * The Jetway backend: table, user pool, HTTP API, one function per manifest handler, the MSK
 * event source for ingest, and the Step Functions workflows. Composition only; each part is a
 * construct in ./constructs.
 */
export class JetwayStack extends Stack {
  constructor(scope: Construct, id: string, props: JetwayStackProps) {
    super(scope, id, props);
    const cfg = props.config;
    const handlers = props.handlers ?? HANDLERS;
    const namePrefix = `jetway-${cfg.stage}-`;
    const retain = cfg.retainData ?? cfg.stage !== 'dev';

    const { table } = new JetwayTable(this, 'Data', { definition: MAIN_TABLE, prefix: `${cfg.stage}-`, retain });
    const auth = new JetwayAuth(this, 'Auth', { namePrefix, retain });
    const ingestVpc = this.ingestVpc(cfg);

    const functions = new Map<string, lambda.Function>();
    for (const h of handlers) {
      if (functions.has(h.name)) throw new Error(`duplicate handler name ${h.name} in src/handlers.ts`);
      const environment: Record<string, string> = {};
      if (h.kind === 'api') {
        environment.COGNITO_USER_POOL_ID = auth.userPool.userPoolId;
        environment.COGNITO_CLIENT_ID = auth.client.userPoolClientId;
      }
      const kafka = kafkaBinding(h);
      if (kafka && cfg.mskBootstrapServers) {
        // The dead-letter producer's client (src/ingest/msk.ts kafkaClientConfigFromEnv).
        environment.KAFKA_BROKERS = cfg.mskBootstrapServers;
        environment.KAFKA_SSL = String(cfg.mskTls);
        environment.KAFKA_AUTH = cfg.mskAuth;
        if (cfg.mskClusterArn) environment.KAFKA_IAM_REGION = parseMskClusterArn(cfg.mskClusterArn).region;
      }
      if (sendsNotifications(h)) environment.EMAIL_FROM = cfg.emailFrom;
      if (readsStaffDirectory(h)) environment.COGNITO_USER_POOL_ID = auth.userPool.userPoolId;
      const { fn } = new JetwayFunction(this, h.name, {
        handler: h,
        table,
        tableIndexes: MAIN_TABLE.globalSecondaryIndexes.map((g) => g.indexName),
        tableAccess: tableAccessFor(h),
        logRetentionDays: cfg.logRetentionDays,
        environment,
        ...(kafka && ingestVpc ? { vpc: ingestVpc } : {}),
      });
      if (sendsNotifications(h))
        grantNotify(fn, { ...(cfg.sesIdentityArn ? { sesIdentityArn: cfg.sesIdentityArn } : {}) });
      if (readsStaffDirectory(h)) auth.userPool.grant(fn, 'cognito-idp:ListUsersInGroup');
      if (compactsChangeLog(h)) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: COMPACTION_ACTIONS,
            resources: [table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': COMPACTION_LEADING_KEYS } },
          }),
        );
      }
      if (h.kind === 'scheduled') {
        if (!h.scheduleMinutes) throw new Error(`scheduled handler ${h.name} has no scheduleMinutes`);
        // A run is bounded (it stops 30 s before its timeout); an overlapping run is safe (the
        // compactor's cursor advance is conditional), only wasted work.
        new events.Rule(this, `${h.name}Schedule`, {
          description: `Jetway ${h.name} every ${h.scheduleMinutes} min`,
          schedule: events.Schedule.rate(Duration.minutes(h.scheduleMinutes)),
          targets: [new eventTargets.LambdaFunction(fn, { retryAttempts: 0 })],
        });
      }
      functions.set(h.name, fn);
    }

    // Admin API: user administration on the pool, asynchronous start of the policy simulation job.
    for (const h of handlers) {
      const fn = functions.get(h.name)!;
      if (administersUsers(h)) auth.userPool.grant(fn, ...USER_ADMIN_ACTIONS);
      const inv = JOB_INVOKERS[h.name];
      const job = inv ? functions.get(inv.job) : undefined;
      if (inv && job) {
        fn.addEnvironment(inv.env, job.functionName);
        // The function itself (unqualified), not `:*` (its versions and aliases): none is published.
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [job.functionArn] }));
      }
    }

    const workflows = new JetwayWorkflows(this, 'Workflows', {
      dir: props.stateMachinesDir ?? STATE_MACHINES_DIR,
      namePrefix,
      functions,
      logRetention: retentionDays(cfg.logRetentionDays),
    });

    // Ingest starts the disruption workflow (deterministic execution names dedupe repeats); the
    // feeds and the parking sweep re-drive parked ops events through ingest.
    const approval = workflows.stateMachines.get('approval');
    for (const h of handlers) {
      const kafka = kafkaBinding(h);
      if (!kafka) continue;
      const fn = functions.get(h.name)!;
      for (const [name, sm] of workflows.stateMachines) {
        if (sm === approval) continue;
        fn.addEnvironment(stateMachineArnEnv(name), sm.stateMachineArn);
        sm.grantStartExecution(fn);
        // DescribeExecution: a re-sent event re-runs a FAILED execution, never a running or succeeded one (sfn-starter.ts).
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeExecution'],
            resources: [this.formatArn({ service: 'states', resource: 'execution', resourceName: `${namePrefix}${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
          }),
        );
        Validations.of(fn.role ?? fn).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn(this, 'states', `execution:${namePrefix}${name}:*`)}]`,
          reason: 'DescribeExecution on the executions of this one state machine: execution names are per event, not known in advance.',
        });
      }
      if (cfg.mskClusterArn)
        new IngestSource(this, `${h.name}Source`, { fn, clusterArn: cfg.mskClusterArn, auth: cfg.mskAuth, maxPollers: cfg.mskMaxPollers, binding: kafka });
      if (cfg.mskClusterArn && !cfg.mskBootstrapServers) {
        Annotations.of(fn).addWarningV2(
          'jetway:ingest-no-dlq-brokers',
          `mskClusterArn without mskBootstrapServers: ${h.name} cannot write ${kafka.dlqTopics.join(', ')}`,
        );
      }
    }
    // The approval workflow: push starts it (requestApproval, execution named after the approval)
    // and completes its `.waitForTaskToken` waits (decideApproval); RegisterApprovalToken completes
    // a wait whose approval was decided before it registered.
    if (approval) {
      for (const h of handlers.filter(startsApprovals)) {
        const fn = functions.get(h.name)!;
        fn.addEnvironment(stateMachineArnEnv('approval'), approval.stateMachineArn);
        approval.grantStartExecution(fn);
      }
      // By name, not by reference: the state machine invokes RegisterApprovalToken, so a reference
      // from that function's policy back to the state machine would be a dependency cycle.
      const approvalArn = this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: `${namePrefix}approval`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      for (const h of handlers.filter(respondsToTasks)) {
        functions.get(h.name)!.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: [approvalArn],
          }),
        );
      }
    }

    const http = new JetwayHttpApi(this, 'Http', {
      name: `${namePrefix}api`,
      issuer: auth.issuer,
      audience: [auth.client.userPoolClientId],
      routes: handlers.filter((h) => h.kind === 'api').map((h) => ({ handler: h, fn: functions.get(h.name)! })),
      logRetention: retentionDays(cfg.logRetentionDays),
    });

    new JetwayMonitoring(this, 'Monitoring', {
      namePrefix,
      functions,
      ingest: handlers.filter((h) => (kafkaBinding(h)?.topics.length ?? 0) > 0).map((h) => ({ name: h.name, fn: functions.get(h.name)! })),
      hasEventSource: Boolean(cfg.mskClusterArn),
      stateMachines: workflows.stateMachines,
      api: http.api,
      table,
      ingestLagRecords: cfg.ingestLagAlarmRecords,
      ...(cfg.alarmEmail ? { alarmEmail: cfg.alarmEmail } : {}),
    });

    new CfnOutput(this, 'Region', { value: this.region, description: 'Desk: JETWAY_COGNITO_REGION' });
    new CfnOutput(this, 'UserPoolId', {
      value: auth.userPool.userPoolId,
      description: 'Desk: JETWAY_COGNITO_USER_POOL_ID',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: auth.client.userPoolClientId,
      description: 'Desk: JETWAY_COGNITO_CLIENT_ID',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    for (const [name, sm] of workflows.stateMachines) {
      new CfnOutput(this, `${sm.node.id}StateMachineArn`, {
        value: sm.stateMachineArn,
        description: `Step Functions workflow ${name}`,
      });
    }
  }

  private ingestVpc(cfg: InfraConfig) {
    if (!cfg.ingestVpcId) return undefined;
    const subnetIds = cfg.ingestSubnetIds ?? [];
    const sgIds = cfg.ingestSecurityGroupIds ?? [];
    if (subnetIds.length === 0 || sgIds.length === 0)
      throw new Error('ingestVpcId needs ingestSubnetIds and ingestSecurityGroupIds');
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'IngestVpc', {
      vpcId: cfg.ingestVpcId,
      availabilityZones: cfg.ingestAvailabilityZones ?? subnetIds.map((_, i) => `${this.region}${'abcdef'[i] ?? 'a'}`),
      privateSubnetIds: subnetIds,
    });
    return {
      vpc,
      subnets: subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `IngestSubnet${i}`, id)),
      securityGroups: sgIds.map((id, i) => ec2.SecurityGroup.fromSecurityGroupId(this, `IngestSg${i}`, id)),
    };
  }
}

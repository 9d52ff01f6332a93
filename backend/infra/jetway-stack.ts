import { Annotations, ArnFormat, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MAIN_TABLE } from '../src/data/tables.js';
import { HANDLERS, type HandlerManifestEntry } from '../src/handlers.js';
import type { InfraConfig } from './config.js';
import { JetwayAuth } from './constructs/auth.js';
import { JetwayHttpApi } from './constructs/http-api.js';
import { IngestSource } from './constructs/ingest-source.js';
import { JetwayFunction, retentionDays } from './constructs/jetway-function.js';
import { grantNotify } from './constructs/notify-permissions.js';
import { JetwayTable } from './constructs/table.js';
import { JetwayWorkflows, stateMachineArnEnv } from './constructs/workflows.js';
import {
  readsStaffDirectory,
  respondsToTasks,
  sendsNotifications,
  startsApprovals,
  tableAccessFor,
} from './handler-policy.js';
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
      if (h.kind === 'ingest' && cfg.mskBootstrapServers) {
        environment.KAFKA_BROKERS = cfg.mskBootstrapServers;
        environment.KAFKA_SSL = String(cfg.mskTls);
      }
      if (sendsNotifications(h)) environment.EMAIL_FROM = cfg.emailFrom;
      if (readsStaffDirectory(h)) environment.COGNITO_USER_POOL_ID = auth.userPool.userPoolId;
      const { fn } = new JetwayFunction(this, h.name, {
        handler: h,
        table,
        tableAccess: tableAccessFor(h),
        logRetentionDays: cfg.logRetentionDays,
        environment,
        ...(h.kind === 'ingest' && ingestVpc ? { vpc: ingestVpc } : {}),
      });
      if (sendsNotifications(h))
        grantNotify(fn, { ...(cfg.sesIdentityArn ? { sesIdentityArn: cfg.sesIdentityArn } : {}) });
      if (readsStaffDirectory(h)) auth.userPool.grant(fn, 'cognito-idp:ListUsersInGroup');
      functions.set(h.name, fn);
    }

    const workflows = new JetwayWorkflows(this, 'Workflows', {
      dir: props.stateMachinesDir ?? STATE_MACHINES_DIR,
      namePrefix,
      functions,
      logRetention: retentionDays(cfg.logRetentionDays),
    });

    // Ingest starts the disruption workflow (deterministic execution names dedupe repeats).
    const approval = workflows.stateMachines.get('approval');
    for (const h of handlers.filter((x) => x.kind === 'ingest')) {
      const fn = functions.get(h.name)!;
      for (const [name, sm] of workflows.stateMachines) {
        if (sm === approval) continue;
        fn.addEnvironment(stateMachineArnEnv(name), sm.stateMachineArn);
        sm.grantStartExecution(fn);
      }
      if (cfg.mskClusterArn) new IngestSource(this, `${h.name}Source`, { fn, clusterArn: cfg.mskClusterArn });
      if (cfg.mskClusterArn && !cfg.mskBootstrapServers) {
        Annotations.of(fn).addWarningV2(
          'jetway:ingest-no-dlq-brokers',
          'mskClusterArn without mskBootstrapServers: the ingest handler cannot write flight-operations.dlq',
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

    new JetwayHttpApi(this, 'Http', {
      name: `${namePrefix}api`,
      issuer: auth.issuer,
      audience: [auth.client.userPoolClientId],
      routes: handlers.filter((h) => h.kind === 'api').map((h) => ({ handler: h, fn: functions.get(h.name)! })),
      logRetention: retentionDays(cfg.logRetentionDays),
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

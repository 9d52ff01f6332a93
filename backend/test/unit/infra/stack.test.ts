import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { MAIN_TABLE } from '../../../src/data/tables.js';
import { HANDLERS } from '../../../src/handlers.js';
import { listStateMachineFiles, substitutionKeys } from '../../../infra/constructs/workflows.js';
import { readInfraConfig } from '../../../infra/config.js';
import { STATE_MACHINES_DIR } from '../../../infra/paths.js';
import { MSK_ARN, functionIdFor, resourcesOf, synth } from './synth-helper.js';

const { template } = synth({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098' });
const apiRoutes = HANDLERS.flatMap((h) => (h.routes ?? []).map((r) => ({ route: r, h })));

describe('DynamoDB table = src/data/tables.ts', () => {
  const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
  it('one table with the defined keys, GSIs, stream, TTL, on-demand and PITR', () => {
    expect(tables).toHaveLength(1);
    const p = tables[0]!.Properties!;
    expect(p.KeySchema).toEqual([
      { AttributeName: MAIN_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: MAIN_TABLE.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(p.GlobalSecondaryIndexes).toEqual(
      MAIN_TABLE.globalSecondaryIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [
          { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keyAttrs = [
      MAIN_TABLE.partitionKey,
      MAIN_TABLE.sortKey,
      ...MAIN_TABLE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
    ];
    expect(p.AttributeDefinitions).toEqual(
      expect.arrayContaining(keyAttrs.map((k) => ({ AttributeName: k.name, AttributeType: k.type }))),
    );
    expect(p.AttributeDefinitions).toHaveLength(new Set(keyAttrs.map((k) => k.name)).size);
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: MAIN_TABLE.ttlAttribute, Enabled: true });
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.TableName).toBe('dev-jetway');
  });
});

describe('every manifest handler is a Lambda with the house defaults', () => {
  const fns = resourcesOf(template, 'AWS::Lambda::Function');
  const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
  it('one function per handler, nothing else', () => {
    // CDK may add helper functions (e.g. log retention); ours are exactly the manifest's.
    const ours = Object.keys(fns).filter((id) => HANDLERS.some((h) => id.startsWith(`${h.name}Fn`)));
    expect(ours).toHaveLength(HANDLERS.length);
  });
  it.each(HANDLERS.map((h) => [h.name, h] as const))('%s', (_name, h) => {
    const p = fns[functionIdFor(template, h.name)]!.Properties!;
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Runtime).toBe('nodejs24.x');
    expect(p.TracingConfig).toEqual({ Mode: 'Active' });
    expect(p.Handler).toBe(`index.${h.export}`);
    expect(p.MemorySize).toBe(h.memoryMb);
    expect(p.Timeout).toBe(h.timeoutSeconds);
    const env = (p.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'jetway',
      POWERTOOLS_METRICS_NAMESPACE: 'Jetway',
      TABLE_NAME: expect.anything(),
    });
    const lgRef = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logGroups[lgRef]?.Properties?.RetentionInDays).toBe(30);
  });
});

describe('least-privilege table access', () => {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
  const actionsOf = (handlerName: string): string[] => {
    const roleId = (
      resourcesOf(template, 'AWS::Lambda::Function')[functionIdFor(template, handlerName)]!.Properties!.Role as {
        'Fn::GetAtt': string[];
      }
    )['Fn::GetAtt'][0];
    return policies
      .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  };
  it.each([
    ['ApiHealth', ['dynamodb:GetItem'], ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'ses:SendEmail']],
    ['ApiMe', [], ['dynamodb:PutItem', 'ses:SendEmail', 'sns:Publish']],
    [
      'ApiSyncPull',
      ['dynamodb:Query', 'dynamodb:GetItem'],
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    ],
    [
      'ApiSyncPush',
      // StartExecution: the approval workflow only (approval.test.ts checks the resource).
      [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'ses:SendEmail',
        'states:SendTaskSuccess',
        'states:StartExecution',
      ],
      ['cognito-idp:ListUsersInGroup'],
    ],
    ['ApiSyncPull', [], ['states:SendTaskSuccess']],
    ['ApiSyncSnapshot', ['dynamodb:Query', 'dynamodb:GetItem'], ['dynamodb:PutItem', 'dynamodb:DeleteItem']],
    // The compactor: the change-log partitions only (LeadingKeys, checked below), no Scan.
    ['SchedCompactChangeLog', ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'], ['dynamodb:Scan', 'ses:SendEmail']],
    ['IngestFlightOperations', ['dynamodb:PutItem', 'states:StartExecution', 'kafka-cluster:WriteData'], []],
    ['WfQueueNotifications', ['ses:SendEmail', 'sns:Publish'], []],
    ['WfEvaluatePassengers', ['dynamodb:PutItem'], ['ses:SendEmail', 'sns:Publish', 'states:StartExecution']],
  ])('%s may %j and not %j', (name, allowed, denied) => {
    const actions = actionsOf(name);
    for (const a of allowed) expect(actions).toContain(a);
    for (const a of denied) expect(actions).not.toContain(a);
  });
});

describe('scheduled compaction of the change log', () => {
  it('an EventBridge rule runs SchedCompactChangeLog every 5 minutes', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    const fnId = functionIdFor(template, 'SchedCompactChangeLog');
    const rule = rules.find((r) => JSON.stringify(r.Properties!.Targets).includes(fnId));
    expect(rule?.Properties?.ScheduleExpression).toBe('rate(5 minutes)');
  });
  it('its table statement is limited to the change-log partitions', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const statements = policies.flatMap(
      (p) => (p.Properties!.PolicyDocument as { Statement: { Action: unknown; Condition?: unknown }[] }).Statement,
    );
    const compaction = statements.find((st) => JSON.stringify(st.Action).includes('dynamodb:BatchWriteItem') && st.Condition);
    expect(compaction?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LOG#*', 'SNAP#*', 'SNAPSTATE#*', 'SNAPPACK#*', 'STATION#*', 'STATIONS'] },
    });
  });
});

describe('HTTP API', () => {
  const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
  const authorizers = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer'));
  it('a Cognito JWT authorizer: the pool as issuer, the desk client as audience', () => {
    expect(authorizers).toHaveLength(1);
    const p = authorizers[0]![1].Properties!;
    expect(p.AuthorizerType).toBe('JWT');
    expect(JSON.stringify(p.JwtConfiguration)).toMatch(/cognito-idp\.eu-west-1\.amazonaws\.com/);
    expect(JSON.stringify((p.JwtConfiguration as { Audience: unknown }).Audience)).toMatch(/DeskClient/);
  });
  it('exactly the manifest routes', () => {
    expect(
      Object.values(routes)
        .map((r) => r.Properties!.RouteKey)
        .sort(),
    ).toEqual(apiRoutes.map((r) => r.route).sort());
    expect(apiRoutes.map((r) => r.route)).toEqual(
      expect.arrayContaining(['GET /v1/health', 'GET /v1/me', 'GET /v1/sync/pull', 'POST /v1/sync/push']),
    );
  });
  it.each(apiRoutes.map((r) => [r.route, r.h.authorized !== false] as const))('%s authorized=%s', (key, authorized) => {
    const route = Object.values(routes).find((r) => r.Properties!.RouteKey === key)!.Properties!;
    if (authorized) {
      expect(route.AuthorizationType).toBe('JWT');
      expect(route.AuthorizerId).toEqual({ Ref: authorizers[0]![0] });
    } else {
      expect(key).toBe('GET /v1/health');
      expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });
});

describe('Cognito', () => {
  it('groups agent, supervisor, admin', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties!.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'agent', 'supervisor']);
  });
  it('custom attribute stations; admin-created users only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'stations', AttributeDataType: 'String', Mutable: true })]),
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });
  it('desk client: USER_PASSWORD_AUTH + SRP, no secret, may read but not write custom:stations', () => {
    const clients = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    const p = clients[0]!.Properties!;
    expect(p.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']));
    expect(p.GenerateSecret).toBe(false);
    expect(p.ReadAttributes).toContain('custom:stations');
    expect(p.WriteAttributes).not.toContain('custom:stations');
  });
});

describe('Step Functions: every ASL file is a state machine', () => {
  const machines = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
  const files = listStateMachineFiles(STATE_MACHINES_DIR);
  it('one per file', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(machines.map((m) => m.Properties!.StateMachineName).sort()).toEqual(
      files.map((f) => `jetway-dev-${f.name}`).sort(),
    );
  });
  it.each(files.map((f) => [f.name, f.file] as const))(
    '%s: loaded from the file, every placeholder bound to its handler ARN',
    (name, file) => {
      const m = machines.find((x) => x.Properties!.StateMachineName === `jetway-dev-${name}`)!.Properties!;
      expect(m.DefinitionS3Location).toBeDefined(); // DefinitionBody.fromFile → S3 asset of the unchanged file
      expect(m.TracingConfiguration).toEqual({ Enabled: true });
      const subs = m.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
      const keys = substitutionKeys(readFileSync(file, 'utf8'));
      expect(Object.keys(subs).sort()).toEqual(keys);
      for (const k of keys) {
        expect(subs[k]!['Fn::GetAtt']).toEqual([functionIdFor(template, k.replace(/Arn$/, '')), 'Arn']);
      }
    },
  );
  it('the disruption workflow (a Distributed Map) may start and stop its own child executions, and only its own', () => {
    const roleOf = (name: string) =>
      (machines.find((x) => x.Properties!.StateMachineName === `jetway-dev-${name}`)!.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    type Stmt = { Action: string | string[]; Resource: unknown };
    const statements = (role: string) =>
      Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties!.Roles).includes(role))
        .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Stmt[] }).Statement);
    const resourcesFor = (role: string, action: string) =>
      statements(role)
        .filter((st) => [st.Action].flat().includes(action))
        .map((st) => JSON.stringify(st.Resource));
    const disruption = roleOf('disruption');
    expect(resourcesFor(disruption, 'states:StartExecution')).toEqual([expect.stringMatching(/:stateMachine:jetway-dev-disruption"/)]);
    expect(resourcesFor(disruption, 'states:StopExecution')).toEqual([expect.stringMatching(/:execution:jetway-dev-disruption\/\*"/)]);
    // The approval workflow has no Distributed Map: it starts nothing.
    expect(resourcesFor(roleOf('approval'), 'states:StartExecution')).toEqual([]);
  });
});

// Each test synthesizes a whole stack: seconds on a busy 2-core machine.
describe('MSK event source for ingest', { timeout: 60_000 }, () => {
  it('reads flight-operations from the cluster in context', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: MSK_ARN,
      Topics: ['flight-operations'],
      FunctionName: { Ref: functionIdFor(template, 'IngestFlightOperations') },
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'jetway-ingest' },
    });
    const env = resourcesOf(template, 'AWS::Lambda::Function')[functionIdFor(template, 'IngestFlightOperations')]!
      .Properties!.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables.KAFKA_BROKERS).toBe('b-1.ops:9098');
    expect(env.Variables.KAFKA_SSL).toBe('true');
    expect(env.Variables.DISRUPTION_STATE_MACHINE_ARN).toBeDefined();
    // MSK IAM by default: the producer signs its SASL/OAUTHBEARER token for the cluster's region.
    expect(env.Variables.KAFKA_AUTH).toBe('iam');
    expect(env.Variables.KAFKA_IAM_REGION).toBe('eu-west-1');
  });
  it('partial batch responses with provisioned pollers (3 by default)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
    });
  });
  type Stmt = { Action: string | string[]; Resource: unknown };
  const statementsOf = (t: typeof template, name?: string): Stmt[] => {
    const role = name
      ? (resourcesOf(t, 'AWS::Lambda::Function')[functionIdFor(t, name)]!.Properties!.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!
      : null;
    return Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
      .filter((p) => !role || JSON.stringify(p.Properties!.Roles).includes(role))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Stmt[] }).Statement);
  };
  const dataPlane = (t: typeof template, name?: string) =>
    statementsOf(t, name)
      .flatMap((st) => [st.Action].flat())
      .filter((a) => a.startsWith('kafka-cluster:'))
      .sort();
  /** kafka-cluster action → the topic/group names it is granted on. */
  const grants = (name: string) => {
    const out: Record<string, string[]> = {};
    for (const st of statementsOf(template, name)) {
      for (const a of [st.Action].flat().filter((x) => x.startsWith('kafka-cluster:'))) {
        out[a] = [...(out[a] ?? []), ...[st.Resource].flat().map((r) => String(r).split('/').slice(3).join('/') || 'cluster')].sort();
      }
    }
    return out;
  };
  it('IAM auth: each Kafka client may read its topics, write its dead-letter topics and use its group, nothing wider', () => {
    expect(grants('IngestFlightOperations')).toEqual({
      'kafka-cluster:Connect': ['cluster'],
      'kafka-cluster:DescribeCluster': ['cluster'],
      'kafka-cluster:DescribeTopic': ['flight-operations', 'flight-operations.dlq'],
      'kafka-cluster:ReadData': ['flight-operations'],
      'kafka-cluster:WriteData': ['flight-operations.dlq'],
      'kafka-cluster:AlterGroup': ['jetway-ingest'],
      'kafka-cluster:DescribeGroup': ['jetway-ingest'],
    });
    expect(grants('IngestFeeds')).toEqual({
      'kafka-cluster:Connect': ['cluster'],
      'kafka-cluster:DescribeCluster': ['cluster'],
      'kafka-cluster:DescribeTopic': ['flight-operations.dlq', 'flight-schedule', 'flight-schedule.dlq', 'passenger-manifests', 'passenger-manifests.dlq'],
      'kafka-cluster:ReadData': ['flight-schedule', 'passenger-manifests'],
      'kafka-cluster:WriteData': ['flight-operations.dlq', 'flight-schedule.dlq', 'passenger-manifests.dlq'],
      'kafka-cluster:AlterGroup': ['jetway-feeds'],
      'kafka-cluster:DescribeGroup': ['jetway-feeds'],
    });
    // The parking sweep reads no topic: it dead-letters parked ops events past their horizon.
    expect(grants('SchedParkingSweep')).toEqual({
      'kafka-cluster:Connect': ['cluster'],
      'kafka-cluster:DescribeCluster': ['cluster'],
      'kafka-cluster:DescribeTopic': ['flight-operations.dlq'],
      'kafka-cluster:WriteData': ['flight-operations.dlq'],
    });
    expect(dataPlane(template, 'WfEvaluatePassengers')).toEqual([]);
  });
  it('the feeds: one mapping per feed topic (group jetway-feeds), whole-batch retries; the sweep starts the disruption workflow', () => {
    const fn = functionIdFor(template, 'IngestFeeds');
    const maps = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter((m) => JSON.stringify(m.Properties!.FunctionName).includes(fn));
    expect(maps.map((m) => (m.Properties!.Topics as string[])[0]).sort()).toEqual(['flight-schedule', 'passenger-manifests']);
    for (const m of maps) {
      expect(m.Properties!.AmazonManagedKafkaEventSourceConfig).toEqual({ ConsumerGroupId: 'jetway-feeds' });
      expect(m.Properties!.FunctionResponseTypes).toBeUndefined();
    }
    const sweepEnv = (resourcesOf(template, 'AWS::Lambda::Function')[functionIdFor(template, 'SchedParkingSweep')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(sweepEnv.DISRUPTION_STATE_MACHINE_ARN).toBeDefined();
    expect(sweepEnv.KAFKA_AUTH).toBe('iam');
    expect(statementsOf(template, 'SchedParkingSweep').some((st) => [st.Action].flat().includes('states:StartExecution'))).toBe(true);
  });
  it('mskAuth none: no data-plane rights, no SASL for the producer; iam without TLS is refused', () => {
    const t = synth({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9094', mskAuth: 'none', mskMaxPollers: 10 }).template;
    expect(dataPlane(t)).toEqual([]);
    const env = resourcesOf(t, 'AWS::Lambda::Function')[functionIdFor(t, 'IngestFlightOperations')]!.Properties!.Environment as { Variables: Record<string, unknown> };
    expect(env.Variables.KAFKA_AUTH).toBe('none');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 10 } });
    const ctx: Record<string, unknown> = { mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9094', mskTls: 'false' };
    expect(() => readInfraConfig((k) => ctx[k])).toThrow(/mskTls: mskAuth iam needs TLS/);
  });
  it('without a cluster ARN there is no event source (synth still works)', () => {
    const bare = synth({}).template;
    expect(Object.keys(resourcesOf(bare, 'AWS::Lambda::EventSourceMapping'))).toHaveLength(0);
  });
});

describe('outputs for the desk', () => {
  it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'Region'])('%s', (name) => {
    expect(Object.keys(template.findOutputs('*'))).toContain(name);
  });
});

// Each test synthesizes a whole stack: seconds on a busy 2-core machine.
describe('context parameters are parsed', { timeout: 60_000 }, () => {
  it.each([
    [{ mskClusterArn: 'not-an-arn' }, /mskClusterArn/],
    [{ logRetentionDays: 'x' }, /logRetentionDays/],
    [{ stage: 'Prod!' }, /stage/],
    [{ mskAuth: 'scram' }, /mskAuth/],
    [{ mskMaxPollers: 0 }, /mskMaxPollers/],
  ])('%j is refused', (ctx, msg) => {
    expect(() => readInfraConfig((k) => (ctx as Record<string, unknown>)[k])).toThrow(msg);
  });
  it('a log retention CloudWatch does not offer is refused at synth', () => {
    expect(() => synth({ logRetentionDays: 31 })).toThrow(/retention/);
  });
});

// Each test synthesizes a whole stack: seconds on a busy 2-core machine.
describe('a broken ASL file fails the synth', { timeout: 60_000 }, () => {
  const dirWith = (definition: unknown): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetway-asl-'));
    writeFileSync(path.join(dir, 'broken.asl.json'), JSON.stringify(definition));
    return dir;
  };
  const task = (over: Record<string, unknown>) => ({
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: '${WfMarkDisruptionFailedArn}',
        TimeoutSeconds: 5,
        Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
        End: true,
        ...over,
      },
      F: { Type: 'Fail' },
    },
  });
  it('a well-formed file synthesizes', () => {
    expect(() => synth({}, { stateMachinesDir: dirWith(task({})) })).not.toThrow();
  });
  it.each([
    [
      'a placeholder naming no handler',
      task({ Resource: '${NoSuchHandlerArn}' }),
      /NoSuchHandlerArn.*names no handler/,
    ],
    ['a Task retrying States.ALL', task({ Retry: [{ ErrorEquals: ['States.ALL'] }] }), /retries States.ALL/],
    ['a Task without timeout', task({ TimeoutSeconds: undefined }), /no TimeoutSeconds/],
  ])('%s', (_n, definition, msg) => {
    expect(() => synth({}, { stateMachinesDir: dirWith(definition) })).toThrow(msg);
  });
});

describe('API stage', () => {
  it('the $default stage auto-deploys with throttling and JSON access logs without headers', () => {
    const stages = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const p = stages[0]!.Properties!;
    expect(p.StageName).toBe('$default');
    expect(p.AutoDeploy).toBe(true);
    expect(p.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
    const format = (p.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({ route: '$context.routeKey', status: '$context.status' });
    expect(format).not.toMatch(/header|authorization/i);
  });
});

describe('retention of data', { timeout: 60_000 }, () => {
  it.each([
    ['dev', undefined, false],
    ['prod', undefined, true],
    ['prod', false, false],
  ] as const)('stage %s, retainData %s → retained %s', (stage, retainData, retained) => {
    const t = synth({ stage, ...(retainData === undefined ? {} : { retainData }) }).template;
    const table = Object.values(t.findResources('AWS::DynamoDB::Table'))[0] as {
      DeletionPolicy?: string;
      Properties: { DeletionProtectionEnabled?: boolean };
    };
    const pool = Object.values(t.findResources('AWS::Cognito::UserPool'))[0] as {
      DeletionPolicy?: string;
      Properties: { DeletionProtection?: string };
    };
    expect(table.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    expect(table.Properties.DeletionProtectionEnabled ?? false).toBe(retained);
    expect(pool.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
    expect(pool.Properties.DeletionProtection ?? 'INACTIVE').toBe(retained ? 'ACTIVE' : 'INACTIVE');
  });
});

describe('MSK without bootstrap servers', { timeout: 60_000 }, () => {
  it('warns that the handler cannot reach the dead-letter topic', () => {
    const { stack } = synth({ mskClusterArn: MSK_ARN });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cannot write .*flight-operations.dlq'));
    // Ingest, the feeds and the parking sweep all dead-letter ops events.
    expect(warnings).toHaveLength(3);
  });
});

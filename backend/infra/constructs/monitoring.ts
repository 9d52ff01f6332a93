import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../src/observability/metrics.js';

export interface MonitoringProps {
  namePrefix: string;
  /** Every manifest function, by handler name. */
  functions: ReadonlyMap<string, lambda.IFunction>;
  /** The functions fed by MSK event sources, by handler name (their OffsetLag is the ingest lag). */
  ingest: readonly { name: string; fn: lambda.IFunction }[];
  /** Whether an event source mapping exists (an MSK cluster in the context). */
  hasEventSource: boolean;
  stateMachines: ReadonlyMap<string, sfn.IStateMachine>;
  api: apigw.IHttpApi;
  table: dynamodb.ITable;
  /** Subscribed to the alarm topic (e-mail confirmation needed once). */
  alarmEmail?: string;
  /** OffsetLag (records behind) that raises the ingest-lag alarm after 15 minutes. */
  ingestLagRecords: number;
}

const FIVE_MIN = Duration.minutes(5);

/**
 * A CloudWatch Metrics Insights query over the project's own metrics (Powertools EMF, namespace
 * `Jetway`, observability/metrics.ts): summed over every dimension set (`reason`, `channel`, …),
 * so a new reason or channel is counted without a change here.
 */
const insights = (expression: string, label: string, period = FIVE_MIN) =>
  new cw.MathExpression({ expression, usingMetrics: {}, label, period });
const ownTotal = (metric: string) => insights(`SELECT SUM(${metric}) FROM "${METRICS_NAMESPACE}"`, metric);
const ownBy = (metric: string, dim: string) =>
  insights(`SELECT SUM(${metric}) FROM "${METRICS_NAMESPACE}" GROUP BY ${dim}`, `${metric} by ${dim}`);

/**
 * Alarms and the operations dashboard of the stack (docs/deploy.md "Monitoring"). Alarms, each
 * to one SNS topic (KMS-encrypted, TLS-only; CloudWatch may use its key):
 *  - DeadLetters: any ops/feed event dead-lettered (the reason is a dimension on the dashboard);
 *  - NotificationsFailed: a notification given up after its last attempt;
 *  - <Handler>Errors: an ingest/feed function failing (not a record reported for redelivery);
 *  - <Handler>Lag: its event source mappings more than `ingestLagRecords` behind for 15 minutes;
 *  - Workflow<Name>Failures: a workflow execution failed or timed out;
 *  - ApiServerErrors: 5 or more 5xx answers in 5 minutes.
 */
export class JetwayMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cw.Alarm[] = [];
  readonly dashboard: cw.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `${props.namePrefix}alarms topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', { topicName: `${props.namePrefix}alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));
    const action = new cwActions.SnsAction(this.topic);
    const alarm = (name: string, metric: cw.IMetric, o: { threshold: number; periods?: number; description: string }) => {
      const a = new cw.Alarm(this, name, {
        alarmName: `${props.namePrefix}${name}`,
        alarmDescription: o.description,
        metric,
        threshold: o.threshold,
        evaluationPeriods: o.periods ?? 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    alarm('DeadLetters', ownTotal(METRIC.deadLetters), {
      threshold: 1,
      description: 'An event was dead-lettered (flight-operations.dlq or a feed DLQ). See the reason on the dashboard; `jetway dlq list` shows them, `jetway dlq replay` re-drives them after a fix.',
    });
    alarm('NotificationsFailed', ownTotal(METRIC.notificationsFailed), {
      threshold: 1,
      description: 'A passenger notification was given up after its last attempt (the notification outbox).',
    });
    const wide = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');
    for (const { name, fn } of props.ingest) {
      alarm(`${name}Errors`, fn.metricErrors({ period: FIVE_MIN, statistic: 'Sum' }), {
        threshold: 1,
        description: `${name} failed an invocation (Lambda delivers the batch again).`,
      });
      if (props.hasEventSource) {
        alarm(
          `${name}Lag`,
          // OffsetLag of the function's MSK event source mapping, whatever dimensions it carries.
          insights(`SELECT MAX(OffsetLag) FROM "AWS/Lambda" WHERE FunctionName = '${fn.functionName}'`, 'OffsetLag'),
          { threshold: props.ingestLagRecords, periods: 3, description: `${name} is more than ${props.ingestLagRecords} records behind its topics for 15 minutes.` },
        );
      }
    }
    for (const [name, sm] of props.stateMachines) {
      const failed = new cw.MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: { failed: sm.metricFailed({ period: FIVE_MIN }), timedOut: sm.metricTimedOut({ period: FIVE_MIN }) },
        label: `${name} failed or timed out`,
        period: FIVE_MIN,
      });
      alarm(`Workflow${wide(name[0]!.toUpperCase() + name.slice(1))}Failures`, failed, {
        threshold: 1,
        description: `An execution of the ${name} workflow failed or timed out; its MarkFailed state logged why. Re-drive by re-sending the event.`,
      });
    }
    alarm('ApiServerErrors', props.api.metricServerError({ period: FIVE_MIN, statistic: 'Sum' }), {
      threshold: 5,
      description: 'The HTTP API answered 5xx five times or more in 5 minutes.',
    });

    const fns = [...props.functions.entries()];
    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.namePrefix}operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({ title: 'Events ingested by type', left: [ownBy(METRIC.eventsIngested, 'eventType')], width: 8, stacked: true }),
      new cw.GraphWidget({ title: 'Dead letters by reason', left: [ownBy(METRIC.deadLetters, 'reason')], width: 8, stacked: true }),
      new cw.GraphWidget({
        title: 'Ingest and feed functions',
        left: props.ingest.flatMap(({ name, fn }) => [
          fn.metricInvocations({ period: FIVE_MIN, label: `${name} invocations` }),
          fn.metricErrors({ period: FIVE_MIN, label: `${name} errors` }),
        ]),
        right: props.hasEventSource
          ? props.ingest.map(({ name, fn }) => insights(`SELECT MAX(OffsetLag) FROM "AWS/Lambda" WHERE FunctionName = '${fn.functionName}'`, `${name} OffsetLag`))
          : props.ingest.map(({ name, fn }) => fn.metricDuration({ period: FIVE_MIN, statistic: 'p95', label: `${name} p95` })),
        width: 8,
      }),
    );
    const machines = [...props.stateMachines.entries()];
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: 'Workflow executions',
        left: machines.flatMap(([name, sm]) => [
          sm.metricStarted({ period: FIVE_MIN, label: `${name} started` }),
          sm.metricSucceeded({ period: FIVE_MIN, label: `${name} succeeded` }),
          sm.metricFailed({ period: FIVE_MIN, label: `${name} failed` }),
        ]),
        width: 8,
      }),
      new cw.GraphWidget({ title: 'Cases created', left: [ownTotal(METRIC.casesCreated)], width: 8 }),
      new cw.GraphWidget({
        title: 'Notifications by channel',
        left: [ownBy(METRIC.notificationsSent, 'channel')],
        right: [ownBy(METRIC.notificationRetries, 'channel'), ownBy(METRIC.notificationsFailed, 'channel')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: 'HTTP API',
        left: [props.api.metricCount({ period: FIVE_MIN }), props.api.metricClientError({ period: FIVE_MIN }), props.api.metricServerError({ period: FIVE_MIN })],
        right: [props.api.metricLatency({ period: FIVE_MIN, statistic: 'p95' })],
        width: 8,
      }),
      new cw.GraphWidget({
        title: 'Function errors and throttles',
        left: fns.map(([name, fn]) => fn.metricErrors({ period: FIVE_MIN, label: name })),
        right: fns.map(([name, fn]) => fn.metricThrottles({ period: FIVE_MIN, label: `${name} throttled` })),
        width: 8,
        legendPosition: cw.LegendPosition.HIDDEN,
      }),
      new cw.GraphWidget({
        title: 'DynamoDB',
        left: [props.table.metricConsumedReadCapacityUnits({ period: FIVE_MIN }), props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MIN })],
        right: [
          props.table.metricThrottledRequestsForOperations({
            period: FIVE_MIN,
            operations: [dynamodb.Operation.PUT_ITEM, dynamodb.Operation.TRANSACT_WRITE_ITEMS, dynamodb.Operation.QUERY, dynamodb.Operation.GET_ITEM, dynamodb.Operation.BATCH_WRITE_ITEM],
          }),
        ],
        width: 8,
      }),
    );
    new CfnOutput(scope, 'AlarmTopicArn', { value: this.topic.topicArn, description: 'SNS topic of the CloudWatch alarms (subscribe on-call)' });
    new CfnOutput(scope, 'DashboardName', { value: this.dashboard.dashboardName, description: 'CloudWatch operations dashboard' });
  }
}

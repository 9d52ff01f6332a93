/** Alarms and the operations dashboard (infra/constructs/monitoring.ts). */
import { describe, expect, it } from 'vitest';
import { METRIC } from '../../../src/observability/metrics.js';
import { MSK_ARN, functionIdFor, resourcesOf, synth } from './synth-helper.js';

const { template } = synth({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098', alarmEmail: 'ops@example-airline.com' });
const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
const byName = (n: string) => alarms.find((a) => a.AlarmName === `jetway-dev-${n}`);
const expressionOf = (a: Record<string, unknown> | undefined) => JSON.stringify((a?.Metrics as { Expression?: unknown }[] | undefined)?.[0]?.Expression ?? null);

describe('alarms', { timeout: 60_000 }, () => {
  it('one per failure that needs a person, each to the alarm topic (and back to OK)', () => {
    expect(alarms.map((a) => String(a.AlarmName)).sort()).toEqual(
      [
        'ApiServerErrors',
        'DeadLetters',
        'IngestFeedsErrors',
        'IngestFeedsLag',
        'IngestFlightOperationsErrors',
        'IngestFlightOperationsLag',
        'NotificationsFailed',
        'WorkflowApprovalFailures',
        'WorkflowDisruptionFailures',
      ].map((n) => `jetway-dev-${n}`),
    );
    const topic = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0]!;
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
  });
  it('dead letters and given-up notifications: the sum of our own metric over every reason/channel', () => {
    expect(expressionOf(byName('DeadLetters'))).toBe(JSON.stringify(`SELECT SUM(${METRIC.deadLetters}) FROM "Jetway"`));
    expect(expressionOf(byName('NotificationsFailed'))).toBe(JSON.stringify(`SELECT SUM(${METRIC.notificationsFailed}) FROM "Jetway"`));
    expect(byName('DeadLetters')!.Threshold).toBe(1);
  });
  it('ingest: the function errors, and the event source 1,000 records behind for 15 minutes', () => {
    const fn = functionIdFor(template, 'IngestFlightOperations');
    expect(byName('IngestFlightOperationsErrors')).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }] });
    const lag = byName('IngestFlightOperationsLag')!;
    expect(expressionOf(lag)).toContain('SELECT MAX(OffsetLag) FROM \\"AWS/Lambda\\" WHERE FunctionName = ');
    expect(expressionOf(lag)).toContain(fn);
    expect(lag).toMatchObject({ Threshold: 1000, EvaluationPeriods: 3 });
  });
  it('workflows: failed or timed out executions of each state machine', () => {
    const wf = byName('WorkflowDisruptionFailures')!;
    const metrics = wf.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('failed + timedOut');
    expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
  });
  it('API: 5 or more 5xx in 5 minutes', () => {
    expect(byName('ApiServerErrors')).toMatchObject({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Threshold: 5, Period: 300 });
  });
  it('no event source, no lag alarm', () => {
    const bare = Object.values(resourcesOf(synth({}).template, 'AWS::CloudWatch::Alarm')).map((a) => String(a.Properties!.AlarmName));
    expect(bare).not.toContain('jetway-dev-IngestFlightOperationsLag');
    expect(bare).toContain('jetway-dev-IngestFlightOperationsErrors');
  });
});

describe('alarm topic and dashboard', () => {
  it('the topic is KMS-encrypted with a rotating key CloudWatch may use, TLS-only, and mails the address in context', () => {
    const topic = Object.values(resourcesOf(template, 'AWS::SNS::Topic'))[0]!.Properties!;
    expect(topic.TopicName).toBe('jetway-dev-alarms');
    expect(topic.KmsMasterKeyId).toBeDefined();
    const key = Object.values(resourcesOf(template, 'AWS::KMS::Key'))[0]!.Properties!;
    expect(key.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    const policy = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'))[0]!.Properties!;
    expect(JSON.stringify(policy.PolicyDocument)).toContain('aws:SecureTransport');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example-airline.com' });
  });
  it('one operations dashboard naming our metrics', () => {
    const d = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(d).toHaveLength(1);
    expect(d[0]!.Properties!.DashboardName).toBe('jetway-dev-operations');
    const body = JSON.stringify(d[0]!.Properties!.DashboardBody);
    for (const m of Object.values(METRIC)) expect(body, m).toContain(m);
    expect(body).toContain('OffsetLag');
  });
});

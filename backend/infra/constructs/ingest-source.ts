import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ManagedKafkaEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INGEST_GROUP, OPS_DLQ_TOPIC, OPS_TOPIC } from '../../src/ingest/topics.js';

/** `arn:aws:kafka:eu-west-1:123456789012:cluster/ops/1a2b…-3` → its parts. */
export function parseMskClusterArn(arn: string) {
  const m = /^arn:(aws[\w-]*):kafka:([\w-]+):(\d{12}):cluster\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5]) throw new Error(`not an MSK cluster ARN: ${arn}`);
  return { partition: m[1], region: m[2], account: m[3], name: m[4], uuid: m[5] };
}

/**
 * Binds the ingest function to an existing MSK cluster (ARN from context): the event source
 * mapping reads `flight-operations` with consumer group `jetway-ingest`; malformed or unknown
 * events are written by the handler itself to `flight-operations.dlq` (with the reason), so the
 * function may also write to that topic. The cluster itself is not part of this stack: an MSK
 * cluster is shared infrastructure with its own lifecycle (VPC, brokers, auth).
 */
export class IngestSource extends Construct {
  constructor(scope: Construct, id: string, props: { fn: lambda.Function; clusterArn: string }) {
    super(scope, id);
    props.fn.addEventSource(
      new ManagedKafkaEventSource({
        clusterArn: props.clusterArn,
        topic: OPS_TOPIC,
        consumerGroupId: INGEST_GROUP,
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
      }),
    );
    // IAM-authenticated clusters: topic/group-level rights on the data plane.
    const c = parseMskClusterArn(props.clusterArn);
    const base = (type: string, name: string) =>
      `arn:${c.partition}:kafka:${c.region}:${c.account}:${type}/${c.name}/${c.uuid}/${name}`;
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
        resources: [props.clusterArn],
      }),
    );
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: [base('topic', OPS_TOPIC)],
      }),
    );
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: [base('topic', OPS_DLQ_TOPIC)],
      }),
    );
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
        resources: [base('group', INGEST_GROUP)],
      }),
    );
  }
}

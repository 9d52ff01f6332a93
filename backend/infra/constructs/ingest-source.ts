import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ManagedKafkaEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { KafkaAuthMode } from '../../src/ingest/msk.js';
import type { KafkaBinding } from '../handler-policy.js';

/** `arn:aws:kafka:eu-west-1:123456789012:cluster/ops/1a2b…-3` → its parts. */
export function parseMskClusterArn(arn: string) {
  const m = /^arn:(aws[\w-]*):kafka:([\w-]+):(\d{12}):cluster\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5]) throw new Error(`not an MSK cluster ARN: ${arn}`);
  return { partition: m[1], region: m[2], account: m[3], name: m[4], uuid: m[5] };
}

/**
 * Binds a function to an existing MSK cluster (ARN from context): one event source mapping per
 * topic, all with the binding's consumer group; the function's own producer writes bad messages,
 * with the reason, to the binding's dead-letter topics. The cluster itself is not part of this
 * stack: an MSK cluster is shared infrastructure with its own lifecycle (VPC, brokers, auth).
 *
 * A handler that answers Lambda's partial batch response (ingest/handler.ts) gets mappings that
 * report batch item failures, with provisioned pollers (Kafka's error-handling controls need
 * provisioned mode); one that throws has its batch delivered again whole.
 *
 * With `auth: 'iam'` (MSK IAM access control) the execution role gets the data-plane rights the
 * mappings and the producer need, on the binding's topics and group only.
 */
export class IngestSource extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { fn: lambda.Function; clusterArn: string; auth: KafkaAuthMode; maxPollers: number; binding: KafkaBinding },
  ) {
    super(scope, id);
    const b = props.binding;
    for (const topic of b.topics) {
      props.fn.addEventSource(
        new ManagedKafkaEventSource({
          clusterArn: props.clusterArn,
          topic,
          consumerGroupId: b.group,
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          ...(b.partialBatchResponse
            ? { reportBatchItemFailures: true, provisionedPollerConfig: { minimumPollers: 1, maximumPollers: props.maxPollers } }
            : {}),
        }),
      );
    }
    if (b.topics.length > 0) {
      Validations.of(props.fn.role ?? props.fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]',
        reason:
          "Attached by ManagedKafkaEventSource for the event source mapping's pollers (kafka:Describe*/GetBootstrapBrokers and the VPC network interfaces in the cluster's subnets); the data-plane rights below are scoped to this binding's topics and group.",
      });
    }
    if (props.auth !== 'iam') return;
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
    if (b.topics.length > 0) {
      props.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          resources: b.topics.map((t) => base('topic', t)),
        }),
      );
      props.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
          resources: [base('group', b.group)],
        }),
      );
    }
    if (b.dlqTopics.length > 0) {
      props.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
          resources: b.dlqTopics.map((t) => base('topic', t)),
        }),
      );
    }
  }
}

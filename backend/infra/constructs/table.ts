import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableName, type KeyAttr, type TableDefinition } from '../../src/data/tables.js';

const attr = (k: KeyAttr): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/**
 * A DynamoDB table built from its definition in src/data/tables.ts (the same definition the local
 * cloud uses for DynamoDB Local): on-demand, point-in-time recovery, stream with both images,
 * TTL, and the GSIs as defined.
 */
export class JetwayTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { definition: TableDefinition; prefix: string; retain: boolean }) {
    super(scope, id);
    const def = props.definition;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: tableName(def, props.prefix),
      partitionKey: attr(def.partitionKey),
      sortKey: attr(def.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      ...(def.stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
      ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const gsi of def.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attr(gsi.partitionKey),
        sortKey: attr(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}

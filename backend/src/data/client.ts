import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAIN_TABLE, tableName } from './tables.js';
import { traceClient } from '../observability/tracer.js';

/** Everything the data layer needs: one document client and the physical table name. */
export interface DataContext {
  doc: DynamoDBDocumentClient;
  table: string;
}

export interface DataContextOptions {
  /** DynamoDB Local endpoint; omitted in AWS. */
  endpoint?: string;
  region?: string;
  tablePrefix?: string;
}

export function createDataContext(opts: DataContextOptions = {}): DataContext {
  // X-Ray subsegments per DynamoDB call in Lambda (Powertools Tracer); unchanged elsewhere.
  const client = traceClient(new DynamoDBClient({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 5,
  }));
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, table: tableName(MAIN_TABLE, opts.tablePrefix ?? '') };
}

/** Data context from the Lambda environment (TABLE_NAME set by the CDK app). */
export function dataContextFromEnv(env: NodeJS.ProcessEnv = process.env): DataContext {
  const ctx = createDataContext({ endpoint: env.DYNAMODB_ENDPOINT, region: env.AWS_REGION });
  return env.TABLE_NAME ? { ...ctx, table: env.TABLE_NAME } : ctx;
}

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DataContext } from '../../src/data/client.js';

/** Number of items whose PK starts with `prefix` (a full scan: test tables only). */
export async function scanCount(ctx: DataContext, prefix: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const r = await ctx.doc.send(new ScanCommand({ TableName: ctx.table, FilterExpression: 'begins_with(PK, :p)', ExpressionAttributeValues: { ':p': prefix }, Select: 'COUNT', ExclusiveStartKey: start }));
    n += r.Count ?? 0;
    start = r.LastEvaluatedKey;
  } while (start);
  return n;
}

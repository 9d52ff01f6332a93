import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { nextAuditEntry } from '../../../src/shared/audit.js';
import { AuditEntrySchema, auditEntryId, type AuditEntry } from '../../../src/shared/domain/index.js';
import type { Change } from '../../../src/shared/sync/protocol.js';
import { putChange, type TransactItem } from './changelog.js';
import type { DataContext } from './client.js';
import { AUDIT_SK_PREFIX, keys, stripKeys } from './keys.js';

/**
 * The case audit trail in DynamoDB: `CASE#<id>`/`AUDIT#<seq>` entries plus a head item
 * `CASE#<id>`/`AUDITHEAD` {seq, hash}. An append is two items in the caller's transaction: the
 * entry (attribute_not_exists) and the head, conditioned on the head the caller read — so two
 * writers can never both append seq N, and a lost race fails the transaction (the caller
 * retries with a fresh read). Entries are never updated or deleted.
 */
export interface AuditHead {
  seq: number;
  hash: string;
}

export async function readAuditHead(ctx: DataContext, caseId: string): Promise<AuditHead | null> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.auditHead(caseId), ConsistentRead: true }));
  return auditHeadOf(res.Item);
}

/** The audit head of a stored head item (null when there is none yet). */
export function auditHeadOf(item: Record<string, unknown> | undefined): AuditHead | null {
  return item ? { seq: Number(item.seq), hash: String(item.hash) } : null;
}

export type AuditInput = Pick<AuditEntry, 'caseId' | 'actor' | 'action' | 'commandId' | 'details'> & { at?: string };

/** The transaction items and the change-log change that append one entry after `head`. */
export function auditAppend(ctx: DataContext, head: AuditHead | null, input: AuditInput): { items: TransactItem[]; change: Change; entry: AuditEntry } {
  const entry = nextAuditEntry(head, { ...input, at: input.at ?? new Date().toISOString() }, auditEntryId);
  const items: TransactItem[] = [
    { Put: { TableName: ctx.table, Item: { ...keys.auditEntry(entry.caseId, entry.seq), entityType: 'audit', ...entry }, ConditionExpression: 'attribute_not_exists(PK)' } },
    head
      ? {
          Put: {
            TableName: ctx.table,
            Item: { ...keys.auditHead(entry.caseId), entityType: 'audit_head', seq: entry.seq, hash: entry.hash },
            ConditionExpression: '#seq = :prev',
            ExpressionAttributeNames: { '#seq': 'seq' },
            ExpressionAttributeValues: { ':prev': head.seq },
          },
        }
      : { Put: { TableName: ctx.table, Item: { ...keys.auditHead(entry.caseId), entityType: 'audit_head', seq: entry.seq, hash: entry.hash }, ConditionExpression: 'attribute_not_exists(PK)' } },
  ];
  return { items, change: putChange('audit', entry), entry };
}

/** The whole trail of a case, in chain order (consistent read). */
export async function readAuditTrail(ctx: DataContext, caseId: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :pre)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':pre': AUDIT_SK_PREFIX },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const r of res.Items ?? []) out.push(AuditEntrySchema.parse(stripKeys(r)));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

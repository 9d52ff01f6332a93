import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { DataContext } from './client.js';
import { keys } from './keys.js';

/**
 * Enrolled desks (`DESK#<deskId>`) and voucher serial blocks (`SERIALBLOCK#<blockNo>`, numbered
 * by the airline-wide `SERIALBLOCK`/`COUNTER`). See docs/money-controls.md "Desk enrolment".
 */
export const DeskRecordSchema = z.object({
  deskId: z.string(),
  /** Ed25519 public key, SPKI DER base64 (normalised at enrolment). */
  publicKey: z.string(),
  name: z.string(),
  stations: z.array(z.string()),
  enrolledBy: z.string(),
  enrolledAt: z.string(),
  status: z.enum(['active', 'revoked']),
  revokedBy: z.string().nullable().default(null),
  revokedAt: z.string().nullable().default(null),
});
export type DeskRecord = z.infer<typeof DeskRecordSchema>;

export const SerialBlockSchema = z.object({
  blockNo: z.number().int().positive(),
  deskId: z.string(),
  count: z.number().int().positive(),
  allocatedBy: z.string(),
  allocatedAt: z.string(),
});
export type SerialBlock = z.infer<typeof SerialBlockSchema>;

export async function getDesk(ctx: DataContext, deskId: string): Promise<DeskRecord | null> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.desk(deskId), ConsistentRead: true }));
  return res.Item ? DeskRecordSchema.parse(res.Item) : null;
}

/** Puts a new desk; false when `DESK#<deskId>` already exists (the caller reads it). */
export async function putDeskIfAbsent(ctx: DataContext, desk: DeskRecord): Promise<boolean> {
  try {
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: { ...keys.desk(desk.deskId), entityType: 'desk', ...desk },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** active → revoked (conditional: an unknown desk is not created by a revoke). Returns the record after. */
export async function revokeDesk(ctx: DataContext, deskId: string, by: string, at: string): Promise<DeskRecord | null> {
  try {
    const res = await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.desk(deskId),
        UpdateExpression: 'SET #s = :revoked, revokedBy = if_not_exists(revokedBy, :by), revokedAt = if_not_exists(revokedAt, :at)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':revoked': 'revoked', ':by': by, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return DeskRecordSchema.parse(res.Attributes);
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return null;
    throw err;
  }
}

/**
 * The next airline-wide block number: an atomic ADD on one counter item, so two refills (of
 * one desk or of many) never get the same number and their serials never overlap.
 */
export async function nextSerialBlockNo(ctx: DataContext): Promise<number> {
  const res = await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.serialBlockCounter(),
      UpdateExpression: 'ADD #n :one SET entityType = :et',
      ExpressionAttributeNames: { '#n': 'next' },
      ExpressionAttributeValues: { ':one': 1, ':et': 'serial_block_counter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(res.Attributes?.next);
}

export async function getSerialBlock(ctx: DataContext, blockNo: number): Promise<SerialBlock | null> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: keys.serialBlock(blockNo), ConsistentRead: true }));
  return res.Item ? SerialBlockSchema.parse(res.Item) : null;
}

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ApprovalSchema, OPEN_APPROVAL_STATUSES, type Approval } from '../../../src/shared/domain/index.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys } from '../data/keys.js';

/**
 * Input of the approval workflow (statemachines/approval.asl.json). Seconds are whole and ≥ 1
 * (Step Functions' HeartbeatSecondsPath/TimeoutSecondsPath need positive integers):
 * `escalateAfterSeconds` from now to the approval's `escalateAt`, `expireAfterSeconds` from the
 * escalation (or now, if that is already past) to its `expireAt`.
 */
export const ApprovalWorkflowInputSchema = z.object({
  approvalId: z.string().min(1),
  caseId: z.string().min(1),
  escalateAfterSeconds: z.number().int().positive(),
  expireAfterSeconds: z.number().int().positive(),
});
export type ApprovalWorkflowInput = z.infer<typeof ApprovalWorkflowInputSchema>;

/** Whole seconds from `fromMs` to `toMs`, at least 1 (a deadline already past fires at once). */
export function secondsUntil(toMs: number, fromMs: number): number {
  return Math.max(1, Math.ceil((toMs - fromMs) / 1000));
}

/**
 * The workflow input for an approval, from its absolute deadlines: a start (or, locally, a re-drive
 * after a restart) keeps the original escalation and expiry times whenever it happens.
 */
export function approvalWorkflowInput(
  a: Pick<Approval, 'id' | 'caseId' | 'escalateAt' | 'expireAt'>,
  now = Date.now(),
): ApprovalWorkflowInput {
  const escalateAt = Date.parse(a.escalateAt);
  const expireAt = Date.parse(a.expireAt);
  return {
    approvalId: a.id,
    caseId: a.caseId,
    escalateAfterSeconds: secondsUntil(escalateAt, now),
    expireAfterSeconds: secondsUntil(expireAt, Math.max(now, escalateAt)),
  };
}

/** Execution names: ≤ 80 chars of [A-Za-z0-9-_] (approval ids are `APR-<ULID>`). */
export function approvalExecutionName(approvalId: string): string {
  return approvalId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

export const isOpen = (a: Pick<Approval, 'status'>): boolean => OPEN_APPROVAL_STATUSES.includes(a.status);

/** The approval item (consistent read), parsed; null when there is none. */
export async function readApproval(ctx: DataContext, approvalId: string): Promise<Approval | null> {
  const res = await ctx.doc.send(
    new GetCommand({ TableName: ctx.table, Key: keys.approval(approvalId), ConsistentRead: true }),
  );
  return res.Item ? ApprovalSchema.parse(stripKeys(res.Item)) : null;
}

/** Payload of the RegisterApprovalToken task (both waits of the workflow). */
export const RegisterTokenPayloadSchema = z.object({
  approvalId: z.string().min(1),
  taskToken: z.string().min(1),
  phase: z.enum(['pending', 'escalated']),
});
export type RegisterTokenPayload = z.infer<typeof RegisterTokenPayloadSchema>;

/** What a completed wait returns (SendTaskSuccess output in AWS, the local waiter's result locally). */
export interface DecisionOutput {
  approvalId: string;
  status: Approval['status'];
}

/** An error whose `name` Step Functions (and aws-local-stepfunctions) match in Retry/Catch. */
export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Minutes as a person reads them: 240 → "240 minutes", 0.15 → "0.15 minutes", 1 → "1 minute". */
export function minutesText(ms: number): string {
  const m = Math.round((ms / 60_000) * 100) / 100;
  return `${m} minute${m === 1 ? '' : 's'}`;
}

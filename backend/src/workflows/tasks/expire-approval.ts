import { deriveCaseStatus, type Approval, type Case, type Entitlement } from '../../../../src/shared/domain/index.js';
import { auditAppend, readAuditHead } from '../../data/audit.js';
import { ConditionFailedError, commitWithLog, putChange, type TransactItem } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';
import { getCaseWithEntitlements, items } from '../../data/repositories.js';
import type { Change } from '../../../../src/shared/sync/protocol.js';
import { NamedError, isOpen, minutesText, readApproval } from '../approval-common.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';
import { ApprovalTaskInputSchema } from './escalate-approval.js';

export interface ExpiryResult {
  expired: boolean;
  status: Approval['status'];
}

const MAX_ATTEMPTS = 6;

/**
 * ExpireApproval: no decision before `expireAt`. In one transaction with the change-log entries
 * of the case's stations: the approval → EXPIRED with the reason the agent sees ("no decision
 * within N minutes"; conditional on still open and unchanged), its entitlement PENDING_APPROVAL
 * → OFFERED (conditional on its version), the case's status by deriveCaseStatus, and the
 * `approval_expired` audit entry. A decision that won the race leaves everything as decided.
 */
export async function expireApproval(deps: WorkflowDeps, raw: unknown): Promise<ExpiryResult> {
  const { approvalId } = ApprovalTaskInputSchema.parse(raw);
  const { ctx } = deps;
  for (let attempt = 1; ; attempt++) {
    const a = await readApproval(ctx, approvalId);
    if (!a) throw new NamedError('ApprovalNotFound', `approval ${approvalId} does not exist`);
    if (!isOpen(a)) return { expired: false, status: a.status };
    const found = await getCaseWithEntitlements(ctx, a.caseId);
    if (!found) throw new NamedError('ApprovalNotFound', `case ${a.caseId} of approval ${a.id} does not exist`);
    const now = new Date().toISOString();
    const reason = `no decision within ${minutesText(Date.parse(a.expireAt) - Date.parse(a.requestedAt))}`;
    const next: Approval = { ...a, status: 'EXPIRED', decidedAt: now, decisionReason: reason, version: a.version + 1 };
    const writes: TransactItem[] = [
      {
        Update: {
          TableName: ctx.table,
          Key: keys.approval(a.id),
          UpdateExpression: 'SET #s = :expired, decidedAt = :at, decisionReason = :reason, #v = :next',
          ConditionExpression: '#s IN (:pending, :escalated) AND #v = :v',
          ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
          ExpressionAttributeValues: {
            ':expired': 'EXPIRED',
            ':pending': 'PENDING',
            ':escalated': 'ESCALATED',
            ':at': now,
            ':reason': reason,
            ':next': next.version,
            ':v': a.version,
          },
        },
      },
    ];
    const changes: Change[] = [putChange('approval', next)];

    const ent = found.entitlements.find((e) => e.id === a.entitlementId);
    let entitlements: Entitlement[] = found.entitlements;
    if (ent && ent.status === 'PENDING_APPROVAL') {
      const offered: Entitlement = { ...ent, status: 'OFFERED', version: ent.version + 1 };
      entitlements = found.entitlements.map((e) => (e.id === ent.id ? offered : e));
      writes.push({
        Put: {
          TableName: ctx.table,
          Item: items.entitlement(offered),
          ConditionExpression: '#v = :v AND #s = :pa',
          ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
          ExpressionAttributeValues: { ':v': ent.version, ':pa': 'PENDING_APPROVAL' },
        },
      });
      changes.push(putChange('entitlement', offered));
    }
    const kase = found.case;
    const status = deriveCaseStatus(kase, entitlements);
    if (status !== kase.status) {
      const moved: Case = { ...kase, status, statusSince: now, version: kase.version + 1 };
      writes.push({
        Put: {
          TableName: ctx.table,
          Item: items.case(moved),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': kase.version },
        },
      });
      changes.push(putChange('case', moved));
    }
    const audit = auditAppend(ctx, await readAuditHead(ctx, a.caseId), {
      caseId: a.caseId,
      actor: 'system',
      action: 'approval_expired',
      commandId: null,
      at: now,
      details: { approvalId: a.id, entitlementId: a.entitlementId, reason },
    });
    writes.push(...audit.items);
    changes.push(audit.change);
    try {
      await commitWithLog(ctx, { items: writes, changes, stations: [...new Set([...kase.stations, ...a.stations])] });
      deps.log?.info('approval expired', { approvalId: a.id, caseId: a.caseId, reason });
      return { expired: true, status: 'EXPIRED' };
    } catch (err) {
      // Decided, or the entitlement/case/audit trail moved meanwhile: read everything again.
      if (!(err instanceof ConditionFailedError)) throw err;
      if (attempt >= MAX_ATTEMPTS) throw new NamedError('ApprovalWriteContention', err.message);
    }
  }
}

export const handler = lambdaHandler(expireApproval);

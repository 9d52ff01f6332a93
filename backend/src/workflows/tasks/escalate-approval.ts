import { z } from 'zod';
import { formatMoney } from '../../../../src/shared/money.js';
import type { Approval } from '../../../../src/shared/domain/index.js';
import { auditAppend, readAuditHead } from '../../data/audit.js';
import { ConditionFailedError, commitWithLog, putChange } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';
import { getCase, getFlight } from '../../data/repositories.js';
import type { EmailMessage } from '../../notify/transports.js';
import { NamedError, isOpen, readApproval } from '../approval-common.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const ApprovalTaskInputSchema = z.object({ approvalId: z.string().min(1) });

export interface EscalationResult {
  /** Still waiting for a decision (the workflow waits again, until the expiry). */
  open: boolean;
  status: Approval['status'];
  /** Recipients told by this run (0 when they had been told already). */
  notified: number;
}

const MAX_ATTEMPTS = 6;

/**
 * EscalateApproval: no decision before `escalateAt`. If the approval is still PENDING it becomes
 * ESCALATED (conditional on status and version, with the `approval_escalated` audit entry and the
 * change-log entry in the same transaction); a decided approval is left alone (`open: false`).
 * Then the station's supervisors and the policy's duty admin are e-mailed, at most once each
 * (notifier idempotency key per approval and address): a retry or a local re-drive after a
 * restart sends only what was not sent. A failed send throws `EscalationNotifyError` after the
 * others were tried (the ASL retries it; the escalation itself stays committed).
 */
export async function escalateApproval(deps: WorkflowDeps, raw: unknown): Promise<EscalationResult> {
  const { approvalId } = ApprovalTaskInputSchema.parse(raw);
  const { ctx } = deps;
  let approval: Approval | null = null;
  for (let attempt = 1; ; attempt++) {
    const a = await readApproval(ctx, approvalId);
    if (!a) throw new NamedError('ApprovalNotFound', `approval ${approvalId} does not exist`);
    if (!isOpen(a)) return { open: false, status: a.status, notified: 0 };
    if (a.status === 'ESCALATED') {
      approval = a;
      break;
    }
    const now = new Date().toISOString();
    const next: Approval = { ...a, status: 'ESCALATED', escalatedAt: now, version: a.version + 1 };
    const head = await readAuditHead(ctx, a.caseId);
    const audit = auditAppend(ctx, head, {
      caseId: a.caseId,
      actor: 'system',
      action: 'approval_escalated',
      commandId: null,
      at: now,
      details: {
        approvalId: a.id,
        entitlementId: a.entitlementId,
        level: a.level,
        escalateAt: a.escalateAt,
        expireAt: a.expireAt,
      },
    });
    try {
      await commitWithLog(ctx, {
        items: [
          {
            Update: {
              TableName: ctx.table,
              Key: keys.approval(a.id),
              UpdateExpression: 'SET #s = :esc, escalatedAt = :at, #v = :next',
              ConditionExpression: '#s = :pending AND #v = :v',
              ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
              ExpressionAttributeValues: {
                ':esc': 'ESCALATED',
                ':pending': 'PENDING',
                ':at': now,
                ':next': next.version,
                ':v': a.version,
              },
            },
          },
          ...audit.items,
        ],
        changes: [putChange('approval', next), audit.change],
        stations: a.stations,
      });
      deps.log?.info('approval escalated', { approvalId: a.id, caseId: a.caseId });
      approval = next;
      break;
    } catch (err) {
      // Decided meanwhile, or another writer appended to the case's audit trail: read again.
      if (!(err instanceof ConditionFailedError) || attempt >= MAX_ATTEMPTS)
        throw err instanceof ConditionFailedError ? new NamedError('ApprovalWriteContention', err.message) : err;
    }
  }
  const notified = await notifyEscalation(deps, approval);
  return { open: true, status: approval.status, notified };
}

async function notifyEscalation(deps: WorkflowDeps, a: Approval): Promise<number> {
  const kase = await getCase(deps.ctx, a.caseId);
  const flight = kase ? await getFlight(deps.ctx, kase.flightId) : null;
  const at = flight?.scheduledDeparture ?? a.requestedAt;
  const policy = deps.resolvePolicy ? (await (await deps.resolvePolicy())(at)).set : deps.policy();
  const controls = policy.moneyControls(at);
  const failures: string[] = [];
  const recipients = new Set<string>();
  if (controls?.approvals.dutyAdminEmail) recipients.add(controls.approvals.dutyAdminEmail);
  if (deps.directory) {
    try {
      for (const e of await deps.directory.supervisorEmails(a.stations)) recipients.add(e);
    } catch (err) {
      failures.push(`supervisor lookup: ${(err as Error).message}`);
    }
  } else {
    deps.log?.warn('no staff directory: escalation goes to the duty admin only', { approvalId: a.id });
  }
  const flightText = flight
    ? `${flight.carrier}${flight.number} ${flight.origin}–${flight.destination} (${flight.scheduledDeparture.slice(0, 10)})`
    : (kase?.flightId ?? 'unknown flight');
  let sent = 0;
  for (const to of [...recipients].sort()) {
    try {
      if (
        (await deps.notifier.emailOnce(`approval-escalated:${a.id}:${to}`, escalationEmail(to, a, flightText))) ===
        'sent'
      )
        sent++;
    } catch (err) {
      failures.push(`${to}: ${(err as Error).message}`);
    }
  }
  if (failures.length)
    throw new NamedError('EscalationNotifyError', `escalation of ${a.id} not fully notified: ${failures.join('; ')}`);
  return sent;
}

/** The escalation notice: what waits, for how long, and until when it can still be decided. */
export function escalationEmail(to: string, a: Approval, flight: string): EmailMessage {
  const amount = a.amount ? formatMoney(a.amount) : 'in-kind care';
  return {
    to,
    subject: `Approval ${a.id} waiting since ${a.requestedAt.slice(11, 16)} UTC: ${a.type} ${amount} (${a.stations.join('/')})`,
    text: [
      `An approval request has had no decision by its escalation time and is now escalated.`,
      '',
      `Request: ${a.id} (${a.level} approval)`,
      `Case: ${a.caseId}, flight ${flight}`,
      `Entitlement: ${a.regime} ${a.type}, ${amount}`,
      `Requested by ${a.requestedBy} at ${a.requestedAt}: ${a.reason}`,
      `It expires at ${a.expireAt} if nobody decides it.`,
      '',
      'Decide it in the approvals queue of the Jetway console.',
    ].join('\n'),
  };
}

export const handler = lambdaHandler(escalateApproval);

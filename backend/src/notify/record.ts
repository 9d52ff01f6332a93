import { CaseSchema } from '../../../src/shared/domain/index.js';
import { auditAppend, auditHeadOf } from '../data/audit.js';
import { ConditionFailedError, commitManyWithLog, type TransactItem } from '../data/changelog.js';
import type { DataContext } from '../data/client.js';
import { keys, stripKeys } from '../data/keys.js';
import { batchGetCoalesced } from '../data/repositories.js';

const MAX_ATTEMPTS = 5;

export interface NotificationRecord {
  /** `email` or `sms`. */
  channel: 'email' | 'sms';
  /** What the message was about: `voucher`, `disruption:CANCELLATION`, `approval`, `void`, … */
  topic: string;
  /** The address, masked (`j***@example.com`, `***1234`): the timeline is shown at a public desk. */
  to: string;
  /** `sent`: the transport accepted it; `failed`: given up after the outbox's last attempt (or a permanent refusal). */
  status: 'sent' | 'failed';
  messageId?: string | null;
  error?: string | null;
  /** The language the message was written in (`en`, `es`, `fr`, `de`). */
  language?: string;
  /** Delivery attempts it took (or that were made before giving up). */
  attempts?: number;
}

/** `jane.doe@example.com` → `j***@example.com`; `+15551234567` → `***4567`. */
export function maskAddress(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  return to.length > 4 ? `***${to.slice(-4)}` : '***';
}

/** What recordNotification did: see there. */
export type RecordOutcome = 'recorded' | 'alongside-refused' | 'not-recorded';

/**
 * Appends a `notified` or `notification_failed` entry to the case's audit trail, so the case
 * timeline on every desk shows each message and its delivery status. The append is a transaction
 * on the audit head; a lost race re-reads the head and tries again. A failure to record never fails
 * the send that preceded it (the notifier's own record is the idempotency truth): it is logged.
 *
 * `alongside` (the outbox item's SENT transition) is one more item of the same transaction: it is
 * written with the entry or not at all. 'recorded': both were written; 'alongside-refused': its
 * condition failed (another worker moved the item first), so nothing was written;
 * 'not-recorded': no case, or the entry could not be written (logged), and `alongside` was not
 * written either.
 */
export async function recordNotification(
  ctx: DataContext,
  caseId: string,
  rec: NotificationRecord,
  log?: { warn(msg: string, extra?: Record<string, unknown>): void },
  alongside?: TransactItem,
): Promise<RecordOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // The case (its stations) and its audit head: one consistent read of both, shared with concurrent notices.
    const caseKey = keys.case(caseId);
    const headKey = keys.auditHead(caseId);
    const rows = await batchGetCoalesced(ctx, [caseKey, headKey]);
    const caseRow = rows.find((r) => r.SK === caseKey.SK);
    if (!caseRow) return 'not-recorded';
    const kase = CaseSchema.parse(stripKeys(caseRow));
    const audit = auditAppend(ctx, auditHeadOf(rows.find((r) => r.SK === headKey.SK)), {
      caseId,
      actor: 'system',
      action: rec.status === 'sent' ? 'notified' : 'notification_failed',
      commandId: null,
      details: {
        channel: rec.channel,
        topic: rec.topic,
        to: rec.to,
        ...(rec.messageId ? { messageId: rec.messageId } : {}),
        ...(rec.error ? { error: rec.error.slice(0, 300) } : {}),
        ...(rec.language ? { language: rec.language } : {}),
        ...(rec.attempts !== undefined ? { attempts: rec.attempts } : {}),
      },
    });
    // The process's group committer: records of concurrent deliveries share transactions and log entries.
    let err: Error;
    try {
      const items = alongside ? [...audit.items, alongside] : audit.items;
      const [r] = await commitManyWithLog(ctx, [{ items, changes: [audit.change], stations: kase.stations }]);
      if (r!.ok) return 'recorded';
      err = r!.error;
    } catch (e) {
      err = e as Error;
    }
    if (!(err instanceof ConditionFailedError)) {
      log?.warn('notification not recorded on the case', { caseId, error: err.message });
      return 'not-recorded';
    }
    if (alongside && err.failedIndexes.includes(audit.items.length)) return 'alongside-refused';
  }
  log?.warn('notification not recorded on the case: audit trail contended', { caseId });
  return 'not-recorded';
}

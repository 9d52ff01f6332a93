import type { Passenger } from '../../../src/shared/domain/index.js';
import { scopedLog } from '../observability/logger.js';
import { emailItem, smsItem, type Notifier } from './notifier.js';
import type { OutboxItem } from './outbox.js';
import { personalisedBody } from './personalise.js';
import { emailText, noticeLanguage, noticeValues, renderNotice, smsText, type NoticeFacts, type NoticeTopic } from './templates/render.js';

export interface PassengerNotice {
  /**
   * What changed, unique per change (`<flightId>:CANCELLATION`, `<flightId>:DELAY:120`,
   * `<approvalId>:denied`, `<issuanceId>:void`): with the passenger id and the channel it is the
   * idempotency key, so each change reaches each passenger once per channel.
   */
  changeId: string;
  topic: NoticeTopic;
  /** The case whose trail records the delivery (null: the passenger has no case, e.g. a gate change). */
  caseId: string | null;
  facts: Omit<NoticeFacts, 'passengerName'>;
  /** The audit entry's topic when it differs from `topic` (vouchers: `voucher:<type>`). */
  auditTopic?: string;
  /** Email even without the email opt-in (a voucher is the document the passenger redeems, not a notice). */
  forceEmail?: boolean;
}

export interface PassengerNoticeResult {
  /** Channels the passenger accepts and has an address for. */
  channels: ('email' | 'sms')[];
  /** Messages accepted by a transport now (not counting ones sent before). */
  sent: number;
  /** Messages stored for the drainer to send (enqueue-only). */
  queued: number;
  /** Messages whose first try failed (kept in the outbox and retried, or given up when permanent). */
  failed: number;
}

export interface PassengerNoticeDeps {
  notifier: Notifier;
  /** Store in the outbox, due now, without trying to send (a caller out of time budget: the drainer sends). */
  enqueueOnly?: boolean;
  /**
   * Outbox items already read by the caller (a page of passengers read in one batch), by outbox id;
   * null: not in the outbox. An id not in the map is read here.
   */
  known?: ReadonlyMap<string, OutboxItem | null>;
  log?: { warn(msg: string, extra?: Record<string, unknown>): void } | undefined;
}

/** The outbox id of one passenger's notice of one change on one channel (notifier.emailItem / smsItem ids). */
export function noticeOutboxId(channel: 'email' | 'sms', changeId: string, passengerId: string): string {
  return `${channel}:${noticeKey(changeId, passengerId)}`;
}

/** The idempotency key of one passenger's notice of one change (the outbox id without its channel). */
function noticeKey(changeId: string, passengerId: string): string {
  return `${changeId}|${passengerId}`;
}

/** The channels a passenger receives notices on: their contact preferences, where they have an address. */
export function channelsOf(p: Pick<Passenger, 'email' | 'phone' | 'contact'>, canSms: boolean, forceEmail = false): ('email' | 'sms')[] {
  const out: ('email' | 'sms')[] = [];
  if (p.email && (p.contact.email || forceEmail)) out.push('email');
  if (p.phone && p.contact.sms && canSms) out.push('sms');
  return out;
}

/**
 * Tells one passenger about one change, on each channel they accept, in their language (English
 * when it is not one of ours), through the outbox (once per passenger, change and channel). The email
 * body may be re-worded by the optional personaliser (facts only, template fallback); subject,
 * help line and the Art 14 notice stay template text. Never throws for a failed send: the outbox
 * keeps the message and retries it.
 */
export async function notifyPassenger(deps: PassengerNoticeDeps, p: Passenger, n: PassengerNotice): Promise<PassengerNoticeResult> {
  const { notifier } = deps;
  const log = scopedLog(deps.log, { ...(n.caseId ? { caseId: n.caseId } : {}) });
  const channels = channelsOf(p, notifier.canSms, n.forceEmail);
  const lang = noticeLanguage(p.language);
  const facts: NoticeFacts = { ...n.facts, passengerName: `${p.firstName} ${p.lastName}` };
  const key = noticeKey(n.changeId, p.id);
  const opts = { caseId: n.caseId, topic: n.auditTopic ?? n.topic, language: lang };
  const result: PassengerNoticeResult = { channels, sent: 0, queued: 0, failed: 0 };
  const stored = async (id: string): Promise<OutboxItem | null | undefined> => {
    const k = deps.known?.get(id);
    return k !== undefined ? k : notifier.outbox?.get(id);
  };
  for (const channel of channels) {
    try {
      let outcome: 'sent' | 'already-sent' | 'in-progress' | 'queued';
      const outbox = notifier.outbox;
      if (deps.enqueueOnly && outbox) {
        if (!(await stored(noticeOutboxId(channel, n.changeId, p.id)))) {
          if (channel === 'email') {
            const r = renderNotice(n.topic, facts, lang);
            await outbox.enqueue(emailItem(key, { to: p.email!, subject: r.subject, text: emailText(r) }, opts), { dueInMs: 0 });
          } else await outbox.enqueue(smsItem(key, p.phone!, smsText(n.topic, facts, lang), opts), { dueInMs: 0 });
        }
        outcome = 'queued';
      } else if (channel === 'email') {
        // Rendered (and personalised) only when the message is not in the outbox yet.
        const existing = await stored(noticeOutboxId('email', n.changeId, p.id));
        if (existing) outcome = await notifier.emailOnce(key, { to: existing.to, subject: existing.subject ?? '', text: existing.text }, opts);
        else {
          const r = renderNotice(n.topic, facts, lang);
          const { body } = await personalisedBody(notifier.personalise ?? null, { topic: n.topic, language: lang, facts: noticeValues(facts, lang) }, r.body, (why) =>
            log?.warn('personalised notice not used; template text sent', { why, topic: n.topic }),
          );
          outcome = await notifier.emailOnce(key, { to: p.email!, subject: r.subject, text: emailText({ ...r, body }) }, opts);
        }
      } else {
        outcome = await notifier.smsOnce(key, p.phone!, smsText(n.topic, facts, lang), opts);
      }
      if (outcome === 'sent') result.sent++;
      if (outcome === 'queued') result.queued++;
    } catch (err) {
      result.failed++;
      log?.warn('passenger notice not delivered yet', { topic: n.topic, channel, passengerId: p.id, error: (err as Error).message });
    }
  }
  return result;
}

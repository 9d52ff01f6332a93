import type { DataContext } from '../data/client.js';
import { createOutbox, type Delivery, type Outbox, type OutboxInput, type OutboxOptions } from './outbox.js';
import type { Personaliser } from './personalise.js';
import { PermanentSendError, type EmailMessage, type EmailTransport, type SmsTransport } from './transports.js';

/**
 * Every message to a passenger or to staff goes through the durable outbox (outbox.ts): stored once
 * per idempotency key, tried at once, retried with backoff by the drainer until delivered or given
 * up, sent at most once (Powertools Idempotency). `emailOnce`/`smsOnce` are the compact form for
 * callers that only need "sent / already sent": a failed first try throws (the outbox keeps the
 * message and retries it).
 */
export interface Notifier {
  /** Whether an SMS transport is configured (SNS in AWS, the SMS log locally). */
  readonly canSms: boolean;
  /** The outbox behind it (absent in stand-ins of unit-level tests). */
  readonly outbox?: Outbox;
  /** Optional LLM re-wording of notice bodies (off unless configured; template fallback). */
  readonly personalise?: Personaliser | null;
  /** Enqueue once + try now. */
  send?(input: OutboxInput): Promise<{ outcome: Delivery; error?: string }>;
  emailOnce(key: string, msg: EmailMessage, opts?: { caseId?: string | null; topic?: string; language?: string }): Promise<'sent' | 'already-sent' | 'in-progress'>;
  smsOnce(key: string, to: string, text: string, opts?: { caseId?: string | null; topic?: string; language?: string }): Promise<'sent' | 'already-sent' | 'in-progress'>;
  /** Deliver what is due for a retry. */
  drain?(opts?: { limit?: number }): ReturnType<Outbox['drain']>;
}

export interface NotifierOptions extends Omit<OutboxOptions, 'ctx' | 'email' | 'sms'> {
  ctx: DataContext;
  email: EmailTransport;
  sms?: SmsTransport;
  personalise?: Personaliser | null;
}

type ItemOpts = { caseId?: string | null; topic?: string; language?: string };

/** The outbox item of `emailOnce(key, …)` (id `email:<key>`): also what an enqueue-only caller stores. */
export function emailItem(key: string, msg: EmailMessage, o: ItemOpts = {}): OutboxInput {
  return {
    id: `email:${key}`,
    channel: 'email',
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    ...(msg.html ? { html: msg.html } : {}),
    topic: o.topic ?? key.split(':')[0] ?? 'message',
    caseId: o.caseId ?? null,
    ...(o.language ? { language: o.language } : {}),
  };
}

/** The outbox item of `smsOnce(key, …)` (id `sms:<key>`). */
export function smsItem(key: string, to: string, text: string, o: ItemOpts = {}): OutboxInput {
  return { id: `sms:${key}`, channel: 'sms', to, text, topic: o.topic ?? key.split(':')[0] ?? 'message', caseId: o.caseId ?? null, ...(o.language ? { language: o.language } : {}) };
}

function compact(r: { outcome: Delivery; error?: string }): 'sent' | 'already-sent' | 'in-progress' {
  if (r.outcome === 'sent' || r.outcome === 'already-sent' || r.outcome === 'in-progress') return r.outcome;
  if (r.outcome === 'dead') throw new PermanentSendError(r.error ?? 'notification given up');
  throw new Error(`${r.error ?? 'send failed'} (kept in the outbox; retried later)`);
}

export function createNotifier(opts: NotifierOptions): Notifier & Required<Pick<Notifier, 'outbox' | 'send' | 'drain'>> {
  const outbox = createOutbox(opts);
  return {
    canSms: outbox.canSms,
    outbox,
    personalise: opts.personalise ?? null,
    send: (input) => outbox.send(input),
    emailOnce: async (key, msg, o = {}) => compact(await outbox.send(emailItem(key, msg, o))),
    smsOnce: async (key, to, text, o = {}) => compact(await outbox.send(smsItem(key, to, text, o))),
    drain: (o) => outbox.drain(o),
  };
}

import type { DataContext } from '../data/client.js';
import { registerFlightNotices } from './changes.js';
import { createNotifier, type Notifier } from './notifier.js';
import { personaliserFromEnv } from './personalise.js';
import { sesTransport } from './ses.js';
import { smtpTransport } from './smtp.js';
import { snsTransport } from './sns.js';

/**
 * Lambda: SES for email (SMTP to SMTP_HOST:SMTP_PORT when set, e.g. a local stack), SNS for SMS
 * (SMS_TRANSPORT=off turns SMS off), optional Bedrock personalisation (JETWAY_NOTIFY_LLM=bedrock).
 * Outbox retry: NOTIFY_MAX_ATTEMPTS (default 8) attempts, backoff from NOTIFY_BACKOFF_BASE_SECONDS (30 s).
 */
export function notifierFromEnv(ctx: DataContext, log?: { warn(msg: string, extra?: Record<string, unknown>): void }, env = process.env): Notifier {
  const email = env.SMTP_PORT ? smtpTransport({ port: Number(env.SMTP_PORT), host: env.SMTP_HOST }) : sesTransport();
  const sms = env.SMS_TRANSPORT === 'off' ? undefined : snsTransport();
  const n = createNotifier({
    ctx,
    email,
    ...(sms ? { sms } : {}),
    ...(log ? { log } : {}),
    personalise: personaliserFromEnv(env),
    ...(Number(env.NOTIFY_MAX_ATTEMPTS) > 0 ? { maxAttempts: Number(env.NOTIFY_MAX_ATTEMPTS) } : {}),
    ...(Number(env.NOTIFY_BACKOFF_BASE_SECONDS) > 0 ? { backoff: { baseMs: Number(env.NOTIFY_BACKOFF_BASE_SECONDS) * 1000 } } : {}),
  });
  registerFlightNotices({ ctx, notifier: n, ...(log ? { log } : {}) });
  return n;
}

import type { DataContext } from '../data/client.js';
import { createNotifier, type Notifier } from './notifier.js';
import { sesTransport } from './ses.js';
import { smtpTransport } from './smtp.js';

/** Lambda: SES unless SMTP_PORT is set (local). SNS for SMS is a later issue. */
export function notifierFromEnv(ctx: DataContext, log?: { warn(msg: string, extra?: Record<string, unknown>): void }, env = process.env): Notifier {
  const email = env.SMTP_PORT ? smtpTransport({ port: Number(env.SMTP_PORT), host: env.SMTP_HOST }) : sesTransport();
  return createNotifier({ ctx, email, ...(log ? { log } : {}) });
}

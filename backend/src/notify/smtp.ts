import nodemailer from 'nodemailer';
import { DEFAULT_FROM, type EmailTransport } from './transports.js';

/** SMTP transport (nodemailer) for the local SMTP sink. */
export function smtpTransport(opts: { host?: string; port: number; from?: string }): EmailTransport & { close(): void } {
  const t = nodemailer.createTransport({ host: opts.host ?? '127.0.0.1', port: opts.port, secure: false, ignoreTLS: true });
  return {
    async send(msg) {
      const info = await t.sendMail({ from: opts.from ?? DEFAULT_FROM, to: msg.to, subject: msg.subject, text: msg.text, ...(msg.html ? { html: msg.html } : {}) });
      return { messageId: String(info.messageId) };
    },
    close: () => t.close(),
  };
}

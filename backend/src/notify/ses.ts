import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { DEFAULT_FROM, type EmailTransport } from './transports.js';

/**
 * SES transport for AWS. UNTESTED here: SES cannot run on this machine, and mocking it would
 * only test the mock; the local cloud uses the SMTP sink through the same EmailTransport.
 */
export function sesTransport(opts: { client?: SESClient; from?: string } = {}): EmailTransport {
  const client = opts.client ?? new SESClient({});
  return {
    async send(msg) {
      const res = await client.send(
        new SendEmailCommand({
          Source: opts.from ?? process.env.EMAIL_FROM ?? DEFAULT_FROM,
          Destination: { ToAddresses: [msg.to] },
          Message: {
            Subject: { Data: msg.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: msg.text, Charset: 'UTF-8' }, ...(msg.html ? { Html: { Data: msg.html, Charset: 'UTF-8' } } : {}) },
          },
        }),
      );
      return { messageId: res.MessageId ?? '' };
    },
  };
}

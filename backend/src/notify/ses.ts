import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { traceClient } from '../observability/tracer.js';
import { DEFAULT_FROM, PermanentSendError, type EmailTransport } from './transports.js';

/** SES errors that no retry can fix: the message or address is refused as it is. */
const SES_PERMANENT = new Set(['MessageRejected', 'InvalidParameterValue', 'MailFromDomainNotVerifiedException', 'ValidationError']);

/**
 * SES transport for AWS (SendEmail, UTF-8 text + optional HTML). Cannot be exercised on this
 * machine: its unit test plays SES's answers through a stubbed client `send`. Throttling and
 * service errors are thrown as they are (the outbox retries them); SES_PERMANENT ones become
 * PermanentSendError (given up at once).
 */
export function sesTransport(opts: { client?: SESClient; from?: string } = {}): EmailTransport {
  const client = opts.client ?? traceClient(new SESClient({}));
  return {
    async send(msg) {
      try {
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
        if (!res.MessageId) throw new Error('SES accepted the message without a MessageId');
        return { messageId: res.MessageId };
      } catch (err) {
        if (SES_PERMANENT.has((err as Error).name)) throw new PermanentSendError(`SES refused the message: ${(err as Error).message}`, { cause: err });
        throw err;
      }
    },
  };
}

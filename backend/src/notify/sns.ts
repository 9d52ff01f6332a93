import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { traceClient } from '../observability/tracer.js';
import { PermanentSendError } from './transports.js';

/** An SMS transport that answers with the message id (assignable to SmsTransport). */
export interface SmsSender {
  send(to: string, text: string): Promise<{ messageId: string }>;
}

/** E.164: `+` and 6–15 digits (the local SMS log checks the same). */
export const E164 = /^\+\d{6,15}$/;

/** SNS errors that no retry can fix (a malformed number, an opted-out or refused destination). */
const SNS_PERMANENT = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'OptedOutException']);

/**
 * SNS transport for SMS in AWS: Publish to a phone number, Transactional (delivered in priority,
 * also to numbers on do-not-disturb lists where the law allows), with an optional sender id. Cannot
 * be exercised on this machine: its unit test plays SNS's answers through a stubbed client `send`.
 */
export function snsTransport(opts: { client?: SNSClient; senderId?: string } = {}): SmsSender {
  const client = opts.client ?? traceClient(new SNSClient({}));
  const senderId = opts.senderId ?? process.env.SMS_SENDER_ID;
  return {
    async send(to, text) {
      if (!E164.test(to)) throw new PermanentSendError(`not an E.164 phone number: ${to.slice(0, 3)}…`);
      try {
        const res = await client.send(
          new PublishCommand({
            PhoneNumber: to,
            Message: text,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              ...(senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: senderId } } : {}),
            },
          }),
        );
        if (!res.MessageId) throw new Error('SNS accepted the message without a MessageId');
        return { messageId: res.MessageId };
      } catch (err) {
        if (SNS_PERMANENT.has((err as Error).name)) throw new PermanentSendError(`SNS refused the SMS: ${(err as Error).message}`, { cause: err });
        throw err;
      }
    },
  };
}

/** The local SMS log (local/services/sms.ts) as a transport: a number it refuses is a permanent failure. */
export function smsLogTransport(log: { send(to: string, text: string): { id: string } }): SmsSender {
  return {
    async send(to, text) {
      if (!E164.test(to)) throw new PermanentSendError(`not an E.164 phone number: ${to.slice(0, 3)}…`);
      return { messageId: log.send(to, text).id };
    },
  };
}

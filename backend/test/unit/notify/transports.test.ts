import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { sesTransport } from '../../../src/notify/ses.js';
import { snsTransport, smsLogTransport } from '../../../src/notify/sns.js';
import { isPermanent } from '../../../src/notify/transports.js';
import { createSmsLog } from '../../../src/local/services/sms.js';

// SES and SNS cannot run on this machine: each SDK client is replaced by a stub `send` that records
// the command and plays the service's answer (a MessageId, or a named service error). What is tested
// is the adapter: the request it builds and how it classifies errors (retry vs give up).
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

function stub<C>(answer: (cmd: unknown) => unknown): { client: C; sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    client: {
      send: async (cmd: unknown) => {
        sent.push(cmd);
        return answer(cmd);
      },
    } as C,
  };
}

describe('SES transport (stubbed SESClient)', () => {
  it('sends UTF-8 text (and HTML) from EMAIL_FROM and returns the MessageId', async () => {
    const { client, sent } = stub<SESClient>(() => ({ MessageId: 'ses-1' }));
    const t = sesTransport({ client, from: 'Jetway <no-reply@air.example>' });
    expect(await t.send({ to: 'ana@example.com', subject: 'Vuelo cancelado', text: 'Hola', html: '<p>Hola</p>' })).toEqual({ messageId: 'ses-1' });
    const cmd = sent[0] as SendEmailCommand;
    expect(cmd).toBeInstanceOf(SendEmailCommand);
    expect(cmd.input).toEqual({
      Source: 'Jetway <no-reply@air.example>',
      Destination: { ToAddresses: ['ana@example.com'] },
      Message: {
        Subject: { Data: 'Vuelo cancelado', Charset: 'UTF-8' },
        Body: { Text: { Data: 'Hola', Charset: 'UTF-8' }, Html: { Data: '<p>Hola</p>', Charset: 'UTF-8' } },
      },
    });
  });

  it('a rejected message is permanent (given up); throttling is not (retried)', async () => {
    const rejected = sesTransport({ client: stub<SESClient>(() => Promise.reject(named('MessageRejected', 'Email address is not verified'))).client });
    const err1 = await rejected.send({ to: 'x@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(isPermanent(err1)).toBe(true);
    const throttled = sesTransport({ client: stub<SESClient>(() => Promise.reject(named('Throttling', 'Maximum sending rate exceeded'))).client });
    const err2 = await throttled.send({ to: 'x@example.com', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(isPermanent(err2)).toBe(false);
    expect((err2 as Error).name).toBe('Throttling');
  });
});

describe('SNS SMS transport (stubbed SNSClient)', () => {
  it('publishes a Transactional SMS to the number and returns the MessageId', async () => {
    const { client, sent } = stub<SNSClient>(() => ({ MessageId: 'sns-1' }));
    const t = snsTransport({ client, senderId: 'JETWAY' });
    expect(await t.send('+33612345678', 'Jetway : le vol IB3166 est annulé.')).toEqual({ messageId: 'sns-1' });
    const cmd = sent[0] as PublishCommand;
    expect(cmd).toBeInstanceOf(PublishCommand);
    expect(cmd.input).toEqual({
      PhoneNumber: '+33612345678',
      Message: 'Jetway : le vol IB3166 est annulé.',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'JETWAY' },
      },
    });
  });

  it('a malformed number is refused before any call; an invalid parameter is permanent; a service error is retried', async () => {
    const { client, sent } = stub<SNSClient>(() => ({ MessageId: 'x' }));
    const bad = await snsTransport({ client }).send('call me maybe', 'x').catch((e: unknown) => e);
    expect(isPermanent(bad)).toBe(true);
    expect(sent).toHaveLength(0);
    const invalid = await snsTransport({ client: stub<SNSClient>(() => Promise.reject(named('InvalidParameterException'))).client }).send('+15550001111', 'x').catch((e: unknown) => e);
    expect(isPermanent(invalid)).toBe(true);
    const down = await snsTransport({ client: stub<SNSClient>(() => Promise.reject(named('InternalErrorException'))).client }).send('+15550001111', 'x').catch((e: unknown) => e);
    expect(isPermanent(down)).toBe(false);
  });

  it('the local SMS log as a transport: the message id of the log; a bad number is permanent', async () => {
    const log = createSmsLog();
    const t = smsLogTransport(log);
    expect(await t.send('+447700900123', 'hi')).toEqual({ messageId: 'sms-1' });
    expect(isPermanent(await t.send('07700', 'hi').catch((e: unknown) => e))).toBe(true);
    expect(log.messages()).toHaveLength(1);
  });
});

/** An email as Jetway sends it (plain text + optional HTML). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Email transport: SMTP (local sink) or SES (AWS). Resolves with the transport's message id once it accepted the message. */
export interface EmailTransport {
  send(msg: EmailMessage): Promise<{ messageId: string }>;
}

/** SMS transport: the local SMS log, or SNS in AWS. Resolves with the message id once accepted. */
export interface SmsTransport {
  send(to: string, text: string): Promise<{ messageId: string }> | { messageId: string } | Promise<unknown> | unknown;
}

export const DEFAULT_FROM = 'Jetway <no-reply@jetway.local>';

/**
 * A send that can never succeed as it is (a malformed address, a number the carrier refuses): the
 * outbox gives it up at once (`notification_failed`) instead of retrying it for hours.
 */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const isPermanent = (err: unknown): boolean => err instanceof PermanentSendError || (err as Error | null)?.name === 'PermanentSendError';

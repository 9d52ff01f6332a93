/** An email as Jetway sends it (plain text + optional HTML). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Email transport: SMTP (local sink) or SES (AWS). */
export interface EmailTransport {
  send(msg: EmailMessage): Promise<{ messageId: string }>;
}

/** SMS transport: the local SMS log, or SNS in AWS. */
export interface SmsTransport {
  send(to: string, text: string): Promise<unknown> | unknown;
}

export const DEFAULT_FROM = 'Jetway <no-reply@jetway.local>';

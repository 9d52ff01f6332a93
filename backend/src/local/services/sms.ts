/**
 * SMS log: the local stand-in for SNS text messages (ARCHITECTURE.md). Keeps messages in memory
 * and, given a folder, appends them to `sms.jsonl` there (read back on creation, so a persistent
 * local cloud shows what it "sent" before a restart).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const SmsMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  text: z.string(),
  sentAt: z.string(),
});
export type SmsMessage = z.infer<typeof SmsMessageSchema>;

export interface SmsLog {
  /** Records a text message; returns what was recorded. */
  send(to: string, text: string): SmsMessage;
  messages(): SmsMessage[];
  /** The JSON-lines file, when the log is persistent. */
  file: string | null;
}

/** E.164-ish: `+` and 6–15 digits. Anything else is a caller bug, rejected loudly. */
const PhoneSchema = z.string().regex(/^\+\d{6,15}$/, 'phone number in E.164 form, e.g. +15551234567');

export function createSmsLog(dir?: string): SmsLog {
  const file = dir ? path.join(dir, 'sms.jsonl') : null;
  const list: SmsMessage[] = [];
  if (file && existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const parsed = SmsMessageSchema.safeParse(JSON.parse(line));
      if (parsed.success) list.push(parsed.data);
    }
  }
  if (dir) mkdirSync(dir, { recursive: true });
  let seq = list.length;
  return {
    file,
    send(to, text) {
      const msg: SmsMessage = {
        id: `sms-${++seq}`,
        to: PhoneSchema.parse(to),
        text: z.string().min(1).parse(text),
        sentAt: new Date().toISOString(),
      };
      list.push(msg);
      if (file) appendFileSync(file, `${JSON.stringify(msg)}\n`);
      return msg;
    },
    messages: () => [...list],
  };
}

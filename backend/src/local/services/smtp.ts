/**
 * SMTP sink: the local stand-in for SES (ARCHITECTURE.md). Accepts every message on 127.0.0.1,
 * parses it with mailparser and keeps it in memory (and, with a `file`, as JSON lines so the
 * operator and tools can read what was "sent"). No TLS, no auth: local use only.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { LOCAL_HOST, resolvePort } from './ports.js';

export interface CapturedEmail {
  /** Message-ID header, or a generated one. */
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
}

export interface SmtpSinkOptions {
  port?: number;
  /** JSON-lines file every captured message is appended to. */
  file?: string;
}

export interface SmtpSink {
  port: number;
  host: string;
  messages(): CapturedEmail[];
  /** Resolves with the first (already captured or future) message matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (m: CapturedEmail) => boolean, timeoutMs?: number): Promise<CapturedEmail>;
  stop(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '').filter(Boolean));

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const port = await resolvePort(opts.port, 'smtp-sink');
  const captured: CapturedEmail[] = [];
  const waiters = new Set<{ pred: (m: CapturedEmail) => boolean; resolve: (m: CapturedEmail) => void }>();
  if (opts.file) mkdirSync(path.dirname(opts.file), { recursive: true });
  let seq = 0;

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'Jetway local SMTP sink',
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          const mailFrom = session.envelope.mailFrom;
          const msg: CapturedEmail = {
            id: parsed.messageId ?? `local-${Date.now()}-${++seq}`,
            from: addresses(parsed.from)[0] ?? (mailFrom ? mailFrom.address : ''),
            to: envelopeTo.length ? envelopeTo : addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            receivedAt: new Date().toISOString(),
          };
          captured.push(msg);
          if (opts.file) appendFileSync(opts.file, `${JSON.stringify(msg)}\n`);
          for (const w of waiters) {
            if (w.pred(msg)) {
              waiters.delete(w);
              w.resolve(msg);
            }
          }
          callback();
        })
        .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCAL_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Connection-level errors (a client hanging up) must not crash the cloud.
  server.on('error', () => {});

  return {
    port,
    host: LOCAL_HOST,
    messages: () => [...captured],
    waitFor(pred, timeoutMs = 10_000) {
      const hit = captured.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise<CapturedEmail>((resolve, reject) => {
        const w = {
          pred,
          resolve: (m: CapturedEmail) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`smtp-sink: no matching e-mail within ${timeoutMs} ms (${captured.length} captured)`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../data/log.js';

/** The ids every log line carries when the work concerns them (ARCHITECTURE.md: event, case and command ids). */
export const ID_KEYS = ['eventId', 'caseId', 'commandId', 'flightId', 'disruptionId', 'approvalId', 'issuanceId', 'notificationId'] as const;
export type LogIds = Partial<Record<(typeof ID_KEYS)[number], string>>;

/**
 * A Powertools Logger for a service (`jetway-ingest`, `jetway-workflows`, `jetway-api`, `jetway-local`).
 * JSON lines in Lambda (CloudWatch Logs Insights reads them); the same locally, at WARN by default so the
 * local cloud's console stays readable for an operator ($JETWAY_LOG_LEVEL=INFO shows the routine lines;
 * POWERTOOLS_DEV=true indents them).
 */
export function createLogger(serviceName: string, level?: string): Logger {
  const logLevel = (level ?? process.env.POWERTOOLS_LOG_LEVEL ?? process.env.JETWAY_LOG_LEVEL ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? 'INFO' : 'WARN')) as 'INFO';
  return new Logger({ serviceName, logLevel });
}

/**
 * The ids found on a task's input, a command envelope or an event (string fields named as in ID_KEYS;
 * `id` of a command envelope is not guessed: pass commandId explicitly).
 */
export function idsOf(input: unknown): LogIds {
  const out: LogIds = {};
  if (!input || typeof input !== 'object') return out;
  const o = input as Record<string, unknown>;
  for (const k of ID_KEYS) if (typeof o[k] === 'string' && o[k]) out[k] = o[k] as string;
  return out;
}

/**
 * A child log that adds `ids` to every line it writes (like Powertools' `createChild({ persistentKeys })`,
 * for any Log: the Powertools-backed one in Lambda and locally, a test's capture). Concurrent work in
 * one process (the local cloud runs many executions at once) each gets its own child, so ids never bleed
 * from one execution into another as a shared `appendKeys` would.
 */
export function scopedLog<L extends Partial<Log>>(log: L | undefined, ids: LogIds): L | undefined {
  if (!log) return log;
  const keys = Object.fromEntries(Object.entries(ids).filter(([, v]) => v)) as Record<string, string>;
  if (Object.keys(keys).length === 0) return log;
  const wrap =
    (fn: ((msg: string, extra?: Record<string, unknown>) => void) | undefined) =>
    (msg: string, extra?: Record<string, unknown>) =>
      fn?.(msg, { ...keys, ...(extra ?? {}) });
  const out: Partial<Log> = {};
  if (log.info) out.info = wrap(log.info.bind(log));
  if (log.warn) out.warn = wrap(log.warn.bind(log));
  if (log.error) out.error = wrap(log.error.bind(log));
  return out as L;
}

import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';

/** The structured-log surface the backend uses (Powertools Logger in Lambda and locally). */
export interface Log {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

export function fromPowertools(logger: PowertoolsLogger): Log {
  return {
    info: (msg, extra) => (extra ? logger.info(msg, extra) : logger.info(msg)),
    warn: (msg, extra) => (extra ? logger.warn(msg, extra) : logger.warn(msg)),
    error: (msg, extra) => (extra ? logger.error(msg, extra) : logger.error(msg)),
  };
}

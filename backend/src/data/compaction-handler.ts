import { Logger } from '@aws-lambda-powertools/logger';
import { dataContextFromEnv } from './client.js';
import { compactAll, DEFAULT_RETENTION_HORIZON_MS } from './compaction.js';

/**
 * Scheduled Lambda (EventBridge rule, every `scheduleMinutes` of its manifest entry): one bounded
 * compaction + trim run over every station. `RETENTION_HORIZON_HOURS` overrides the 7-day
 * horizon. Stops starting new work 30 s before the function's timeout; the next run continues
 * from each station's cursor.
 */
const log = new Logger({ serviceName: 'jetway-compaction' });

export function horizonFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const h = Number(env.RETENTION_HORIZON_HOURS);
  return Number.isFinite(h) && h > 0 ? h * 3600 * 1000 : DEFAULT_RETENTION_HORIZON_MS;
}

export async function handler(_event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<{ stations: number; notDone: string[] }> {
  const ctx = dataContextFromEnv();
  const remaining = context?.getRemainingTimeInMillis?.() ?? 300_000;
  const results = await compactAll(ctx, { horizonMs: horizonFromEnv(), deadline: Date.now() + Math.max(5_000, remaining - 30_000) });
  for (const r of results) if (r.entries > 0 || r.trimmed > 0) log.info('compacted', { ...r });
  return { stations: results.length, notDone: results.filter((r) => !r.done).map((r) => r.station) };
}

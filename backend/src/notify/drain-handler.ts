import { dataContextFromEnv } from '../data/client.js';
import { fromPowertools } from '../data/log.js';
import { createLogger } from '../observability/logger.js';
import { flushMetrics } from '../observability/metrics.js';
import { notifierFromEnv } from './from-env.js';
import type { Notifier } from './notifier.js';

const logger = createLogger('jetway-notify');
let notifier: Notifier | null = null;

/**
 * Scheduled Lambda (every `scheduleMinutes` of its manifest entry, `SchedDrainOutbox`): delivers the
 * outbox items whose retry is due and expands fanout jobs (gate changes), in rounds until nothing is
 * due or 30 s before the function's timeout. The local cloud runs the same `drain()` on a timer.
 */
export async function handler(_event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<Record<string, number>> {
  notifier ??= notifierFromEnv(dataContextFromEnv(), fromPowertools(logger));
  const deadline = Date.now() + Math.max(5_000, (context?.getRemainingTimeInMillis?.() ?? 120_000) - 30_000);
  const total: Record<string, number> = { sent: 0, 'already-sent': 0, 'in-progress': 0, retry: 0, dead: 0 };
  try {
    while (Date.now() < deadline) {
      const c = await notifier.drain!({ limit: 200 });
      for (const [k, v] of Object.entries(c)) total[k] = (total[k] ?? 0) + v;
      if (Object.values(c).reduce((a, b) => a + b, 0) === 0) break;
    }
    if (total.sent || total.retry || total.dead) logger.info('outbox drained', total);
    return total;
  } finally {
    flushMetrics();
  }
}

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The metric names (namespace `Jetway`); the CDK dashboard and alarms name the same ones. */
export const METRIC = {
  /** Ops events applied, dimension `eventType`. */
  eventsIngested: 'EventsIngested',
  /** Events dead-lettered, dimension `reason`. */
  deadLetters: 'DeadLetters',
  /** Cases opened by the disruption workflow. */
  casesCreated: 'CasesCreated',
  /** Notifications accepted by a transport, dimension `channel`. */
  notificationsSent: 'NotificationsSent',
  /** A send that failed and will be retried, dimension `channel`. */
  notificationRetries: 'NotificationRetries',
  /** Notifications given up after their last attempt (the outbox's dead letters), dimension `channel`. */
  notificationsFailed: 'NotificationsFailed',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export const METRICS_NAMESPACE = 'Jetway';

const totals = new Map<string, number>();
const pending = new Map<string, { name: MetricName; dims: Record<string, string>; value: number }>();
let metrics: Metrics | null = null;

const inLambda = (): boolean => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);
const keyOf = (name: string, dims: Record<string, string>): string =>
  [name, ...Object.entries(dims).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`)].join('|');

/**
 * Counts `value` of a metric (with optional dimensions). Kept in this process's totals (the local
 * cloud and tests read them: `metricTotals()`), and in Lambda published as CloudWatch EMF by
 * `flushMetrics()` at the end of the invocation (Powertools Metrics). Locally nothing is printed, so
 * the console stays readable.
 */
export function countMetric(name: MetricName, value = 1, dims: Record<string, string> = {}): void {
  if (value === 0) return;
  const k = keyOf(name, dims);
  totals.set(k, (totals.get(k) ?? 0) + value);
  if (k !== name) totals.set(name, (totals.get(name) ?? 0) + value);
  const p = pending.get(k);
  if (p) p.value += value;
  else pending.set(k, { name, dims, value });
}

/** Totals since the process started: `NotificationsSent` (all dimensions) and `NotificationsSent|channel=email`. */
export function metricTotals(): Record<string, number> {
  return Object.fromEntries(totals);
}

/** Powertools Metrics for this process (service from POWERTOOLS_SERVICE_NAME, namespace Jetway). */
export function powertoolsMetrics(): Metrics {
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE });
  return metrics;
}

/**
 * Publishes what was counted since the last flush: one EMF document per dimension set (Powertools
 * `singleMetric()`), in Lambda only. Call at the end of every invocation (the handler wrappers do).
 */
export function flushMetrics(): void {
  const list = [...pending.values()];
  pending.clear();
  if (!inLambda()) return;
  const m = powertoolsMetrics();
  for (const p of list) {
    const single = m.singleMetric();
    for (const [k, v] of Object.entries(p.dims)) single.addDimension(k, v);
    single.addMetric(p.name, MetricUnit.Count, p.value);
  }
}

/** Ingest's one-line hooks (backend/src/ingest): an applied event by its type, a dead letter by its reason. */
export const countEvent = (eventType: string): void => countMetric(METRIC.eventsIngested, 1, { eventType });
export const countDeadLetter = (reason: string): void => countMetric(METRIC.deadLetters, 1, { reason });
export const countCasesCreated = (n: number): void => countMetric(METRIC.casesCreated, n);

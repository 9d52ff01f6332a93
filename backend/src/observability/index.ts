/** Observability (issue #11): Powertools Logger, Metrics and Tracer, one home for the backend. */
export { createLogger, idsOf, scopedLog, ID_KEYS, type LogIds } from './logger.js';
export { METRIC, METRICS_NAMESPACE, countMetric, countEvent, countDeadLetter, countCasesCreated, flushMetrics, metricTotals, powertoolsMetrics, type MetricName } from './metrics.js';
export { getTracer, traceClient, traced } from './tracer.js';

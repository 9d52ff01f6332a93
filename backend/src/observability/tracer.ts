import { Tracer } from '@aws-lambda-powertools/tracer';
import type { LogIds } from './logger.js';

let tracer: Tracer | null = null;

/** Powertools Tracer (X-Ray). Active in Lambda (the CDK app turns on active tracing); a no-op elsewhere. */
export function getTracer(): Tracer {
  tracer ??= new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'jetway' });
  return tracer;
}

/** An AWS SDK v3 client whose calls appear as X-Ray subsegments (Lambda only; locally the client unchanged). */
export function traceClient<T>(client: T): T {
  const t = getTracer();
  return t.isTracingEnabled() ? t.captureAWSv3Client(client) : client;
}

/**
 * Runs `fn` in a subsegment named `name`, annotated with the ids (searchable in X-Ray: eventId,
 * caseId, commandId, …). Without tracing (locally, tests) it just runs `fn`.
 */
export async function traced<T>(name: string, ids: LogIds, fn: () => Promise<T>): Promise<T> {
  const t = getTracer();
  const parent = t.isTracingEnabled() ? t.getSegment() : undefined;
  if (!parent) return fn();
  const sub = parent.addNewSubsegment(name);
  t.setSegment(sub);
  for (const [k, v] of Object.entries(ids)) if (v) sub.addAnnotation(k, v);
  try {
    return await fn();
  } catch (err) {
    sub.addError(err as Error);
    throw err;
  } finally {
    sub.close();
    t.setSegment(parent);
  }
}

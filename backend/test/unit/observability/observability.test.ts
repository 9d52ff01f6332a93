import { afterEach, describe, expect, it, vi } from 'vitest';
import { idsOf, scopedLog } from '../../../src/observability/logger.js';
import { METRIC, countDeadLetter, countEvent, countMetric, flushMetrics, metricTotals } from '../../../src/observability/metrics.js';

describe('scopedLog: the ids on every line', () => {
  it('adds the ids to each line, the line’s own fields win, and two scopes do not bleed', () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const base = { info: (m: string, e?: Record<string, unknown>) => void lines.push([m, e]), warn: (m: string, e?: Record<string, unknown>) => void lines.push([m, e]) };
    const a = scopedLog(base, idsOf({ eventId: 'E1', flightId: 'F1', bookingIds: ['x'], caseId: 7 }))!;
    const b = scopedLog(base, { commandId: 'C1' })!;
    a.info('one');
    b.warn('two', { error: 'boom' });
    a.warn('three', { flightId: 'F2' });
    expect(lines).toEqual([
      ['one', { eventId: 'E1', flightId: 'F1' }],
      ['two', { commandId: 'C1', error: 'boom' }],
      ['three', { eventId: 'E1', flightId: 'F2' }],
    ]);
    expect(scopedLog(undefined, { eventId: 'x' })).toBeUndefined();
  });
});

describe('metrics', () => {
  afterEach(() => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    vi.restoreAllMocks();
  });

  it('counts per dimension and in total; in Lambda each dimension set is published as CloudWatch EMF', () => {
    const before = metricTotals();
    countEvent('JETWAY_FLIGHT_UPDATE');
    countEvent('JETWAY_FLIGHT_UPDATE');
    countDeadLetter('SCHEMA_INVALID');
    countMetric(METRIC.notificationsSent, 3, { channel: 'email' });
    const t = metricTotals();
    expect((t['EventsIngested|eventType=JETWAY_FLIGHT_UPDATE'] ?? 0) - (before['EventsIngested|eventType=JETWAY_FLIGHT_UPDATE'] ?? 0)).toBe(2);
    expect((t.DeadLetters ?? 0) - (before.DeadLetters ?? 0)).toBe(1);
    expect((t.NotificationsSent ?? 0) - (before.NotificationsSent ?? 0)).toBe(3);
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'jetway-test';
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    flushMetrics();
    const emf = out.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] } });
    const find = (name: string, dim: string, value: string) => emf.find((e) => e._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name) && e[dim] === value);
    expect(find('EventsIngested', 'eventType', 'JETWAY_FLIGHT_UPDATE')).toMatchObject({ EventsIngested: 2 });
    expect(find('DeadLetters', 'reason', 'SCHEMA_INVALID')).toMatchObject({ DeadLetters: 1 });
    expect(find('NotificationsSent', 'channel', 'email')).toMatchObject({ NotificationsSent: 3 });
    expect(emf.every((e) => e._aws.CloudWatchMetrics[0]!.Namespace === 'Jetway')).toBe(true);
    // Published once: a second flush has nothing.
    out.length = 0;
    flushMetrics();
    expect(out.filter((l) => l.includes('"_aws"'))).toEqual([]);
  });
});

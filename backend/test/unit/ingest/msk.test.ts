import { describe, expect, it } from 'vitest';
import { MskEventSchema, mskRecords } from '../../../src/ingest/msk.js';
import { parseOpsEvent } from '../../../src/ingest/events.js';
import { scenarioMessages } from '../../helpers/fixtures.js';

describe('MSK event source shape', () => {
  it('decodes base64 values in partition order, keeping coordinates; a null value stays null', () => {
    // Prepare: the shape Lambda receives from an MSK event source mapping.
    const [a, b] = scenarioMessages('scenario5-rapid-sequence.json');
    const event = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/x/abc',
      bootstrapServers: 'b-1:9092',
      records: {
        'flight-operations-0': [
          { topic: 'flight-operations', partition: 0, offset: 15, timestamp: 1, timestampType: 'CREATE_TIME', value: Buffer.from(a!).toString('base64'), headers: [] },
          { topic: 'flight-operations', partition: 0, offset: 16, timestamp: 1, timestampType: 'CREATE_TIME', value: null, headers: [] },
        ],
        'flight-operations-2': [{ topic: 'flight-operations', partition: 2, offset: 3, timestamp: 1, timestampType: 'CREATE_TIME', value: Buffer.from(b!).toString('base64'), headers: [] }],
      },
    };
    // Act
    const recs = mskRecords(MskEventSchema.parse(event));
    // Assess
    expect(recs.map((r) => [r.partition, r.offset])).toEqual([
      [0, '15'],
      [0, '16'],
      [2, '3'],
    ]);
    expect(recs[0]!.value?.toString('utf8')).toBe(a);
    expect(recs[1]!.value).toBeNull();
    expect(parseOpsEvent(recs[2]!.value).ok).toBe(true);
    expect(parseOpsEvent(recs[1]!.value)).toMatchObject({ ok: false, reason: 'EMPTY_MESSAGE' });
  });

  it('rejects a non-Kafka event', () => {
    expect(MskEventSchema.safeParse({ Records: [{ body: 'sqs' }] }).success).toBe(false);
  });
});

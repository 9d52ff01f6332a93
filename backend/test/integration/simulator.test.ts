import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulateCli } from '../../src/cli/simulate.js';
import { startKafka, type LocalKafka } from '../../src/local/services/kafka.js';
import { parseOpsEvent } from '../../src/ingest/events.js';
import { FlightPulseEventSchema, NAIVE_UTC_ISO, buildDelayEvent, pythonJsonDumps } from '../../src/simulator/events.js';
import { JetwayFlightEventSchema } from '../../src/simulator/jetway-event.js';
import { flightPulseDataDir, scenarioFile } from '../../src/simulator/scenarios.js';

// Real Kafka (B's single-node KRaft broker, or $KAFKA_BROKERS); the CLI is driven in-process
// through runSimulateCli, exactly as `jetway simulate …` calls it.

interface Received {
  key: string | null;
  value: string;
  partition: number;
}

let kafka: LocalKafka;
let client: Kafka;
let admin: Admin;

beforeAll(async () => {
  kafka = await startKafka();
  client = new Kafka({ clientId: 'simulator-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  admin = client.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await kafka?.stop();
});

const uniqueTopic = async (partitions = 3): Promise<string> => {
  const topic = `sim-test-${randomBytes(4).toString('hex')}`;
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  return topic;
};

/** Current end offsets: read only what is produced after this point (the topic may be shared). */
const endOffsets = async (topic: string): Promise<Map<number, bigint>> => {
  // Right after creation the broker may briefly answer "does not host this topic-partition"
  // while leadership settles: retry for a few seconds before failing.
  for (let attempt = 0; ; attempt++) {
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
};

/** Reads `count` messages produced after `from`, or fails after `timeoutMs`. */
async function readAfter(
  topic: string,
  from: Map<number, bigint>,
  count: number,
  timeoutMs = 30_000,
): Promise<Received[]> {
  const consumer = client.consumer({
    groupId: `sim-test-${randomBytes(4).toString('hex')}`,
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
  });
  const got: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out with ${got.length}/${count} messages on ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (BigInt(message.offset) < (from.get(partition) ?? 0n)) return;
          got.push({
            key: message.key === null ? null : message.key.toString('utf8'),
            value: message.value?.toString('utf8') ?? '',
            partition,
          });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

const cli = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await runSimulateCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
};

describe('jetway simulate → real Kafka', () => {
  it('single events: FlightPulse shape, null keys, naive UTC timestamps, ids as printed', async () => {
    // Prepare
    const topic = await uniqueTopic();
    const from = await endOffsets(topic);
    const common = ['--brokers', kafka.brokers.join(','), '--topic', topic];
    // Act
    const runs = [
      await cli(['delay', '--flight', 'SW1234', '--minutes', '90', '--reason', 'MECHANICAL', ...common]),
      await cli(['cancel', '--flight', 'SW9012', '--reason', 'WEATHER', ...common]),
      await cli(['gate', '--flight', 'SW3456', '--from', 'A5', '--to', 'D15', '--terminal-change', ...common]),
    ];
    const msgs = await readAfter(topic, from, 3);
    // Assess
    expect(runs.map((r) => [r.code, r.err])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(msgs.every((m) => m.key === null)).toBe(true);
    const events = msgs.map((m) => FlightPulseEventSchema.parse(JSON.parse(m.value)));
    expect(events.map((e) => e.event_type).sort()).toEqual(['FLIGHT_CANCELLED', 'FLIGHT_DELAY', 'GATE_CHANGE']);
    for (const e of events) {
      expect(e.timestamp).toMatch(NAIVE_UTC_ISO);
      expect(runs.map((r) => r.out).join('')).toContain(e.event_id);
      if (e.event_type === 'FLIGHT_DELAY') {
        expect(e.payload).toMatchObject({ flight_id: 'SW1234', delay_minutes: 90, reason: 'MECHANICAL' });
        expect(e.payload.new_departure).toMatch(NAIVE_UTC_ISO);
        expect(e.payload.new_arrival).toMatch(NAIVE_UTC_ISO);
      }
    }
    // …and the ingest's own parser accepts every one of them.
    for (const m of msgs) expect(parseOpsEvent(Buffer.from(m.value)).ok).toBe(true);
  });

  it('scenario 5 --verbatim puts the shared file’s events on flight-operations byte-for-byte, without keys', async () => {
    const topic = 'flight-operations'; // the default: no --topic
    const from = await endOffsets(topic);
    const expected = (JSON.parse(readFileSync(scenarioFile(5, flightPulseDataDir()), 'utf8')) as unknown[]).map((e) =>
      JSON.stringify(e),
    );

    const r = await cli(['scenario', '5', '--verbatim', '--brokers', kafka.brokers.join(',')]);
    const msgs = await readAfter(topic, from, expected.length);

    expect(r.code).toBe(0);
    expect(msgs.map((m) => m.key)).toEqual(expected.map(() => null));
    // Key-less messages spread over the topic's partitions, so only the set is guaranteed (as in FlightPulse).
    expect(msgs.map((m) => m.value).sort()).toEqual([...expected].sort());
  });

  it('scenario 3 re-dated: today, fresh id, same payload', async () => {
    const topic = await uniqueTopic(1);
    const from = await endOffsets(topic);
    const r = await cli([
      'scenario',
      '3',
      '--date',
      '2031-02-03',
      '--brokers',
      kafka.brokers.join(','),
      '--topic',
      topic,
    ]);
    const [m] = await readAfter(topic, from, 1);
    const e = FlightPulseEventSchema.parse(JSON.parse(m!.value));
    expect(r.code).toBe(0);
    expect(m!.key).toBeNull();
    expect(e.timestamp).toBe('2031-02-03T07:40:12.345678');
    expect(e.event_id).not.toBe('9c4e1a7b-3d2f-4a6e-b1c8-2e3d4c5b6a73');
    expect(e.payload).toEqual({
      flight_id: 'SW9012',
      reason: 'WEATHER',
      reason_detail: 'Severe weather conditions require cancellation',
      rebooking_priority: 'HIGH',
    });
    expect(path.basename(scenarioFile(3))).toBe('scenario3-cancellation.json');
  });

  it('load mode: exactly --count events, all valid, spread over partitions, with a final report', async () => {
    const topic = await uniqueTopic(3);
    const from = await endOffsets(topic);
    const r = await cli([
      '--rate',
      '400',
      '--count',
      '600',
      '--seed',
      '5',
      '--brokers',
      kafka.brokers.join(','),
      '--topic',
      topic,
    ]);
    const msgs = await readAfter(topic, from, 600);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/done: produced 600 events in [\d.]+ s \([\d.]+ events\/s, target 400\/s\)/);
    expect(msgs).toHaveLength(600);
    expect(new Set(msgs.map((m) => JSON.parse(m.value).event_id)).size).toBe(600);
    expect(msgs.every((m) => m.key === null && FlightPulseEventSchema.safeParse(JSON.parse(m.value)).success)).toBe(
      true,
    );
    expect(new Set(msgs.map((m) => m.partition)).size).toBeGreaterThan(1);
    const achieved = Number(/\(([\d.]+) events\/s/.exec(r.out)?.[1]);
    expect(achieved).toBeGreaterThan(200);
    expect(achieved).toBeLessThan(480);
  });

  it('Jetway update: keyed by flight instance, door-open time, delay codes, accepted by ingest', async () => {
    const topic = await uniqueTopic(3);
    const from = await endOffsets(topic);
    const r = await cli([
      'update',
      '--flight',
      'SW1234',
      '--date',
      '2031-02-03',
      '--arrived',
      '41:150,93:40',
      '--brokers',
      kafka.brokers.join(','),
      '--topic',
      topic,
    ]);
    const [m] = await readAfter(topic, from, 1);
    expect(r.code).toBe(0);
    expect(m!.key).toBe('SW1234-2031-02-03');
    const e = JetwayFlightEventSchema.parse(JSON.parse(m!.value));
    expect(e.door_open_at).toBe('2031-02-03T13:45:00.000Z');
    expect(e.delay?.codes).toEqual([
      { code: '41', minutes: 150 },
      { code: '93', minutes: 40 },
    ]);
    const parsed = parseOpsEvent(Buffer.from(m!.value));
    expect(parsed.ok).toBe(true);
  });

  it('no reachable broker is a clear error, not a hang', async () => {
    const r = await cli(['cancel', '--flight', 'SW9012', '--brokers', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/jetway simulate: .*(ECONNREFUSED|Connection|connect)/i);
  }, 60_000);
});

describe('byte compatibility with FlightPulse’s Python producer', () => {
  it('pythonJsonDumps(event) = Python json.dumps(event) (Debian python3, as kafka-python serializes)', () => {
    const event = buildDelayEvent({
      flightId: 'SW1234',
      delayMinutes: 45,
      reason: 'CREW',
      reasonDetail: 'Équipage en retard → “late” crew',
    });
    const python = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin)))'],
      { input: JSON.stringify(event) },
    ).toString('utf8');
    expect(pythonJsonDumps(event)).toBe(python);
  });
});

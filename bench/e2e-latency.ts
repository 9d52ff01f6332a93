/**
 * e2e latency: a FlightPulse event produced to Kafka → the change is a row in the desk's SQLite.
 * Whole path, real parts: kafkajs producer → Kafka 3.9 broker → ingest → DynamoDB Local →
 * disruption workflow → per-station change log → desk sync engine (long-poll pull) → SQLite.
 * 50 sequential FLIGHT_DELAY events on SW9012 (PHX→OAK), each with a new delay; the desk
 * (signed in as agent.phx) is polled every 2 ms for the flight row carrying that delay.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalCloud } from '../backend/src/local/cloud.js';
import { buildDelayEvent, FLIGHT_OPERATIONS_TOPIC } from '../backend/src/simulator/events.js';
import { createDesk } from '../src/main/services.js';

const EVENTS = 50;
const FLIGHT = 'SW9012';

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export default async function run(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const cloud = await startLocalCloud({ ephemeral: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-desk-'));
  const desk = createDesk({ dataDir, apiUrl: cloud.apiUrl, cognito: cloud.cognito, log: () => undefined });
  const kafka = new Kafka({ clientId: 'bench-e2e', brokers: cloud.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  try {
    const signIn = await desk.dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' });
    if (!signIn.ok) throw new Error(`sign-in failed: ${JSON.stringify(signIn)}`);
    await producer.connect();
    // Any instance of the flight number (the event resolves to the instance nearest "now").
    const flightRow = desk.db.prepare(
      "SELECT json_extract(data, '$.delayMinutes') FROM flight WHERE json_extract(data, '$.carrier') || json_extract(data, '$.number') = ? AND (? IS NULL OR json_extract(data, '$.delayMinutes') = ?) LIMIT 1",
    );
    const seen = (delay: number | null): boolean => flightRow.pluck().get(FLIGHT, delay, delay) !== undefined;
    // Wait for the initial sync to bring the flight in.
    const t0 = Date.now();
    while (!seen(null)) {
      if (Date.now() - t0 > 60_000) throw new Error(`${FLIGHT} never reached the desk's cache`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const latencies: number[] = [];
    for (let i = 0; i < EVENTS + 3; i++) {
      const delay = 31 + i; // distinct per event, so the row proves this event arrived
      const event = buildDelayEvent({ flightId: FLIGHT, delayMinutes: delay, reason: 'MECHANICAL' });
      const sent = performance.now();
      await producer.send({ topic: FLIGHT_OPERATIONS_TOPIC, messages: [{ value: JSON.stringify(event) }] });
      for (;;) {
        if (seen(delay)) break;
        if (performance.now() - sent > 30_000) throw new Error(`event ${i} (delay ${delay}) not in SQLite after 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      if (i >= 3) latencies.push(performance.now() - sent); // first three warm the path up
    }
    latencies.sort((a, b) => a - b);
    return {
      'e2e.event_to_sqlite_p50': { value: Math.round(percentile(latencies, 50)), unit: 'ms', target: '-' },
      'e2e.event_to_sqlite_p95': { value: Math.round(percentile(latencies, 95)), unit: 'ms', target: '<= 1000' },
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await desk.close();
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

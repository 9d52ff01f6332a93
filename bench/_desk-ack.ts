/**
 * Command acknowledgement under a steady 20 commands/s: from the desk RPC call that creates a
 * command (`case:note`, through the same dispatch the console uses) to the server's committed
 * result recorded in the desk's outbox. Real parts: the desk's services (encrypted SQLite,
 * outbox, sync engine, enrolment and signing) against an ephemeral local cloud (DynamoDB Local,
 * cognito-local, the push API). Target: p95 ≤ 500 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalCloud } from '../backend/src/local/cloud.js';
import { buildCancelEvent, FLIGHT_OPERATIONS_TOPIC } from '../backend/src/simulator/events.js';
import { webKeyProvider } from '../src/main/db/keys.js';
import { createDesk } from '../src/main/services.js';
import { percentile } from './_desk-queue.js';

const RATE_PER_S = 20;
const SECONDS = Number(process.env.JETWAY_BENCH_ACK_SECONDS ?? 30);

async function until<T>(what: string, probe: () => T | undefined | null, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function deskAckBench(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  const cloud = await startLocalCloud({ ephemeral: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetway-bench-ack-'));
  const desk = createDesk({
    dataDir,
    keyProvider: webKeyProvider({ dataDir, env: {}, generateSecretFile: true }),
    apiUrl: cloud.apiUrl,
    cognito: cloud.cognito,
    log: () => undefined,
  });
  const producer = new Kafka({ clientId: 'bench-desk-ack', brokers: cloud.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  try {
    const signed = await desk.dispatch('session:signIn', { username: 'agent.phx', password: 'Jetway-demo-1' });
    if (!signed.ok) throw new Error(`sign-in failed: ${JSON.stringify(signed)}`);
    // A Phoenix departure with passengers is cancelled, so the desk holds cases to write notes on.
    const flight = await until(
      'a PHX departure in the desk cache',
      () =>
        desk.db
          .prepare(
            `SELECT f.id, json_extract(f.data, '$.carrier') || json_extract(f.data, '$.number') AS fn FROM flight f
             WHERE f.origin = 'PHX' AND (SELECT count(*) FROM booking b WHERE b.flight_id = f.id) >= 10
             ORDER BY abs(julianday(f.scheduled_departure) - julianday('now')) LIMIT 1`,
          )
          .get() as { id: string; fn: string } | undefined,
      120_000,
    );
    await producer.connect();
    await producer.send({
      topic: FLIGHT_OPERATIONS_TOPIC,
      messages: [{ value: JSON.stringify(buildCancelEvent({ flightId: flight.fn, reason: 'MECHANICAL' })) }],
    });
    const cases = await until(
      `cases on ${flight.id}`,
      () => {
        const ids = desk.db.prepare('SELECT id FROM case_file WHERE flight_id = ? ORDER BY id').pluck().all(flight.id) as string[];
        return ids.length >= 10 ? ids : undefined;
      },
      120_000,
    );
    const stateOf = desk.db.prepare(`SELECT state FROM outbox WHERE command_id = ?`).pluck();
    const outstanding = new Map<string, number>();
    const latencies: number[] = [];
    let done = false;
    // Completion watcher: a command is acknowledged once its outbox row left 'pending'
    // (acked: the server's result is recorded; or gone: already confirmed by a pull).
    const watcher = (async () => {
      while (!done || outstanding.size > 0) {
        for (const [id, t0] of outstanding) {
          const s = stateOf.get(id) as string | undefined;
          if (s !== 'pending') {
            latencies.push(performance.now() - t0);
            outstanding.delete(id);
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const total = RATE_PER_S * SECONDS;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      // Open-loop schedule: command i is due at i / rate, whatever happened before.
      const due = started + (i * 1000) / RATE_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      const r = await desk.dispatch('case:note', { caseId: cases[i % cases.length]!, text: `bench note ${i}` });
      if (!r.ok) throw new Error(`case:note failed: ${JSON.stringify(r.error)}`);
      outstanding.set((r.value as { commandId: string }).commandId, t0);
    }
    done = true;
    const deadline = Date.now() + 60_000;
    while (outstanding.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (outstanding.size > 0) throw new Error(`${outstanding.size} commands never acknowledged`);
    await watcher;
    const rejected = desk.db.prepare(`SELECT count(*) FROM attention`).pluck().get() as number;
    if (rejected > 0) throw new Error(`${rejected} bench commands were rejected: the figure would not be acknowledgements`);
    latencies.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    console.log(
      `  ${total} notes at ${RATE_PER_S}/s: ack p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
    return {
      'desk.command_ack_p95_ms': { value: Math.round(p95), unit: 'ms', target: `≤ 500 at a steady ${RATE_PER_S} commands/s` },
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await desk.close();
    await cloud.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

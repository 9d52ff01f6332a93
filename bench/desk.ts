/**
 * `npm run bench -- desk`: the desk's figures (issue #10), each measured in this run.
 * - desk.queue_query_p95_ms: a queue page over 100,000 cached cases (bench/_desk-queue.ts);
 * - desk.command_ack_p95_ms: command acknowledgement at a steady 20 commands/s against the
 *   local cloud (bench/_desk-ack.ts).
 */
import { deskAckBench } from './_desk-ack.js';
import { deskQueueBench } from './_desk-queue.js';

export default async function run(): Promise<Record<string, { value: number; unit: string; target: string }>> {
  return { ...(await deskQueueBench()), ...(await deskAckBench()) };
}

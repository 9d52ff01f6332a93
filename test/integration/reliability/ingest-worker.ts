/**
 * A Jetway ingest consumer in its own process, for ingest-kill.test.ts to SIGKILL: the kafkajs
 * consumer (the local stand-in for the MSK event source) with the local disruption workflow runner
 * and notifier, as the local cloud wires them (backend/src/local/app.ts), against the test's
 * DynamoDB Local, Kafka and SMTP sink. Reports its tallies to the parent over IPC; offsets are
 * committed every `commitIntervalMs`. On `hold` (after `after` more), a workflow start never returns: the
 * process then sits inside a chunk whose writes are committed in DynamoDB but whose offsets are
 * not resolved (the worst moment to die), says `held`, and waits for its SIGKILL.
 */
import { defaultPolicySet } from '../../../src/shared/policy/index.js';
import { createDataContext } from '../../../backend/src/data/client.js';
import { startLocalIngest } from '../../../backend/src/ingest/kafka-consumer.js';
import { createNotifier } from '../../../backend/src/notify/notifier.js';
import { smtpTransport } from '../../../backend/src/notify/smtp.js';
import { createLocalWorkflowRunner } from '../../../backend/src/workflows/local-runner.js';
import type { WorkflowStarter } from '../../../backend/src/workflows/starter.js';

export interface IngestWorkerArgs {
  endpoint: string;
  prefix: string;
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
  smtpPort: number;
  commitIntervalMs: number;
}

export type IngestWorkerMessage =
  | { t: 'ready' }
  | { t: 'progress'; processed: number; outcomes: Record<string, number> }
  | { t: 'held' }
  | { t: 'idle' }
  | { t: 'stopped' };

const args = JSON.parse(process.argv[2] ?? '{}') as IngestWorkerArgs;
const send = (m: IngestWorkerMessage) => process.send?.(m);

const ctx = createDataContext({ endpoint: args.endpoint, tablePrefix: args.prefix });
const notifier = createNotifier({ ctx, email: smtpTransport({ port: args.smtpPort }) });
const policy = defaultPolicySet();
const workflows = createLocalWorkflowRunner({ ctx, policy: () => policy, notifier });
/** Workflow starts to let through before holding (null: not asked to hold). */
let holdAfter: number | null = null;
const starter: WorkflowStarter = {
  async startDisruption(input, name) {
    if (holdAfter !== null && holdAfter-- <= 0) {
      send({ t: 'held' });
      await new Promise(() => undefined);
    }
    return workflows.startDisruption(input, name);
  },
};
const ingest = await startLocalIngest(
  { ctx, workflows: starter },
  { brokers: args.brokers, topic: args.topic, dlqTopic: args.dlqTopic, groupId: args.groupId, autoCommitInterval: args.commitIntervalMs },
);
const report = () => send({ t: 'progress', processed: ingest.processed(), outcomes: ingest.outcomes() });
setInterval(report, 100).unref();
send({ t: 'ready' });

process.on('message', (m: { t: string }) => {
  void (async () => {
    if (m.t === 'hold') {
      holdAfter = (m as { after?: number }).after ?? 0;
    } else if (m.t === 'idle') {
      await ingest.idle();
      await workflows.idle();
      report();
      send({ t: 'idle' });
    } else if (m.t === 'stop') {
      await ingest.stop();
      await workflows.idle();
      await workflows.stop();
      report();
      send({ t: 'stopped' });
      process.exit(0);
    }
  })();
});

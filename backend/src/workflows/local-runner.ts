import './promise-polyfill.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import pLimit from 'p-limit';
import type { WorkflowDeps } from './deps.js';
import { idsOf, scopedLog } from '../observability/logger.js';
import { DisruptionWorkflowInputSchema, type DisruptionWorkflowInput, type WorkflowStarter } from './starter.js';
import { evaluatePassengers } from './tasks/evaluate-passengers.js';
import { loadBookingsPage } from './tasks/load-bookings-page.js';
import { markDisruptionFailed } from './tasks/mark-failed.js';
import { queueNotifications } from './tasks/queue-notifications.js';

export const DISRUPTION_ASL_PATH = fileURLToPath(new URL('./statemachines/disruption.asl.json', import.meta.url));

/** Fields only a Distributed Map has; the inline stand-in drops them (they tune AWS's child executions). */
const DISTRIBUTED_ONLY = ['Label', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath'];
/** Fields whose meaning an inline Map cannot reproduce (S3 reads/writes, batching of items): refused. */
const DISTRIBUTED_UNSUPPORTED = ['ItemReader', 'ItemBatcher', 'ResultWriter'];

type AslState = { Type?: string; ItemProcessor?: AslMachine; Iterator?: AslMachine; Branches?: AslMachine[] } & Record<string, unknown>;
type AslMachine = { States: Record<string, AslState> } & Record<string, unknown>;

/**
 * The ARCHITECTURE.md stand-in for a Distributed Map: the same state as an inline Map (same
 * ItemsPath, MaxConcurrency, ItemProcessor, Catch), child Express executions becoming
 * iterations in this process. Returns a copy; a Map that reads from S3 or batches items is
 * refused, since running it inline would change what each iteration receives.
 */
export function inlineDistributedMaps<T extends AslMachine>(machine: T, where = ''): T {
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    let s: AslState = { ...state };
    const processor = s.ItemProcessor as (AslMachine & { ProcessorConfig?: { Mode?: string } }) | undefined;
    if (s.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
      const unsupported = DISTRIBUTED_UNSUPPORTED.filter((k) => k in s);
      if (unsupported.length) throw new Error(`${where}${name}: the local inline Map cannot stand in for ${unsupported.join(', ')}`);
      for (const k of DISTRIBUTED_ONLY) delete s[k];
      s = { ...s, ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'INLINE' } } };
    }
    if (s.ItemProcessor) s.ItemProcessor = inlineDistributedMaps(s.ItemProcessor, `${where}${name}/`);
    if (s.Iterator) s.Iterator = inlineDistributedMaps(s.Iterator, `${where}${name}/`);
    if (s.Branches) s.Branches = s.Branches.map((b) => inlineDistributedMaps(b, `${where}${name}/`));
    states[name] = s;
  }
  return { ...machine, States: states };
}

/**
 * The definition with its `${<Handler>Arn}` placeholders substituted, as the CDK app's
 * DefinitionSubstitutions do in AWS (locally with placeholder function ARNs, since every Task
 * is overridden by a local handler anyway), and its Distributed Map run inline.
 */
export function loadDisruptionDefinition(): Record<string, unknown> {
  const text = readFileSync(DISRUPTION_ASL_PATH, 'utf8').replace(
    /\$\{([A-Za-z0-9]+)Arn\}/g,
    (_m, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:jetway-local-${name}`,
  );
  return inlineDistributedMaps(JSON.parse(text) as AslMachine);
}

/** State name → the same function the Lambda handler of that state runs (handlers.ts `states`). */
export function localTaskHandlers(deps: WorkflowDeps): Record<string, (input: unknown) => Promise<unknown>> {
  // Each task's log lines carry the ids of its input (eventId, flightId, …), as in Lambda (lambda.ts).
  const d = (i: unknown): WorkflowDeps => ({ ...deps, log: scopedLog(deps.log, idsOf(i)) });
  return {
    LoadBookingsPage: (i) => loadBookingsPage(d(i), i),
    EvaluatePassengers: (i) => evaluatePassengers(d(i), i),
    QueueNotifications: (i) => queueNotifications(d(i), i),
    MarkDisruptionFailed: (i) => markDisruptionFailed(d(i), i),
  };
}

export interface LocalWorkflowRunner extends WorkflowStarter {
  /** Resolves when no execution is running. */
  idle(): Promise<void>;
  executions(): { name: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error?: string }[];
  stop(): Promise<void>;
}

/**
 * Executions of this runner running at once (the rest wait their turn, first come first served):
 * in AWS each task is its own Lambda, here every execution shares one process and one DynamoDB
 * Local, so 100 cancellations at once would queue their tasks past the state machine's task
 * timeouts (States.Timeout: measured with 100 flights × 180 passengers). Like a Lambda reserved
 * concurrency. JETWAY_LOCAL_WORKFLOW_CONCURRENCY overrides it.
 */
export function localWorkflowConcurrency(): number {
  return Math.max(1, Number(process.env.JETWAY_LOCAL_WORKFLOW_CONCURRENCY) || 8);
}

/**
 * Runs statemachines/disruption.asl.json with aws-local-stepfunctions, unchanged but for the
 * Distributed Map run inline; Task states are bound by state name to the handler functions. Executions run in the background (like
 * StartExecution); a name already run is not started again (Step Functions' execution-name
 * idempotency).
 */
export function createLocalWorkflowRunner(deps: WorkflowDeps): LocalWorkflowRunner {
  const machine = new StateMachine(loadDisruptionDefinition() as never);
  const handlers = localTaskHandlers(deps);
  const running = new Set<Promise<unknown>>();
  const history = new Map<string, { name: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error?: string }>();
  const aborts = new Set<() => void>();
  // Executions running at once; the rest wait their turn, in order.
  const slots = pLimit(localWorkflowConcurrency());
  let stopped = false;
  return {
    async startDisruption(input: DisruptionWorkflowInput, name: string) {
      if (stopped) throw new Error('workflow runner stopped');
      const parsed = DisruptionWorkflowInputSchema.parse(input);
      const prev = history.get(name);
      if (prev && prev.status !== 'FAILED') return;
      const rec = { name, status: 'RUNNING' as 'RUNNING' | 'SUCCEEDED' | 'FAILED', error: undefined as string | undefined };
      history.set(name, rec);
      const p = slots(async () => {
        if (stopped) throw new Error('workflow runner stopped');
        const exec = machine.run(parsed, { overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: {} }, noThrowOnAbort: true });
        aborts.add(exec.abort);
        return exec.result.finally(() => aborts.delete(exec.abort));
      })
        .then(() => {
          rec.status = 'SUCCEEDED';
        })
        .catch((err: unknown) => {
          rec.status = 'FAILED';
          rec.error = (err as Error).message;
          deps.log?.warn('local workflow execution failed', { name, error: rec.error });
        })
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    executions: () => [...history.values()].map((h) => ({ ...h })),
    async stop() {
      stopped = true;
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 5000))]);
      for (const a of aborts) a();
    },
  };
}

import './promise-polyfill.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowDeps } from './deps.js';
import { DisruptionWorkflowInputSchema, type DisruptionWorkflowInput, type WorkflowStarter } from './starter.js';
import { evaluatePassengers } from './tasks/evaluate-passengers.js';
import { loadBookingsPage } from './tasks/load-bookings-page.js';
import { markDisruptionFailed } from './tasks/mark-failed.js';
import { queueNotifications } from './tasks/queue-notifications.js';

export const DISRUPTION_ASL_PATH = fileURLToPath(new URL('./statemachines/disruption.asl.json', import.meta.url));

/**
 * The definition with its `${<Handler>Arn}` placeholders substituted, as the CDK app's
 * DefinitionSubstitutions do in AWS; locally with placeholder function ARNs, since every Task
 * is overridden by a local handler anyway.
 */
export function loadDisruptionDefinition(): Record<string, unknown> {
  const text = readFileSync(DISRUPTION_ASL_PATH, 'utf8').replace(
    /\$\{([A-Za-z0-9]+)Arn\}/g,
    (_m, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:jetway-local-${name}`,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** State name → the same function the Lambda handler of that state runs (handlers.ts `states`). */
export function localTaskHandlers(deps: WorkflowDeps): Record<string, (input: unknown) => Promise<unknown>> {
  return {
    LoadBookingsPage: (i) => loadBookingsPage(deps, i),
    EvaluatePassengers: (i) => evaluatePassengers(deps, i),
    QueueNotifications: (i) => queueNotifications(deps, i),
    MarkDisruptionFailed: (i) => markDisruptionFailed(deps, i),
  };
}

export interface LocalWorkflowRunner extends WorkflowStarter {
  /** Resolves when no execution is running. */
  idle(): Promise<void>;
  executions(): { name: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error?: string }[];
  stop(): Promise<void>;
}

/**
 * Runs statemachines/disruption.asl.json unchanged with aws-local-stepfunctions; Task states
 * are bound by state name to the handler functions. Executions run in the background (like
 * StartExecution); a name already run is not started again (Step Functions' execution-name
 * idempotency).
 */
export function createLocalWorkflowRunner(deps: WorkflowDeps): LocalWorkflowRunner {
  const machine = new StateMachine(loadDisruptionDefinition() as never);
  const handlers = localTaskHandlers(deps);
  const running = new Set<Promise<unknown>>();
  const history = new Map<string, { name: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error?: string }>();
  const aborts = new Set<() => void>();
  let stopped = false;
  return {
    async startDisruption(input: DisruptionWorkflowInput, name: string) {
      if (stopped) throw new Error('workflow runner stopped');
      const parsed = DisruptionWorkflowInputSchema.parse(input);
      const prev = history.get(name);
      if (prev && prev.status !== 'FAILED') return;
      const rec = { name, status: 'RUNNING' as 'RUNNING' | 'SUCCEEDED' | 'FAILED', error: undefined as string | undefined };
      history.set(name, rec);
      const exec = machine.run(parsed, { overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: {} }, noThrowOnAbort: true });
      aborts.add(exec.abort);
      const p = exec.result
        .then(() => {
          rec.status = 'SUCCEEDED';
        })
        .catch((err: unknown) => {
          rec.status = 'FAILED';
          rec.error = (err as Error).message;
          deps.log?.warn('local workflow execution failed', { name, error: rec.error });
        })
        .finally(() => {
          running.delete(p);
          aborts.delete(exec.abort);
        });
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

import './promise-polyfill.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Approval } from '../../../src/shared/domain/index.js';
import { keys } from '../data/keys.js';
import {
  NamedError,
  RegisterTokenPayloadSchema,
  approvalExecutionName,
  approvalWorkflowInput,
  isOpen,
  readApproval,
  type DecisionOutput,
} from './approval-common.js';
import type { ApprovalWorkflow } from './approval-port.js';
import type { WorkflowDeps } from './deps.js';
import { escalateApproval } from './tasks/escalate-approval.js';
import { expireApproval } from './tasks/expire-approval.js';
import { markApprovalFailed } from './tasks/mark-approval-failed.js';

export const APPROVAL_ASL_PATH = fileURLToPath(new URL('./statemachines/approval.asl.json', import.meta.url));

/** The definition with its `${<Handler>Arn}` placeholders substituted (every Task is bound locally anyway). */
export function loadApprovalDefinition(): Record<string, unknown> {
  const text = readFileSync(APPROVAL_ASL_PATH, 'utf8').replace(
    /\$\{([A-Za-z0-9]+)Arn\}/g,
    (_m, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:jetway-local-${name}`,
  );
  return JSON.parse(text) as Record<string, unknown>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
export interface ApprovalExecution {
  name: string;
  approvalId: string;
  status: ExecutionStatus;
  error?: string;
  /** The states entered, in order (like an execution's history). */
  states: string[];
}

/** The local approval workflow (below), as the local app and tests use it. */
export interface LocalApprovalWorkflow extends ApprovalWorkflow {
  executions(): ApprovalExecution[];
  /** Resolves with the execution's final status once the approval's execution ends. */
  finished(approvalId: string): Promise<ExecutionStatus>;
  /** Starts again every approval whose callback is registered (LOCALCB) and still unfinished; returns their ids. */
  redrive(): Promise<string[]>;
  /** Aborts every running execution (their LOCALCB entries stay, for the re-drive at the next start). */
  stop(): Promise<void>;
}

export interface LocalApprovalOptions {
  /** How often a waiting task re-reads its approval (a decision in this process wakes it at once). Default 1000 ms. */
  pollMs?: number;
}

/** The wait states of approval.asl.json (`.waitForTaskToken` in AWS). */
export const APPROVAL_WAIT_STATES = ['AwaitDecision', 'AwaitDecisionEscalated'] as const;

/** The approval workflow's Lambda-backed task states, bound to the same functions the Lambda handlers run. */
export function approvalTaskHandlers(deps: WorkflowDeps): Record<string, (input: unknown) => Promise<unknown>> {
  return {
    EscalateApproval: (i) => escalateApproval(deps, i),
    ExpireApproval: (i) => expireApproval(deps, i),
    MarkApprovalFailed: (i) => markApprovalFailed(deps, i),
  };
}

/**
 * The ARCHITECTURE.md stand-in for `.waitForTaskToken`: statemachines/approval.asl.json runs
 * UNCHANGED on aws-local-stepfunctions. The two wait states are bound to a local callback
 * handler instead of RegisterApprovalToken: it registers the approval in the DynamoDB callback
 * registry (`LOCALCB`/<approvalId>, with the task token the run's context carries,
 * `local:<approvalId>`) and waits until the approval is decided (`decided` wakes it; it also
 * re-reads the item every `pollMs`). With no decision by the phase's absolute deadline
 * (`escalateAt`, then `expireAt`: the heartbeat of the AWS definition) it fails with
 * `States.Timeout`, which the definition's Catch routes to EscalateApproval / ExpireApproval.
 * The library's TimeoutSecondsPath stays the backstop a minute later, as in AWS.
 *
 * The registry entry is written when the execution starts and deleted when it ends; on a
 * restart `redrive()` starts every registered approval again. Deadlines are absolute, so a
 * re-driven wait keeps the original escalation and expiry times; every task is idempotent (an
 * escalation already committed is not repeated, its e-mails are sent at most once), and a
 * decided approval just ends its execution.
 */
export function createLocalApprovalWorkflow(
  deps: WorkflowDeps,
  opts: LocalApprovalOptions = {},
): LocalApprovalWorkflow {
  const { ctx } = deps;
  const pollMs = opts.pollMs ?? 1000;
  const machine = new StateMachine(loadApprovalDefinition() as never);
  const history = new Map<string, ApprovalExecution>();
  const running = new Map<string, { done: Promise<ExecutionStatus>; abort: () => void }>();
  const wakers = new Map<string, Set<() => void>>();
  /** decided() calls per approval: a wait compares it across its read, so a wake-up between its read and its nap is not lost. */
  const pokes = new Map<string, number>();
  const stopping = new AbortController();

  const wake = (approvalId: string) => {
    pokes.set(approvalId, (pokes.get(approvalId) ?? 0) + 1);
    for (const w of wakers.get(approvalId) ?? []) w();
  };

  /** Sleep up to `ms`, or less when the approval is decided here (since `seen`) or the workflow stops. */
  const nap = (approvalId: string, ms: number, seen: number) =>
    new Promise<void>((resolve) => {
      if ((pokes.get(approvalId) ?? 0) !== seen || stopping.signal.aborted) return resolve();
      const set = wakers.get(approvalId) ?? new Set<() => void>();
      wakers.set(approvalId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) wakers.delete(approvalId);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      stopping.signal.addEventListener('abort', done);
    });

  async function awaitDecision(raw: unknown): Promise<DecisionOutput> {
    const p = RegisterTokenPayloadSchema.parse((raw as { Payload?: unknown } | null)?.Payload);
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.localCallback(p.approvalId),
        UpdateExpression: 'SET entityType = :t, approvalId = :id, taskToken = :tok, phase = :ph, registeredAt = :at',
        ExpressionAttributeValues: {
          ':t': 'local_callback',
          ':id': p.approvalId,
          ':tok': p.taskToken,
          ':ph': p.phase,
          ':at': new Date().toISOString(),
        },
      }),
    );
    for (;;) {
      const seen = pokes.get(p.approvalId) ?? 0;
      if (stopping.signal.aborted) throw new NamedError('LocalWorkflowStopped', 'the local cloud is stopping');
      const a = await readApproval(ctx, p.approvalId);
      if (!a) throw new NamedError('ApprovalNotFound', `approval ${p.approvalId} does not exist`);
      if (!isOpen(a)) return { approvalId: a.id, status: a.status };
      const left = Date.parse(p.phase === 'pending' ? a.escalateAt : a.expireAt) - Date.now();
      if (left <= 0)
        throw new NamedError(
          'States.Timeout',
          `no decision on ${a.id} by its ${p.phase === 'pending' ? 'escalation' : 'expiry'} time`,
        );
      await nap(p.approvalId, Math.min(pollMs, left), seen);
    }
  }

  const bound: Record<string, (input: unknown) => Promise<unknown>> = {
    ...approvalTaskHandlers(deps),
    AwaitDecision: awaitDecision,
    AwaitDecisionEscalated: awaitDecision,
  };
  // aws-local-stepfunctions calls a handler before it resolves the state's TimeoutSecondsPath; if
  // that throws, nobody awaits the handler's promise. Mark every promise handled so a late
  // rejection cannot become an unhandled rejection (which ends a Node process).
  const handlers = Object.fromEntries(
    Object.entries(bound).map(([state, fn]) => [
      state,
      (input: unknown) => {
        const p = fn(input);
        p.catch(() => undefined);
        return p;
      },
    ]),
  );

  const registryDelete = (approvalId: string) =>
    ctx.doc.send(new DeleteCommand({ TableName: ctx.table, Key: keys.localCallback(approvalId) }));

  function run(approval: Pick<Approval, 'id' | 'caseId' | 'escalateAt' | 'expireAt'>): void {
    const name = approvalExecutionName(approval.id);
    const rec: ApprovalExecution = { name, approvalId: approval.id, status: 'RUNNING', states: [] };
    history.set(approval.id, rec);
    const exec = machine.run(approvalWorkflowInput(approval), {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: {} },
      // aws-local-stepfunctions has no task tokens: the run's context supplies $$.Task.Token.
      context: { Task: { Token: `local:${approval.id}` } },
      noThrowOnAbort: true,
    });
    const done = (async (): Promise<ExecutionStatus> => {
      void (async () => {
        for await (const ev of exec.eventLogs as AsyncIterable<{ type: string; state?: { name: string } }>) {
          if (ev.type === 'StateEntered' && ev.state) rec.states.push(ev.state.name);
        }
      })().catch(() => undefined);
      try {
        await exec.result;
        if (stopping.signal.aborted) return (rec.status = 'ABORTED');
        rec.status = 'SUCCEEDED';
      } catch (err) {
        if (stopping.signal.aborted) return (rec.status = 'ABORTED');
        rec.status = 'FAILED';
        rec.error = (err as Error).message;
        deps.log?.warn('local approval workflow failed', { approvalId: approval.id, error: rec.error });
      }
      // The workflow ended (decided, expired, or failed after MarkApprovalFailed logged it).
      await registryDelete(approval.id).catch((e: unknown) =>
        deps.log?.warn('LOCALCB delete failed', { approvalId: approval.id, error: (e as Error).message }),
      );
      return rec.status;
    })().finally(() => {
      running.delete(approval.id);
      pokes.delete(approval.id);
    });
    running.set(approval.id, { done, abort: () => exec.abort() });
  }

  async function start(approval: Approval): Promise<void> {
    if (stopping.signal.aborted) throw new Error('local approval workflow stopped');
    // Step Functions' execution-name idempotency: one execution per approval.
    if (running.has(approval.id) || history.get(approval.id)?.status === 'SUCCEEDED') return;
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.localCallback(approval.id),
        UpdateExpression:
          'SET entityType = :t, approvalId = :id, caseId = :c, startedAt = if_not_exists(startedAt, :at)',
        ExpressionAttributeValues: {
          ':t': 'local_callback',
          ':id': approval.id,
          ':c': approval.caseId,
          ':at': new Date().toISOString(),
        },
      }),
    );
    if (running.has(approval.id) || stopping.signal.aborted) return;
    run(approval);
  }

  return {
    start,
    async decided(approval: Approval) {
      wake(approval.id);
    },
    executions: () => [...history.values()].map((h) => ({ ...h, states: [...h.states] })),
    async finished(approvalId) {
      const r = running.get(approvalId);
      if (r) return r.done;
      const h = history.get(approvalId);
      if (!h) throw new Error(`no local execution for approval ${approvalId}`);
      return h.status;
    },
    async redrive() {
      const ids: string[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await ctx.doc.send(
          new QueryCommand({
            TableName: ctx.table,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': keys.localCallback('x').PK },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of res.Items ?? []) {
          const id = String(item.SK);
          const a = await readApproval(ctx, id);
          if (!a) {
            deps.log?.warn('LOCALCB entry without an approval; dropped', { approvalId: id });
            await registryDelete(id);
            continue;
          }
          // A decided one runs too: its wait sees the decision and the execution ends at once.
          await start(a);
          ids.push(id);
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
      return ids;
    },
    async stop() {
      stopping.abort();
      const all = [...running.values()];
      for (const r of all) r.abort();
      await Promise.race([Promise.allSettled(all.map((r) => r.done)), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}

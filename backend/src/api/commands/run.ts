import {
  COMMAND_PAYLOAD_SCHEMAS,
  type Change,
  type CommandEnvelope,
  type CommandPayload,
  type CommandResult,
  type CommandType,
  type RejectionCode,
} from '../../../../src/shared/sync/protocol.js';
import { deriveCaseStatus, type Case, type Entitlement } from '../../../../src/shared/domain/index.js';
import type { Principal } from '../auth/verifier.js';
import { ConditionFailedError, commitWithLog, type TransactItem } from '../../data/changelog.js';
import { auditAppend, readAuditHead, type AuditHead, type AuditInput } from '../../data/audit.js';
import { getCaseWithEntitlements, items } from '../../data/repositories.js';
import type { ApiDeps } from '../deps.js';
import { scopedLog } from '../../observability/logger.js';
import { commandRecordPut, commandResultChange, commitRejection, readCommandResult, replayed } from './record.js';

/** What a command needs: the API passes its deps, the workflow (auto-issue) its own. */
export type CommandDeps = Pick<ApiDeps, 'ctx' | 'notifier' | 'policy' | 'log'> & Partial<Pick<ApiDeps, 'approvals'>>;

/** A refusal, committed as a rejection (command record + `command_result` change, plus `extra` records). */
export interface Refusal {
  kind: 'refuse';
  stations: string[];
  code: RejectionCode;
  message: string;
  extra: TransactItem[];
}

/** The effects of a command, committed in ONE transaction with its command record, audit entry and change-log entries. */
export interface Plan {
  kind: 'commit';
  stations: string[];
  /** Business items (their indexes are what `onConditionFailed` receives). */
  items: TransactItem[];
  changes: Change[];
  effects: CommandResult['effects'];
  /** The audit entry appended after `head` (read BEFORE the case and its entitlements, so a lost race fails the head condition). */
  audit: { head: AuditHead | null; input: AuditInput } | null;
  /** A refusal that still has effects (e.g. ABOVE_APPROVER_LIMIT escalates the approval in the same transaction). */
  rejection?: { code: RejectionCode; message: string };
  /** Business conditions failed (indexes into `items`): a refusal to commit, or null to read again and decide again. */
  onConditionFailed?: (failed: number[]) => Refusal | null;
  /** Side effects after the commit (emails, workflow); failures are logged, never fatal. */
  after?: (result: CommandResult) => Promise<void>;
}

export interface CommandRun<T extends CommandType> {
  deps: CommandDeps;
  principal: Principal;
  env: CommandEnvelope;
  payload: CommandPayload<T>;
  now: Date;
  refuse(stations: string[], code: RejectionCode, message: string, extra?: TransactItem[]): Refusal;
  /** The case's audit head, then the case and its entitlements (in that order: see Plan.audit). */
  loadCase(caseId: string): Promise<{ head: AuditHead | null; case: Case; entitlements: Entitlement[] } | null>;
}

/** A lost race reads again and decides again; contention is per case (its audit head), so a few rounds settle it. */
const MAX_ATTEMPTS = 20;

/**
 * The one shape of every command: replay → parse the payload → decide (reads + checks) → one
 * transaction (command record + effects + audit entry + change-log changes) → side effects.
 * A lost race (a condition failed) reads again and decides again, which either applies or
 * commits the right rejection; nothing is half-applied.
 */
export async function runCommand<T extends CommandType>(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
  type: T,
  decide: (run: CommandRun<T>) => Promise<Refusal | Plan>,
  hooks: { onReplay?: (stored: CommandResult) => Promise<void> } = {},
): Promise<CommandResult> {
  // Every log line of the command (and of its side effects) carries its id.
  deps = { ...deps, log: scopedLog(deps.log, { commandId: env.commandId })! };
  const { ctx } = deps;
  for (let attempt = 1; ; attempt++) {
    const stored = await readCommandResult(ctx, env.commandId);
    if (stored) {
      if (hooks.onReplay)
        await hooks.onReplay(stored).catch((e: unknown) =>
          deps.log.warn('side effect retry on replay failed', {
            commandId: env.commandId,
            error: (e as Error).message,
          }),
        );
      return replayed(stored);
    }
    const parsed = COMMAND_PAYLOAD_SCHEMAS[type].safeParse(env.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return commitRejection(
        ctx,
        env,
        principal.username,
        [env.station],
        'INVALID_PAYLOAD',
        `payload.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const run: CommandRun<T> = {
      deps,
      principal,
      env,
      payload: parsed.data as CommandPayload<T>,
      now: new Date(),
      refuse: (stations, code, message, extra = []) => ({ kind: 'refuse', stations, code, message, extra }),
      async loadCase(caseId) {
        const head = await readAuditHead(ctx, caseId);
        const c = await getCaseWithEntitlements(ctx, caseId);
        return c ? { head, case: c.case, entitlements: c.entitlements } : null;
      },
    };
    const d = await decide(run);
    if (d.kind === 'refuse')
      return commitRejection(ctx, env, principal.username, d.stations, d.code, d.message, d.extra);

    const result: CommandResult = {
      commandId: env.commandId,
      status: d.rejection ? 'rejected' : 'applied',
      replayed: false,
      code: d.rejection?.code ?? null,
      message: d.rejection?.message ?? null,
      effects: d.effects,
    };
    const audit = d.audit
      ? auditAppend(ctx, d.audit.head, {
          ...d.audit.input,
          // A desk command's audit entry names its desk, its (signed) author and who pushed it.
          details: env.author
            ? { ...d.audit.input.details, deskId: env.deskId, author: env.author, pushedBy: principal.username }
            : d.audit.input.details,
          at: d.audit.input.at ?? run.now.toISOString(),
        })
      : null;
    const txItems = [commandRecordPut(ctx, env, result, principal.username), ...d.items, ...(audit?.items ?? [])];
    try {
      await commitWithLog(ctx, {
        items: txItems,
        changes: [...d.changes, ...(audit ? [audit.change] : []), commandResultChange(result)],
        stations: d.stations,
      });
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      const f = err.failedIndexes;
      const business = f.filter((i) => i >= 1 && i <= d.items.length).map((i) => i - 1);
      const others = f.filter((i) => i < 1 || i > d.items.length);
      if (others.length === 0 && business.length > 0 && d.onConditionFailed) {
        const r = d.onConditionFailed(business);
        if (r) return commitRejection(ctx, env, principal.username, r.stations, r.code, r.message, r.extra);
      }
      // Lost a race: the same command (→ replay) or an entity moved (→ decide again).
      if (attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
        continue;
      }
      throw err;
    }
    if (d.after)
      await d.after(result).catch((e: unknown) =>
        deps.log.warn('after-commit side effect failed; a replay of the command retries it', {
          commandId: env.commandId,
          error: (e as Error).message,
        }),
      );
    return result;
  }
}

/**
 * The case after a command: status by deriveCaseStatus (CLOSED stays closed), `statusSince`
 * moved when the status changes. null = nothing changed (the case item is not written).
 */
export function nextCase(
  kase: Case,
  entitlements: readonly Entitlement[],
  patch: { assignee?: string | null; status?: Case['status'] },
  now: string,
): Case | null {
  const assignee = patch.assignee !== undefined ? patch.assignee : kase.assignee;
  const status =
    patch.status ?? deriveCaseStatus({ status: kase.status, assignee, passengerChoice: kase.passengerChoice }, entitlements);
  if (status === kase.status && assignee === kase.assignee) return null;
  return {
    ...kase,
    assignee,
    status,
    statusSince: status !== kase.status ? now : kase.statusSince,
    version: kase.version + 1,
  };
}

/** The case written with a version condition (optimistic concurrency). */
export function casePut(table: string, prev: Case, next: Case): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: items.case(next),
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': prev.version },
    },
  };
}

/** Replace one entitlement in a list (the view after this command). */
export const withEntitlement = (ents: readonly Entitlement[], next: Entitlement): Entitlement[] =>
  ents.map((e) => (e.id === next.id ? next : e));

/** The UTC day of an instant (`YYYY-MM-DD`), the daily counter's key. */
export const utcDay = (iso: string): string => iso.slice(0, 10);

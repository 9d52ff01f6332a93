import {
  entityRef,
  type CommandEnvelope,
  type CommandResult,
  type CommandType,
} from '../../../../src/shared/sync/protocol.js';
import type { AuditAction, Case, Entitlement } from '../../../../src/shared/domain/index.js';
import type { Principal } from '../auth/verifier.js';
import { putChange } from '../../data/changelog.js';
import { holdsAnyStation, roleOf, type Role } from '../principal.js';
import { casePut, nextCase, runCommand, type CommandDeps, type CommandRun, type Refusal } from './run.js';

type CaseCommand = 'claimCase' | 'releaseCase' | 'assignCase' | 'closeCase' | 'addCaseNote';

/** What a case command changes: the assignee and/or status (null = nothing), and the audit entry. */
interface CaseChange {
  patch: { assignee?: string | null; status?: Case['status'] } | null;
  action: AuditAction;
  details: Record<string, string | number | boolean | null>;
}

type Decide<T extends CaseCommand> = (
  run: CommandRun<T>,
  c: { case: Case; entitlements: Entitlement[]; role: Role; me: string },
) => Refusal | CaseChange;

/**
 * The case lifecycle commands share one shape: read (audit head, case, entitlements), scope and
 * role, the expected case version when the desk sent one, then ONE transaction with the case
 * (version condition) and the audit entry. The status follows deriveCaseStatus.
 */
async function caseCommand<T extends CaseCommand>(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
  type: T,
  decide: Decide<T>,
): Promise<CommandResult> {
  return runCommand(deps, principal, env, type as CommandType & T, async (run) => {
    const caseId = (run.payload as { caseId: string }).caseId;
    const loaded = await run.loadCase(caseId);
    if (!loaded) return run.refuse([env.station], 'NOT_FOUND', `no case ${caseId}`);
    const kase = loaded.case;
    const stations = kase.stations;
    if (!holdsAnyStation(principal, stations))
      return run.refuse([env.station], 'FORBIDDEN_STATION', 'the case belongs to stations you do not hold');
    const role = roleOf(principal);
    if (!role) return run.refuse(stations, 'FORBIDDEN_ROLE', 'your role may not work cases');
    const expected = env.expectedVersions[entityRef('case', kase.id)];
    if (expected !== undefined && expected !== kase.version)
      return run.refuse(
        stations,
        'VERSION_CONFLICT',
        `case is at version ${kase.version}, command expected ${expected}`,
      );
    const d = decide(run, { case: kase, entitlements: loaded.entitlements, role, me: principal.username });
    if ('kind' in d) return d;
    const now = run.now.toISOString();
    const next = d.patch ? nextCase(kase, loaded.entitlements, d.patch, now) : null;
    return {
      kind: 'commit',
      stations,
      items: next ? [casePut(deps.ctx.table, kase, next)] : [],
      changes: next ? [putChange('case', next)] : [],
      effects: next ? [{ ref: entityRef('case', next.id), version: next.version }] : [],
      audit: {
        head: loaded.head,
        input: {
          caseId: kase.id,
          actor: principal.username,
          action: d.action,
          commandId: env.commandId,
          details: {
            ...d.details,
            status: next?.status ?? kase.status,
            assignee: next ? next.assignee : kase.assignee,
          },
          at: now,
        },
      },
    };
  });
}

const closed = <T extends CaseCommand>(run: CommandRun<T>, c: Case): Refusal | null =>
  c.status === 'CLOSED' ? run.refuse(c.stations, 'CASE_CLOSED', 'the case is closed') : null;

/** claimCase: take an unassigned case (IN_PROGRESS). Someone else's case: CASE_TAKEN. */
export const claimCase = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) =>
  caseCommand(deps, principal, env, 'claimCase', (run, { case: c, me }) => {
    const refused = closed(run, c);
    if (refused) return refused;
    if (c.assignee && c.assignee !== me)
      return run.refuse(c.stations, 'CASE_TAKEN', `the case is held by ${c.assignee}`);
    return { patch: { assignee: me }, action: 'case_claimed', details: {} };
  });

/** releaseCase: the holder (or a supervisor/admin) gives the case back to the station's queue. */
export const releaseCase = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) =>
  caseCommand(deps, principal, env, 'releaseCase', (run, { case: c, role, me }) => {
    const refused = closed(run, c);
    if (refused) return refused;
    if (!c.assignee) return run.refuse(c.stations, 'NOT_ASSIGNEE', 'nobody holds the case');
    if (c.assignee !== me && role === 'agent')
      return run.refuse(c.stations, 'NOT_ASSIGNEE', `the case is held by ${c.assignee}`);
    return { patch: { assignee: null }, action: 'case_released', details: { previous: c.assignee } };
  });

/** assignCase (supervisor/admin): give the case to an agent. */
export const assignCase = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) =>
  caseCommand(deps, principal, env, 'assignCase', (run, { case: c, role }) => {
    if (role === 'agent') return run.refuse(c.stations, 'FORBIDDEN_ROLE', 'only supervisors and admins assign cases');
    const refused = closed(run, c);
    if (refused) return refused;
    return {
      patch: { assignee: run.payload.assignee },
      action: 'case_assigned',
      details: { previous: c.assignee, to: run.payload.assignee },
    };
  });

/** closeCase: CLOSED with a reason; not while an approval is pending. */
export const closeCase = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) =>
  caseCommand(deps, principal, env, 'closeCase', (run, { case: c, entitlements }) => {
    const refused = closed(run, c);
    if (refused) return refused;
    if (entitlements.some((e) => e.status === 'PENDING_APPROVAL'))
      return run.refuse(c.stations, 'ALREADY_PENDING', 'an approval is pending on this case; decide it first');
    return { patch: { status: 'CLOSED' }, action: 'case_closed', details: { reason: run.payload.reason } };
  });

/** addCaseNote: a note in the case's audit trail (the case itself does not change). */
export const addCaseNote = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) =>
  caseCommand(deps, principal, env, 'addCaseNote', (run) => ({
    patch: null,
    action: 'note',
    details: { text: run.payload.text },
  }));

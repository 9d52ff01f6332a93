import { deriveCaseStatus } from '../../shared/domain/case-status.js';
import { CaseSchema, type EntitlementSchema } from '../../shared/domain/entities.js';
import {
  AssignCasePayloadSchema,
  ClaimCasePayloadSchema,
  CloseCasePayloadSchema,
  DecideApprovalPayloadSchema,
  IssueEntitlementPayloadSchema,
  ReleaseCasePayloadSchema,
  RequestApprovalPayloadSchema,
  VoidIssuancePayloadSchema,
  type CommandEnvelope,
  type CommandType,
} from '../../shared/sync/protocol.js';
import type { Db } from '../db/open.js';
import type { z } from 'zod';

/**
 * The optimistic local effect of each command type: `apply` marks the cached entity as
 * changed by a pending command; `clear` removes the mark (on confirmation or rejection, so
 * the server snapshot underneath shows through again). Both must be idempotent: `apply`
 * is re-run after every pull (rebase of pending commands on the new server state).
 *
 * Marks live in local-only columns (migrations 0030, 0050), each owned by the command id that
 * set it: `entitlement.pending_command_id` (+ `local_status`; null = ISSUED), `approval.local_decision`,
 * `issuance.local_void_command_id`, `case_file.local_assignee` / `local_close_command_id`. The
 * case's `local_status` is derived from those marks with the shared deriveCaseStatus rule.
 */
export interface OptimisticEffect {
  /** The entity the command changes, as `kind:id`. */
  entityRef(envelope: CommandEnvelope): string | null;
  apply(db: Db, envelope: CommandEnvelope): void;
  clear(db: Db, envelope: CommandEnvelope): void;
}

type EntStatus = z.infer<typeof EntitlementSchema>['status'];

/** The status an entitlement shows with its local mark on top of the server status. */
export const effectiveEntitlementStatus = (row: {
  status: string;
  local_status: string | null;
  pending_command_id: string | null;
}): EntStatus => (row.pending_command_id === null ? row.status : (row.local_status ?? 'ISSUED')) as EntStatus;

/** Re-derives the case's local status from every local mark on it and its entitlements (null when none). */
export function recomputeCaseStatus(db: Db, caseId: string): void {
  const row = db
    .prepare('SELECT data, status, local_assignee, local_close_command_id FROM case_file WHERE id = ?')
    .get(caseId) as
    { data: string; status: string; local_assignee: string | null; local_close_command_id: string | null } | undefined;
  if (!row) return;
  const c = CaseSchema.parse(JSON.parse(row.data));
  const ents = db
    .prepare('SELECT status, local_status, pending_command_id FROM entitlement WHERE case_id = ?')
    .all(caseId) as {
    status: string;
    local_status: string | null;
    pending_command_id: string | null;
  }[];
  const anyLocal =
    row.local_assignee !== null ||
    row.local_close_command_id !== null ||
    ents.some((e) => e.pending_command_id !== null);
  let local: string | null = null;
  if (anyLocal) {
    const assignee = row.local_assignee === null ? c.assignee : row.local_assignee || null;
    const status = row.local_close_command_id !== null ? 'CLOSED' : c.status;
    const derived = deriveCaseStatus(
      { status, assignee },
      ents.map((e) => ({ status: effectiveEntitlementStatus(e) })),
    );
    local = derived === row.status ? null : derived;
  }
  db.prepare('UPDATE case_file SET local_status = ? WHERE id = ? AND local_status IS NOT ?').run(local, caseId, local);
}

const caseOfEntitlement = (db: Db, entitlementId: string): string | undefined =>
  db.prepare('SELECT case_id FROM entitlement WHERE id = ?').pluck().get(entitlementId) as string | undefined;

/** Marks an entitlement as changed by a command (first pending command wins) and re-derives its case. */
function markEntitlement(
  db: Db,
  entitlementId: string | undefined,
  commandId: string,
  localStatus: EntStatus | null,
): void {
  if (entitlementId === undefined) return;
  db.prepare(
    'UPDATE entitlement SET pending_command_id = ?, local_status = ? WHERE id = ? AND pending_command_id IS NULL',
  ).run(commandId, localStatus, entitlementId);
  const caseId = caseOfEntitlement(db, entitlementId);
  if (caseId) recomputeCaseStatus(db, caseId);
}

function unmarkEntitlements(db: Db, commandId: string): void {
  const cases = db
    .prepare('SELECT DISTINCT case_id FROM entitlement WHERE pending_command_id = ?')
    .pluck()
    .all(commandId) as string[];
  db.prepare('UPDATE entitlement SET pending_command_id = NULL, local_status = NULL WHERE pending_command_id = ?').run(
    commandId,
  );
  for (const c of cases) recomputeCaseStatus(db, c);
}

const issueEntitlement: OptimisticEffect = {
  entityRef: (env) => `entitlement:${IssueEntitlementPayloadSchema.parse(env.payload).entitlementId}`,
  apply(db, env) {
    markEntitlement(db, IssueEntitlementPayloadSchema.parse(env.payload).entitlementId, env.commandId, null);
  },
  clear(db, env) {
    unmarkEntitlements(db, env.commandId);
  },
};

const requestApproval: OptimisticEffect = {
  entityRef: (env) => `entitlement:${RequestApprovalPayloadSchema.parse(env.payload).entitlementId}`,
  apply(db, env) {
    markEntitlement(
      db,
      RequestApprovalPayloadSchema.parse(env.payload).entitlementId,
      env.commandId,
      'PENDING_APPROVAL',
    );
  },
  clear(db, env) {
    unmarkEntitlements(db, env.commandId);
  },
};

const decideApproval: OptimisticEffect = {
  entityRef: (env) => `approval:${DecideApprovalPayloadSchema.parse(env.payload).approvalId}`,
  apply(db, env) {
    const { approvalId, decision } = DecideApprovalPayloadSchema.parse(env.payload);
    db.prepare(
      'UPDATE approval SET local_decision = ?, local_command_id = ? WHERE id = ? AND local_command_id IS NULL',
    ).run(decision, env.commandId, approvalId);
    // Only while the server still shows it open: once decided, the snapshot speaks for itself.
    const ent = db
      .prepare(`SELECT entitlement_id FROM approval WHERE id = ? AND status IN ('PENDING', 'ESCALATED')`)
      .pluck()
      .get(approvalId) as string | undefined;
    markEntitlement(db, ent, env.commandId, decision === 'approve' ? 'ISSUED' : 'DENIED');
  },
  clear(db, env) {
    db.prepare('UPDATE approval SET local_decision = NULL, local_command_id = NULL WHERE local_command_id = ?').run(
      env.commandId,
    );
    unmarkEntitlements(db, env.commandId);
  },
};

const voidIssuance: OptimisticEffect = {
  entityRef: (env) => `issuance:${VoidIssuancePayloadSchema.parse(env.payload).issuanceId}`,
  apply(db, env) {
    const { issuanceId } = VoidIssuancePayloadSchema.parse(env.payload);
    db.prepare(
      `UPDATE issuance SET local_void_command_id = ? WHERE id = ? AND local_void_command_id IS NULL AND status = 'VALID'`,
    ).run(env.commandId, issuanceId);
    const ent = db
      .prepare(`SELECT entitlement_id FROM issuance WHERE id = ? AND status = 'VALID'`)
      .pluck()
      .get(issuanceId) as string | undefined;
    markEntitlement(db, ent, env.commandId, 'OFFERED');
  },
  clear(db, env) {
    db.prepare('UPDATE issuance SET local_void_command_id = NULL WHERE local_void_command_id = ?').run(env.commandId);
    unmarkEntitlements(db, env.commandId);
  },
};

/** The signed-in user who queued a command (stored with it in the outbox). */
const queuedBy = (db: Db, commandId: string): string | null =>
  (db.prepare('SELECT created_by FROM outbox WHERE command_id = ?').pluck().get(commandId) as
    string | null | undefined) ?? null;

function assigneeEffect(
  caseIdOf: (env: CommandEnvelope) => string,
  assigneeOf: (db: Db, env: CommandEnvelope) => string | null,
): OptimisticEffect {
  return {
    entityRef: (env) => `case:${caseIdOf(env)}`,
    apply(db, env) {
      const assignee = assigneeOf(db, env);
      if (assignee === null) return;
      const caseId = caseIdOf(env);
      // Later commands win over earlier ones on the same case (they are applied in queue order).
      // Only when it changes: every write of a case row also rewrites its queue rows (triggers).
      db.prepare(
        'UPDATE case_file SET local_assignee = ?, local_command_id = ? WHERE id = ? AND (local_assignee IS NOT ? OR local_command_id IS NOT ?)',
      ).run(assignee, env.commandId, caseId, assignee, env.commandId);
      recomputeCaseStatus(db, caseId);
    },
    clear(db, env) {
      const caseId = caseIdOf(env);
      db.prepare('UPDATE case_file SET local_assignee = NULL, local_command_id = NULL WHERE local_command_id = ?').run(
        env.commandId,
      );
      recomputeCaseStatus(db, caseId);
    },
  };
}

const closeCase: OptimisticEffect = {
  entityRef: (env) => `case:${CloseCasePayloadSchema.parse(env.payload).caseId}`,
  apply(db, env) {
    const { caseId } = CloseCasePayloadSchema.parse(env.payload);
    db.prepare('UPDATE case_file SET local_close_command_id = ? WHERE id = ? AND local_close_command_id IS NULL').run(
      env.commandId,
      caseId,
    );
    recomputeCaseStatus(db, caseId);
  },
  clear(db, env) {
    const { caseId } = CloseCasePayloadSchema.parse(env.payload);
    db.prepare('UPDATE case_file SET local_close_command_id = NULL WHERE local_close_command_id = ?').run(
      env.commandId,
    );
    recomputeCaseStatus(db, caseId);
  },
};

/** A note changes nothing visible until the server's audit entry comes back; it is tracked by case. */
const addCaseNote: OptimisticEffect = {
  entityRef: (env) => {
    const p = env.payload as { caseId?: unknown } | null;
    return typeof p?.caseId === 'string' ? `case:${p.caseId}` : null;
  },
  apply: () => undefined,
  clear: () => undefined,
};

/**
 * A recorded choice changes nothing locally until the server's re-decision comes back (its new
 * entitlements are the server's to create); tracked by case so that a second choice is refused
 * while one waits (CommandService.recordChoice).
 */
const recordChoice: OptimisticEffect = {
  entityRef: (env) => {
    const p = env.payload as { caseId?: unknown } | null;
    return typeof p?.caseId === 'string' ? `case:${p.caseId}` : null;
  },
  apply: () => undefined,
  clear: () => undefined,
};

export const OPTIMISTIC_EFFECTS: Record<CommandType, OptimisticEffect> = {
  issueEntitlement,
  requestApproval,
  decideApproval,
  voidIssuance,
  claimCase: assigneeEffect(
    (env) => ClaimCasePayloadSchema.parse(env.payload).caseId,
    (db, env) => queuedBy(db, env.commandId),
  ),
  assignCase: assigneeEffect(
    (env) => AssignCasePayloadSchema.parse(env.payload).caseId,
    (_db, env) => AssignCasePayloadSchema.parse(env.payload).assignee,
  ),
  releaseCase: assigneeEffect(
    (env) => ReleaseCasePayloadSchema.parse(env.payload).caseId,
    () => '',
  ),
  closeCase,
  addCaseNote,
  recordChoice,
};

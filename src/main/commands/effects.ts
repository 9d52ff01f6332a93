import { IssueEntitlementPayloadSchema, type CommandEnvelope, type CommandType } from '../../shared/sync/protocol.js';
import type { Db } from '../db/open.js';

/**
 * The optimistic local effect of each command type: `apply` marks the cached entity as
 * changed by a pending command; `clear` removes the mark (on confirmation or rejection, so
 * the server snapshot underneath shows through again). Both must be idempotent: `apply`
 * is re-run after every pull (rebase of pending commands on the new server state).
 */
export interface OptimisticEffect {
  /** The entity the command changes, as `kind:id`. */
  entityRef(envelope: CommandEnvelope): string | null;
  apply(db: Db, envelope: CommandEnvelope): void;
  clear(db: Db, envelope: CommandEnvelope): void;
}

const issueEntitlement: OptimisticEffect = {
  entityRef: (env) => `entitlement:${IssueEntitlementPayloadSchema.parse(env.payload).entitlementId}`,
  apply(db, env) {
    const { entitlementId } = IssueEntitlementPayloadSchema.parse(env.payload);
    db.prepare('UPDATE entitlement SET pending_command_id = ? WHERE id = ? AND pending_command_id IS NULL').run(env.commandId, entitlementId);
  },
  clear(db, env) {
    db.prepare('UPDATE entitlement SET pending_command_id = NULL WHERE pending_command_id = ?').run(env.commandId);
  },
};

const none: OptimisticEffect = { entityRef: () => null, apply: () => undefined, clear: () => undefined };

export const OPTIMISTIC_EFFECTS: Record<CommandType, OptimisticEffect> = {
  issueEntitlement,
  requestApproval: none,
  decideApproval: none,
  voidIssuance: none,
  claimCase: none,
  assignCase: none,
  releaseCase: none,
  closeCase: none,
  addCaseNote: none,
};

import { sha256Hex } from '../../../src/shared/policy/index.js';
import type { Entitlement } from '../../../src/shared/domain/index.js';
import { entityRef, type CommandEnvelope, type CommandResult } from '../../../src/shared/sync/protocol.js';
import type { Principal } from '../api/auth/verifier.js';
import { issueEntitlement } from '../api/commands/issue-entitlement.js';
import type { WorkflowDeps } from './deps.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped command id derived from the entitlement id, so that re-running the workflow
 * replays the same command (durable command record) instead of issuing again.
 */
export function autoIssueCommandId(entitlementId: string): string {
  const hex = sha256Hex(`auto-issue|${entitlementId}`);
  let out = '0';
  for (let i = 0; out.length < 26; i += 2) out += CROCKFORD[parseInt(hex.slice(i, i + 2), 16) % 32];
  return out;
}

/** The workflow acts as a system user holding every station; limits are those of an admin. */
const SYSTEM: Principal = { username: 'system:auto-issue', sub: 'system', groups: ['admin'], stations: ['*'] };

/**
 * Issue the entitlements the policy marks automatic (e.g. a meal voucher at a care threshold)
 * through the same command path as a desk: same transaction, same uniqueness item, same
 * voucher email — so a desk that issued it first simply makes this a committed rejection.
 */
export async function autoIssue(deps: WorkflowDeps, ents: Entitlement[], station: string): Promise<CommandResult[]> {
  const log = deps.log ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
  const out: CommandResult[] = [];
  for (const e of ents) {
    if (!e.automatic || e.status !== 'OFFERED') continue;
    const env: CommandEnvelope = {
      commandId: autoIssueCommandId(e.id),
      type: 'issueEntitlement',
      schemaVersion: 1,
      deskId: 'workflow',
      station,
      expectedVersions: { [entityRef('entitlement', e.id)]: e.version },
      payload: { entitlementId: e.id, voucherSerial: null, confirmation: null },
      createdAt: new Date().toISOString(),
      offline: false,
    };
    out.push(await issueEntitlement({ ctx: deps.ctx, notifier: deps.notifier, policy: deps.policy, log: { error: () => undefined, ...log } }, SYSTEM, env));
  }
  return out;
}

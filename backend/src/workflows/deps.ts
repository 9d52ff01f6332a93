import type { DataContext } from '../data/client.js';
import type { Notifier } from '../notify/notifier.js';
import type { PolicySet } from '../../../src/shared/policy/index.js';
import type { StaffDirectory } from './directory.js';
import type { ResolvedPolicy } from '../data/policy-store.js';

/** What workflow task handlers need; built from env in Lambda, passed in by the local runner. */
export interface WorkflowDeps {
  ctx: DataContext;
  policy: () => PolicySet;
  /**
   * The policy store (issue #9): a resolver of the published version in force at an instant, built
   * once per batch (data/policy-store.ts policyResolver). When absent, `policy()` decides (a fixed set:
   * tests that inject one).
   */
  resolvePolicy?: () => Promise<(at: string) => Promise<ResolvedPolicy>>;
  notifier: Notifier;
  log?: { info(msg: string, extra?: Record<string, unknown>): void; warn(msg: string, extra?: Record<string, unknown>): void };
  /** Issue the entitlements the policy marks automatic right away (default off: desks issue them). */
  autoIssue?: boolean;
  /** Who the station's supervisors are (approval escalation); without one only the duty admin is told. */
  directory?: StaffDirectory | null;
}

import type { HandlerManifestEntry } from '../src/handlers.js';
import type { TableAccess } from './constructs/jetway-function.js';

/* Per-handler permissions beyond the defaults of JetwayFunction, in one reviewable place. */

/**
 * Table access per handler (least privilege). Explicit entries win; otherwise API reads are
 * read-only and ingest/workflow tasks write. A new handler that needs less must be listed here.
 */
const EXPLICIT: Record<string, TableAccess> = {
  // Health reads the change-log epoch: it proves the table is reachable.
  ApiHealth: 'read',
  ApiMe: 'read',
  ApiSyncPull: 'read',
  ApiSyncPush: 'readWrite',
};

export function tableAccessFor(h: HandlerManifestEntry): TableAccess {
  return EXPLICIT[h.name] ?? (h.kind === 'api' ? 'read' : 'readWrite');
}

/** Handlers that send passenger e-mail/SMS (SES/SNS permissions, EMAIL_FROM). */
// Push notifies when a command issues an entitlement (api/commands/issue-entitlement.ts); the
// approval workflow's escalation e-mails the station's supervisors and the duty admin.
const NOTIFIERS = new Set(['WfQueueNotifications', 'ApiSyncPush', 'WfEscalateApproval']);
export const sendsNotifications = (h: HandlerManifestEntry): boolean => NOTIFIERS.has(h.name);

/**
 * Handlers that complete the approval workflow's task tokens: push (a supervisor's approve/deny
 * arrives as a sync command) and RegisterApprovalToken (a decision that beat the wait).
 */
const TASK_RESPONDERS = new Set(['ApiSyncPush', 'WfRegisterApprovalToken']);
export const respondsToTasks = (h: HandlerManifestEntry): boolean => TASK_RESPONDERS.has(h.name);

/** Handlers that start approval workflows (requestApproval arrives as a sync command). */
const APPROVAL_STARTERS = new Set(['ApiSyncPush']);
export const startsApprovals = (h: HandlerManifestEntry): boolean => APPROVAL_STARTERS.has(h.name);

/** Handlers that read the staff directory (ListUsersInGroup: the escalation's station supervisors). */
const DIRECTORY_READERS = new Set(['WfEscalateApproval']);
export const readsStaffDirectory = (h: HandlerManifestEntry): boolean => DIRECTORY_READERS.has(h.name);

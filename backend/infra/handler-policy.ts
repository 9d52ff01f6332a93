import type { HandlerManifestEntry } from '../src/handlers.js';
import type { TableAccess } from './constructs/jetway-function.js';
import {
  FEEDS_GROUP,
  INGEST_GROUP,
  MANIFEST_DLQ_TOPIC,
  MANIFEST_TOPIC,
  OPS_DLQ_TOPIC,
  OPS_TOPIC,
  SCHEDULE_DLQ_TOPIC,
  SCHEDULE_TOPIC,
} from '../src/ingest/topics.js';

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
  ApiSyncSnapshot: 'read',
  // Table access of the compactor is its own statement (compactionStatements): the change-log
  // partitions only, no Scan, no other items.
  SchedCompactChangeLog: 'none',
  ApiSyncPush: 'readWrite',
  // Enrols and revokes desks, allocates serial blocks.
  ApiDesks: 'readWrite',
  // Policy versions (POLICY partition), change-log entries of a publication, simulation jobs, admin audit.
  ApiAdmin: 'readWrite',
  // Scans the cases of the window, reads their facts, writes the job's SIMJOB# items.
  JobPolicySimulation: 'readWrite',
};

export function tableAccessFor(h: HandlerManifestEntry): TableAccess {
  return EXPLICIT[h.name] ?? (h.kind === 'api' ? 'read' : 'readWrite');
}

/** Handlers that send passenger e-mail/SMS (SES/SNS permissions, EMAIL_FROM). */
// Push notifies when a command issues an entitlement (api/commands/issue-entitlement.ts); the
// approval workflow's escalation e-mails the station's supervisors and the duty admin.
// The outbox drainer retries what they could not send and expands fanout jobs (gate changes).
const NOTIFIERS = new Set(['WfQueueNotifications', 'ApiSyncPush', 'WfEscalateApproval', 'SchedDrainOutbox']);
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

/**
 * The compactor (data/compaction.ts) reads and trims `LOG#`, reads the `STATIONS` registry and
 * the `STATION#` counters, writes `SNAP#` / `SNAPSTATE#` and the packed snapshots `SNAPPACK#`
 * (data/snapshot-pack.ts): those partitions only (LeadingKeys).
 */
export const COMPACTION_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
export const COMPACTION_LEADING_KEYS = ['LOG#*', 'SNAP#*', 'SNAPSTATE#*', 'SNAPPACK#*', 'STATION#*', 'STATIONS'];
const COMPACTORS = new Set(['SchedCompactChangeLog']);
export const compactsChangeLog = (h: HandlerManifestEntry): boolean => COMPACTORS.has(h.name);

/** Handlers that administer users (the admin API's users routes): these Cognito actions on the pool only. */
export const USER_ADMIN_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
];
const USER_ADMINS = new Set(['ApiAdmin']);
export const administersUsers = (h: HandlerManifestEntry): boolean => USER_ADMINS.has(h.name);

/** Handler → the job function it invokes asynchronously (lambda:InvokeFunction on that function only; env POLICY_SIMULATION_FUNCTION). */
export const JOB_INVOKERS: Record<string, { job: string; env: string }> = {
  ApiAdmin: { job: 'JobPolicySimulation', env: 'POLICY_SIMULATION_FUNCTION' },
};

/**
 * Handlers that talk to the MSK cluster: the topics their event source mappings read (with the
 * consumer group), the dead-letter topics their own producer writes, and whether the handler
 * answers with a partial batch response (`batchItemFailures`). They also start the disruption
 * workflow (ingest directly; the feeds and the parking sweep re-drive parked ops events through
 * ingest), so they get its ARN, StartExecution and DescribeExecution.
 */
export interface KafkaBinding {
  topics: string[];
  group: string;
  dlqTopics: string[];
  partialBatchResponse: boolean;
}
const KAFKA_BINDINGS: Record<string, KafkaBinding> = {
  IngestFlightOperations: { topics: [OPS_TOPIC], group: INGEST_GROUP, dlqTopics: [OPS_DLQ_TOPIC], partialBatchResponse: true },
  // The feeds (src/feeds/handler.ts) throw on an infrastructure error: the batch comes again whole (versions make that harmless).
  IngestFeeds: { topics: [SCHEDULE_TOPIC, MANIFEST_TOPIC], group: FEEDS_GROUP, dlqTopics: [SCHEDULE_DLQ_TOPIC, MANIFEST_DLQ_TOPIC, OPS_DLQ_TOPIC], partialBatchResponse: false },
  // Parked ops events past their horizon are dead-lettered to flight-operations.dlq.
  SchedParkingSweep: { topics: [], group: FEEDS_GROUP, dlqTopics: [OPS_DLQ_TOPIC], partialBatchResponse: false },
};
export const kafkaBinding = (h: HandlerManifestEntry): KafkaBinding | undefined => KAFKA_BINDINGS[h.name];

/**
 * Manifest of every Lambda handler in the backend. The CDK app (infra/) creates one function
 * per entry; the local cloud (src/local/app.ts) runs the same exports in-process.
 * `entry` is relative to the backend package root.
 */
export interface HandlerManifestEntry {
  /** Logical name: unique, used for construct ids and local state names. */
  name: string;
  entry: string;
  export: string;
  /** `job`: invoked asynchronously by another handler (the policy simulation), no route, no state. */
  kind: 'api' | 'ingest' | 'workflow-task' | 'scheduled' | 'job';
  /** API routes (API Gateway HTTP API route keys) served by this function. */
  routes?: string[];
  /** Whether the route needs the Cognito JWT authorizer (all but health). */
  authorized?: boolean;
  /** Workflow task: the state name(s) in statemachines/*.asl.json bound to this handler. */
  states?: string[];
  /** Scheduled: run every N minutes (an EventBridge rule in AWS; a timer in the local cloud). */
  scheduleMinutes?: number;
  timeoutSeconds: number;
  memoryMb: number;
}

import { ADMIN_ROUTE_KEYS } from '../../src/shared/policy/admin-contract.js';

export const HANDLERS: readonly HandlerManifestEntry[] = [
  { name: 'ApiHealth', entry: 'src/api/routes/health.ts', export: 'handler', kind: 'api', routes: ['GET /v1/health'], authorized: false, timeoutSeconds: 5, memoryMb: 256 },
  { name: 'ApiMe', entry: 'src/api/routes/me.ts', export: 'handler', kind: 'api', routes: ['GET /v1/me'], authorized: true, timeoutSeconds: 5, memoryMb: 256 },
  { name: 'ApiSyncPull', entry: 'src/api/routes/pull.ts', export: 'handler', kind: 'api', routes: ['GET /v1/sync/pull'], authorized: true, timeoutSeconds: 29, memoryMb: 512 },
  { name: 'ApiSyncSnapshot', entry: 'src/api/routes/snapshot.ts', export: 'handler', kind: 'api', routes: ['GET /v1/sync/snapshot'], authorized: true, timeoutSeconds: 29, memoryMb: 512 },
  { name: 'ApiSyncPush', entry: 'src/api/routes/push.ts', export: 'handler', kind: 'api', routes: ['POST /v1/sync/push'], authorized: true, timeoutSeconds: 29, memoryMb: 512 },
  // Desk enrolment, revocation and voucher serial blocks (issue #10); `{id}` is a path parameter.
  { name: 'ApiDesks', entry: 'src/api/routes/desks.ts', export: 'handler', kind: 'api', routes: ['POST /v1/desks/enrol', 'POST /v1/desks/{id}/revoke', 'POST /v1/desks/{id}/serials'], authorized: true, timeoutSeconds: 10, memoryMb: 256 },
  // Admin API (issue #9): policy versions, validation, simulation, publication, users; routes from the shared contract.
  { name: 'ApiAdmin', entry: 'src/api/routes/admin.ts', export: 'handler', kind: 'api', routes: [...ADMIN_ROUTE_KEYS], authorized: true, timeoutSeconds: 29, memoryMb: 1024 },
  // Policy simulation job (invoked asynchronously by ApiAdmin): re-decides the last N days of cases under a version.
  { name: 'JobPolicySimulation', entry: 'src/workflows/tasks/simulate-policy.ts', export: 'handler', kind: 'job', timeoutSeconds: 900, memoryMb: 1769 },
  { name: 'IngestFlightOperations', entry: 'src/ingest/handler.ts', export: 'handler', kind: 'ingest', timeoutSeconds: 60, memoryMb: 512 },
  // The schedule and reservation feeds (src/feeds, docs/ingest.md): MSK event sources of flight-schedule and passenger-manifests.
  { name: 'IngestFeeds', entry: 'src/feeds/handler.ts', export: 'handler', kind: 'ingest', timeoutSeconds: 120, memoryMb: 1024 },
  { name: 'WfLoadBookingsPage', entry: 'src/workflows/tasks/load-bookings-page.ts', export: 'handler', kind: 'workflow-task', states: ['LoadBookingsPage'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfEvaluatePassengers', entry: 'src/workflows/tasks/evaluate-passengers.ts', export: 'handler', kind: 'workflow-task', states: ['EvaluatePassengers'], timeoutSeconds: 60, memoryMb: 1024 },
  { name: 'WfQueueNotifications', entry: 'src/workflows/tasks/queue-notifications.ts', export: 'handler', kind: 'workflow-task', states: ['QueueNotifications'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfMarkDisruptionFailed', entry: 'src/workflows/tasks/mark-failed.ts', export: 'handler', kind: 'workflow-task', states: ['MarkDisruptionFailed'], timeoutSeconds: 10, memoryMb: 256 },
  // Approval workflow (approval.asl.json). The two `.waitForTaskToken` states invoke RegisterApprovalToken; locally they are the LOCALCB callback stand-in.
  { name: 'WfRegisterApprovalToken', entry: 'src/workflows/tasks/register-approval-token.ts', export: 'handler', kind: 'workflow-task', states: ['AwaitDecision', 'AwaitDecisionEscalated'], timeoutSeconds: 10, memoryMb: 256 },
  { name: 'WfEscalateApproval', entry: 'src/workflows/tasks/escalate-approval.ts', export: 'handler', kind: 'workflow-task', states: ['EscalateApproval'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfExpireApproval', entry: 'src/workflows/tasks/expire-approval.ts', export: 'handler', kind: 'workflow-task', states: ['ExpireApproval'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfMarkApprovalFailed', entry: 'src/workflows/tasks/mark-approval-failed.ts', export: 'handler', kind: 'workflow-task', states: ['MarkApprovalFailed'], timeoutSeconds: 10, memoryMb: 256 },
  // Change-log compaction and retention (data/compaction.ts): folds each station's log into its snapshot, trims it past the horizon.
  // The notification outbox (notify/outbox.ts): due retries and fanout jobs (gate changes); the local cloud drains on a timer.
  { name: 'SchedDrainOutbox', entry: 'src/notify/drain-handler.ts', export: 'handler', kind: 'scheduled', scheduleMinutes: 1, timeoutSeconds: 120, memoryMb: 512 },
  { name: 'SchedCompactChangeLog', entry: 'src/data/compaction-handler.ts', export: 'handler', kind: 'scheduled', scheduleMinutes: 5, timeoutSeconds: 300, memoryMb: 512 },
  // Parked ops events (feeds/parking.ts): re-driven once their flight exists, dead-lettered past the horizon.
  { name: 'SchedParkingSweep', entry: 'src/feeds/handler.ts', export: 'sweepHandler', kind: 'scheduled', scheduleMinutes: 5, timeoutSeconds: 300, memoryMb: 512 },
];

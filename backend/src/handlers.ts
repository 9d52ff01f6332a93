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
  kind: 'api' | 'ingest' | 'workflow-task';
  /** API routes (API Gateway HTTP API route keys) served by this function. */
  routes?: string[];
  /** Whether the route needs the Cognito JWT authorizer (all but health). */
  authorized?: boolean;
  /** Workflow task: the state name(s) in statemachines/*.asl.json bound to this handler. */
  states?: string[];
  timeoutSeconds: number;
  memoryMb: number;
}

export const HANDLERS: readonly HandlerManifestEntry[] = [
  { name: 'ApiHealth', entry: 'src/api/routes/health.ts', export: 'handler', kind: 'api', routes: ['GET /v1/health'], authorized: false, timeoutSeconds: 5, memoryMb: 256 },
  { name: 'ApiMe', entry: 'src/api/routes/me.ts', export: 'handler', kind: 'api', routes: ['GET /v1/me'], authorized: true, timeoutSeconds: 5, memoryMb: 256 },
  { name: 'ApiSyncPull', entry: 'src/api/routes/pull.ts', export: 'handler', kind: 'api', routes: ['GET /v1/sync/pull'], authorized: true, timeoutSeconds: 29, memoryMb: 512 },
  { name: 'ApiSyncPush', entry: 'src/api/routes/push.ts', export: 'handler', kind: 'api', routes: ['POST /v1/sync/push'], authorized: true, timeoutSeconds: 29, memoryMb: 512 },
  { name: 'IngestFlightOperations', entry: 'src/ingest/handler.ts', export: 'handler', kind: 'ingest', timeoutSeconds: 60, memoryMb: 512 },
  { name: 'WfLoadBookingsPage', entry: 'src/workflows/tasks/load-bookings-page.ts', export: 'handler', kind: 'workflow-task', states: ['LoadBookingsPage'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfEvaluatePassengers', entry: 'src/workflows/tasks/evaluate-passengers.ts', export: 'handler', kind: 'workflow-task', states: ['EvaluatePassengers'], timeoutSeconds: 60, memoryMb: 1024 },
  { name: 'WfQueueNotifications', entry: 'src/workflows/tasks/queue-notifications.ts', export: 'handler', kind: 'workflow-task', states: ['QueueNotifications'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfMarkDisruptionFailed', entry: 'src/workflows/tasks/mark-failed.ts', export: 'handler', kind: 'workflow-task', states: ['MarkDisruptionFailed'], timeoutSeconds: 10, memoryMb: 256 },
  // Approval workflow (approval.asl.json). The two `.waitForTaskToken` states invoke RegisterApprovalToken; locally they are the LOCALCB callback stand-in.
  { name: 'WfRegisterApprovalToken', entry: 'src/workflows/tasks/register-approval-token.ts', export: 'handler', kind: 'workflow-task', states: ['AwaitDecision', 'AwaitDecisionEscalated'], timeoutSeconds: 10, memoryMb: 256 },
  { name: 'WfEscalateApproval', entry: 'src/workflows/tasks/escalate-approval.ts', export: 'handler', kind: 'workflow-task', states: ['EscalateApproval'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfExpireApproval', entry: 'src/workflows/tasks/expire-approval.ts', export: 'handler', kind: 'workflow-task', states: ['ExpireApproval'], timeoutSeconds: 30, memoryMb: 512 },
  { name: 'WfMarkApprovalFailed', entry: 'src/workflows/tasks/mark-approval-failed.ts', export: 'handler', kind: 'workflow-task', states: ['MarkApprovalFailed'], timeoutSeconds: 10, memoryMb: 256 },
];

import type { QueueName } from '../../../shared/rpc/contract.js';

/** The queue tabs, in order. */
export const QUEUE_ORDER: readonly QueueName[] = [
  'mine',
  'unassigned',
  'awaiting_approval',
  'needs_review',
  'rejected',
];

export const QUEUE_LABEL: Record<QueueName, string> = {
  mine: 'Mine',
  unassigned: 'Unassigned',
  awaiting_approval: 'Awaiting approval',
  needs_review: 'Needs review',
  rejected: 'Rejected',
};

/** What an empty queue says (so an empty list never looks like a broken one). */
export const QUEUE_EMPTY: Record<QueueName, string> = {
  mine: 'No cases assigned to you. Claim one from Unassigned or from a passenger’s case.',
  unassigned: 'Every open case at this station has someone on it.',
  awaiting_approval: 'No case is waiting for a supervisor.',
  needs_review: 'No case needs review: the policy engine had all the data it needed.',
  rejected: 'No rejected commands. When the server refuses one, it shows here with its reason.',
};

/** Case status in plain words (`AWAITING_APPROVAL` → `awaiting approval`). */
export const statusText = (status: string): string => status.toLowerCase().replaceAll('_', ' ');

/** The views the top bar switches between; the supervisor console only for supervisors and admins. */
export type View = 'board' | 'queues' | 'approvals' | 'policies' | 'users';
/** The views a user has: approvals for supervisors and admins; the admin console (policies, users) for admins. */
export const viewsFor = (supervisor: boolean, admin = false): View[] =>
  admin ? ['board', 'queues', 'approvals', 'policies', 'users'] : supervisor ? ['board', 'queues', 'approvals'] : ['board', 'queues'];

import type { AuditEntry } from '../../../src/shared/domain/index.js';

/** A case trail without the passenger-notification entries (they follow an issue asynchronously). */
export const withoutNotices = (trail: AuditEntry[]): AuditEntry[] =>
  trail.filter((e) => e.action !== 'notified' && e.action !== 'notification_failed');

import type { Migration } from './types.js';
import { migration as m0010 } from './0010-create-cache.js';
import { migration as m0020 } from './0020-create-sync-state.js';
import { migration as m0030 } from './0030-create-outbox.js';
import { migration as m0040 } from './0040-approvals-audit.js';
import { migration as m0050 } from './0050-queues-local-effects.js';
import { migration as m0060 } from './0060-case-queue-columns.js';
import { migration as m0070 } from './0070-outbox-authors-attention.js';
import { migration as m0080 } from './0080-offline-credentials.js';
import { migration as m0090 } from './0090-sync-bootstrap.js';
import { migration as m0095 } from './0095-desk-identity.js';
import { migration as m0100 } from './0100-queue-tally.js';
import { migration as m0110 } from './0110-queue-bulk-apply.js';
import { migration as m0120 } from './0120-booking-search.js';
import { migration as m0130 } from './0130-board-stats.js';

export type { Migration } from './types.js';

/** All migrations in order. Append only; never edit or reorder a shipped one. */
export const MIGRATIONS: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070, m0080, m0090, m0095, m0100, m0110, m0120, m0130];

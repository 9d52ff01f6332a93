import { ulid } from 'ulid';
import type { Session } from '../../shared/rpc/contract.js';
import { entityRef, type CommandEnvelope } from '../../shared/sync/protocol.js';
import type { Outbox } from '../db/outbox.js';
import { NotFoundError, type CacheQueries } from '../db/queries.js';

/** The command cannot be made from what the desk knows (maps to RPC `CONFLICT`). */
export class CommandConflictError extends Error {
  override name = 'CommandConflictError';
}

/** The user may not act for this entity's stations (maps to RPC `FORBIDDEN`). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export interface CommandServiceDeps {
  outbox: Outbox;
  queries: CacheQueries;
  deskId: string;
  /** Called after a command is durably queued (the sync engine pushes it). */
  onQueued: () => void;
  now?: () => Date;
  newId?: () => string;
}

/**
 * Turns user actions into commands: checks them against the cache, stamps the versions the
 * user saw, and queues them with their optimistic effect in one durable transaction.
 */
export class CommandService {
  constructor(private readonly d: CommandServiceDeps) {}

  issueEntitlement(entitlementId: string, session: Session): { commandId: string; syncState: 'pending' } {
    const ent = this.d.queries.entitlement(entitlementId);
    if (!ent) throw new NotFoundError(`entitlement ${entitlementId} is not in this desk's cache`);
    if (ent.syncState === 'pending') throw new CommandConflictError('this entitlement is already being issued (waiting to sync)');
    if (ent.status === 'ISSUED') throw new CommandConflictError('this entitlement is already issued');
    if (ent.status !== 'OFFERED') throw new CommandConflictError(`cannot issue an entitlement in status ${ent.status}`);
    const view = this.d.queries.caseView(ent.caseId);
    const station =
      session.stations.includes('*') ? view.case.stations[0] : view.case.stations.find((s) => session.stations.includes(s));
    if (!station) throw new ForbiddenError(`case ${view.case.id} belongs to ${view.case.stations.join('/')}, not to your stations`);
    const envelope: CommandEnvelope = {
      commandId: (this.d.newId ?? ulid)(),
      type: 'issueEntitlement',
      schemaVersion: 1,
      deskId: this.d.deskId,
      station,
      expectedVersions: { [entityRef('entitlement', ent.id)]: ent.version, [entityRef('case', view.case.id)]: view.case.version },
      payload: { entitlementId: ent.id, voucherSerial: null, confirmation: null },
      createdAt: (this.d.now ?? (() => new Date()))().toISOString(),
      offline: false,
    };
    this.d.outbox.enqueue(envelope);
    this.d.onQueued();
    return { commandId: envelope.commandId, syncState: 'pending' };
  }
}

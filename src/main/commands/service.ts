import { ulid } from 'ulid';
import { OPEN_APPROVAL_STATUSES, type IssueConfirmation } from '../../shared/domain/entities.js';
import { approvalId as approvalIdOf } from '../../shared/domain/ids.js';
import { checkCare, checkIssue, roomGroupId, scaleValue, type ControlRole, type MoneyCheck } from '../../shared/policy/index.js';
import { CHOICE_TYPES } from '../../shared/domain/case-status.js';
import type { IssueCareInput } from '../../shared/rpc/care-choice.js';
import type { ConfirmationInput, EntitlementView, Session } from '../../shared/rpc/contract.js';
import {
  COMMAND_PAYLOAD_SCHEMAS,
  entityRef,
  type CommandEnvelope,
  type CommandPayload,
  type CommandType,
} from '../../shared/sync/protocol.js';
import type { AttentionRow, Outbox, WaitingRow } from '../db/outbox.js';
import type { DeskIdentity } from '../desk/identity.js';
import { controlRole, type CacheQueries } from '../db/queries.js';
import { BadRequestError, CommandConflictError, ForbiddenError, NotFoundError } from '../errors.js';

export { CommandConflictError, ForbiddenError, BadRequestError } from '../errors.js';

export interface CommandServiceDeps {
  outbox: Outbox;
  queries: CacheQueries;
  deskId: string;
  /**
   * The desk's identity: signs every command for its author (and a release for its supervisor)
   * and hands out the voucher serials of offline issues. Without it (unit harnesses) commands
   * are queued unsigned and offline issues carry no serial.
   */
  desk?: Pick<DeskIdentity, 'sign' | 'signRelease' | 'takeSerial'>;
  /** Called after a command is durably queued (the sync engine pushes it). */
  onQueued: () => void;
  /** The sync engine's current state; false = the command is created offline (offline money rules). */
  isOnline?: () => boolean;
  now?: () => Date;
  newId?: () => string;
}

export interface CommandAck {
  commandId: string;
  syncState: 'pending';
}

/** Rejections of the money rules that mean "the request lacks something" rather than "not allowed". */
const MISSING_INPUT = new Set(['CONFIRMATION_REQUIRED', 'AGREEMENT_REQUIRED']);

/**
 * Turns user actions into commands: checks them against the cache, the user's role and
 * stations and the money rules (src/shared/policy/controls.ts, the same ones the server runs
 * again), stamps the versions the user saw and whether the desk is offline, and queues them
 * with their optimistic effect in one durable transaction.
 */
export class CommandService {
  /** Set while a retry queues its new command: runs inside the enqueue transaction. */
  private alsoInQueue: ((newCommandId: string) => void) | null = null;

  constructor(private readonly d: CommandServiceDeps) {}

  // --- needs-attention and other users' commands ------------------------------------------

  /** The signed-in user's unresolved needs-attention items (supervisors also see author-less ones). */
  attention(session: Session): AttentionRow[] {
    return this.d.outbox.attention(session.username, this.isSupervisor(session));
  }

  /**
   * Resolves a rejected command by re-creating it: the same action, checked again against the
   * cache now (throws if it no longer applies: the item stays open, dismiss it instead), with
   * fresh expected versions and a new ULID. The resolution is recorded in the same transaction
   * as the new command; then a note on the case puts the resolution in the server's audit trail.
   */
  retryAttention(commandId: string, session: Session): CommandAck & { noteCommandId: string | null } {
    const item = this.ownItem(commandId, session);
    this.alsoInQueue = (newId) => this.d.outbox.resolveAttention(commandId, session.username, 'retried', null, newId);
    let ack: CommandAck;
    try {
      ack = this.recreate(item.envelope, session);
    } finally {
      this.alsoInQueue = null;
    }
    const note = this.auditNote(
      item,
      `Needs-attention: ${session.username} retried ${item.type} ${item.commandId} (rejected ${item.code}: ${item.message}) as ${ack.commandId}.`,
      session,
    );
    return { ...ack, noteCommandId: note };
  }

  /** Resolves a rejected command by dismissing it with a note (recorded, and noted on the case). */
  dismissAttention(commandId: string, note: string, session: Session): { noteCommandId: string | null } {
    const item = this.ownItem(commandId, session);
    this.d.outbox.resolveAttention(commandId, session.username, 'dismissed', note);
    return {
      noteCommandId: this.auditNote(
        item,
        `Needs-attention: ${session.username} dismissed ${item.type} ${item.commandId} (rejected ${item.code}: ${item.message}). Note: ${note}`,
        session,
      ),
    };
  }

  /**
   * A supervisor (or admin) releases other users' queued commands: they are then pushed under
   * the supervisor's token (protocol unchanged: the server records the supervisor as the actor;
   * the author stays on the outbox row with who released it and when). Only commands of
   * stations the supervisor holds.
   */
  releaseCommands(commandIds: readonly string[], session: Session): { released: string[] } {
    if (!this.isSupervisor(session))
      throw new ForbiddenError('only supervisors and admins release other users’ commands', 'FORBIDDEN_ROLE');
    const desk = this.d.desk;
    const released = this.d.outbox.release(
      commandIds,
      session.username,
      (row) => {
        this.stationOf(session, `command ${row.commandId}`, [row.station]);
      },
      // The desk signs the release into the envelope: the server then accepts the command from this supervisor.
      desk ? (env, by, at) => desk.signRelease(env, by, at) : undefined,
    );
    if (released.length > 0) this.d.onQueued();
    return { released: released.map((r) => r.commandId) };
  }

  /** Other users' queued commands on this desk at the supervisor's stations, for a release decision (agents: refused). */
  waiting(session: Session): WaitingRow[] {
    if (!this.isSupervisor(session))
      throw new ForbiddenError('only supervisors and admins see other users’ queued commands', 'FORBIDDEN_ROLE');
    const all = session.stations.includes('*');
    return this.d.outbox.waiting(session.username).filter((w) => all || session.stations.includes(w.station));
  }

  private isSupervisor(session: Session): boolean {
    const role = controlRole(session.role);
    return role === 'supervisor' || role === 'admin';
  }

  private ownItem(commandId: string, session: Session): AttentionRow {
    const item = this.d.outbox.attentionItem(commandId);
    const mine =
      item !== undefined &&
      (item.createdBy === session.username || (item.createdBy === null && this.isSupervisor(session)));
    if (!item || !mine) throw new NotFoundError(`no needs-attention item ${commandId} for ${session.username}`);
    if (item.resolvedAt !== null) throw new CommandConflictError('this item is already resolved', 'ALREADY_RESOLVED');
    return item;
  }

  /** The same user action as `env`, through the same checks as when it was first made. */
  private recreate(env: CommandEnvelope, session: Session): CommandAck {
    const S = COMMAND_PAYLOAD_SCHEMAS;
    const input = (c: IssueConfirmation | null): ConfirmationInput | null =>
      c === null ? null : { paymentMethod: c.paymentMethod, passengerAgreement: c.passengerAgreement?.text ?? null };
    switch (env.type) {
      case 'issueEntitlement': {
        const p = S.issueEntitlement.parse(env.payload);
        const care: IssueCareInput | null = p.care
          ? {
              ...(p.care.nights !== undefined ? { nights: p.care.nights } : {}),
              ...(p.care.transfers !== undefined ? { transfers: p.care.transfers } : {}),
              ...(p.care.roomGroup ? { shareWith: p.care.roomGroup.passengerIds } : {}),
            }
          : null;
        return this.issueEntitlement(p.entitlementId, session, input(p.confirmation ?? null), care);
      }
      case 'recordChoice': {
        const p = S.recordChoice.parse(env.payload);
        return this.recordChoice(p.caseId, p.choice, p.reason, session);
      }
      case 'requestApproval': {
        const p = S.requestApproval.parse(env.payload);
        return this.requestApproval(p.entitlementId, p.reason, session, input(p.confirmation ?? null));
      }
      case 'decideApproval': {
        const p = S.decideApproval.parse(env.payload);
        return this.decideApproval(p.approvalId, p.decision, p.reason, session);
      }
      case 'voidIssuance': {
        const p = S.voidIssuance.parse(env.payload);
        return this.voidIssuance(p.issuanceId, p.reason, session);
      }
      case 'claimCase':
        return this.claimCase(S.claimCase.parse(env.payload).caseId, session);
      case 'releaseCase':
        return this.releaseCase(S.releaseCase.parse(env.payload).caseId, session);
      case 'assignCase': {
        const p = S.assignCase.parse(env.payload);
        return this.assignCase(p.caseId, p.assignee, session);
      }
      case 'closeCase': {
        const p = S.closeCase.parse(env.payload);
        return this.closeCase(p.caseId, p.reason, session);
      }
      case 'addCaseNote': {
        const p = S.addCaseNote.parse(env.payload);
        return this.addCaseNote(p.caseId, p.text, session);
      }
    }
  }

  /**
   * Queues a note on the item's case describing its resolution (the server's audit trail then
   * holds it). Skipped, with the local record kept, when the case is not this user's to write
   * (e.g. the rejection was FORBIDDEN_STATION) or not in the cache.
   */
  private auditNote(item: AttentionRow, text: string, session: Session): string | null {
    if (item.caseId === null) return null;
    try {
      return this.addCaseNote(item.caseId, text.slice(0, 2000), session).commandId;
    } catch (err) {
      if (err instanceof ForbiddenError || err instanceof NotFoundError) return null;
      throw err;
    }
  }

  private now(): Date {
    return (this.d.now ?? (() => new Date()))();
  }

  private online(): boolean {
    return this.d.isOnline ? this.d.isOnline() : true;
  }

  /** Issues an entitlement (the confirmation dialog's answer when the rules need one). */
  issueEntitlement(
    entitlementId: string,
    session: Session,
    input: ConfirmationInput | null = null,
    careInput: IssueCareInput | null = null,
  ): CommandAck {
    const role = this.role(session);
    const ent = this.offeredEntitlement(entitlementId);
    if (CHOICE_TYPES.has(ent.type))
      throw new CommandConflictError(
        'a rebooking-or-refund entitlement is not a voucher: record the passenger’s choice',
        'NOT_ISSUABLE',
      );
    const view = this.d.queries.caseView(ent.caseId);
    const station = this.stationOf(session, view.case.id, view.case.stations);
    this.notClosed(view.case.status);
    const offline = !this.online();
    const confirmation = this.confirmation(input, session);
    const at = this.d.queries.policyAt(ent.caseId);
    // Care details: the room group is named after the booking; checked here and again on the server.
    const care = this.careDetails(careInput, view.case.id, view.case.passengerId);
    const travellers = care?.roomGroup ? this.d.queries.coTravellers(view.case.id).travellers.map((t) => t.passengerId) : [];
    let careCheck: ReturnType<typeof checkCare>;
    try {
      careCheck = checkCare({
        policy: this.d.queries.policy(at),
        at,
        entitlement: ent,
        caseEntitlements: view.entitlements.map((e) => ({ ...e, status: e.effectiveStatus })),
        care: care ?? null,
        passengerId: view.case.passengerId,
        coTravellers: travellers,
      });
    } catch (err) {
      throw new CommandConflictError(`the care rules for this flight cannot be evaluated: ${(err as Error).message}`, 'NO_POLICY');
    }
    if (!careCheck.ok) throw new BadRequestError(careCheck.message, 'INVALID_CARE');
    const units = careCheck.units;
    const value = scaleValue(this.d.queries.valueOf(ent), units);
    const check = this.moneyCheck(() =>
      checkIssue({
        policy: this.d.queries.policy(at),
        at,
        role,
        entitlement: ent,
        offline,
        issuedTodayMinor: value ? this.d.queries.issuedTodayMinor(session.username, value.currency) : 0,
        confirmation,
        units,
      }),
    );
    if (!check.ok) throw this.moneyError(check);
    return this.queue(
      'issueEntitlement',
      station,
      { [entityRef('entitlement', ent.id)]: ent.version, ...this.caseExpectation(view.case.id, view.case.version) },
      { entitlementId: ent.id, voucherSerial: null, confirmation, ...(care ? { care } : {}) } satisfies CommandPayload<'issueEntitlement'>,
      session,
      offline,
    );
  }

  /** The payload's care details from the dialog's input (the room group named after the booking's PNR). */
  private careDetails(input: IssueCareInput | null, caseId: string, passengerId: string): CommandPayload<'issueEntitlement'>['care'] {
    if (input === null) return null;
    const share = input.shareWith ?? [];
    let roomGroup: { id: string; passengerIds: string[] } | null = null;
    if (share.length > 0) {
      const { pnr } = this.d.queries.coTravellers(caseId);
      if (pnr === null) throw new BadRequestError('the booking of this case is not in the cache', 'INVALID_CARE');
      roomGroup = { id: roomGroupId(pnr, [passengerId, ...share]), passengerIds: [...share] };
    }
    return {
      ...(input.nights !== undefined ? { nights: input.nights } : {}),
      ...(input.transfers !== undefined ? { transfers: input.transfers } : {}),
      ...(roomGroup ? { roomGroup } : {}),
    };
  }

  /**
   * Records the passenger's choice (refund or rebooking). Checked against the cache: the case is
   * open and the user's; the same choice again, or one already waiting to sync, is refused here
   * (the server treats a same-choice command as a no-op); a different recorded choice is changed
   * only by a supervisor or admin, with a reason (CHOICE_ALREADY_RECORDED for agents).
   */
  recordChoice(caseId: string, choice: 'refund' | 'rebook', reason: string | null, session: Session): CommandAck {
    const role = this.role(session);
    const { c, station } = this.openCase(caseId, session);
    const waiting = this.d.outbox
      .queued('recordChoice')
      .some((q) => (q.envelope.payload as { caseId?: unknown } | null)?.caseId === c.id);
    if (waiting) throw new CommandConflictError('a choice for this passenger is already waiting to sync', 'ALREADY_PENDING');
    const prev = c.passengerChoice ?? null;
    if (prev && prev.choice === choice)
      throw new CommandConflictError(`the passenger’s choice (${choice}) is already recorded`, 'CHOICE_ALREADY_RECORDED');
    if (prev && role === 'agent')
      throw new ForbiddenError(
        `the passenger already chose ${prev.choice} (recorded by ${prev.recordedBy}); a supervisor may change it`,
        'CHOICE_ALREADY_RECORDED',
      );
    if (prev && !reason) throw new BadRequestError('changing a recorded choice needs a reason', 'INVALID_PAYLOAD');
    return this.queue(
      'recordChoice',
      station,
      this.caseExpectation(c.id, c.version),
      { caseId: c.id, choice, reason } satisfies CommandPayload<'recordChoice'>,
      session,
      !this.online(),
    );
  }

  /** Asks a supervisor to approve an entitlement above the user's limit (with the payment method chosen now). */
  requestApproval(
    entitlementId: string,
    reason: string,
    session: Session,
    input: ConfirmationInput | null = null,
  ): CommandAck {
    const role = this.role(session);
    const ent = this.offeredEntitlement(entitlementId);
    if (ent.approval && OPEN_APPROVAL_STATUSES.includes(ent.approval.status))
      throw new CommandConflictError('an approval request for this entitlement is already open', 'ALREADY_PENDING');
    const view = this.d.queries.caseView(ent.caseId);
    const station = this.stationOf(session, view.case.id, view.case.stations);
    this.notClosed(view.case.status);
    const confirmation = this.confirmation(input, session);
    const value = this.d.queries.valueOf(ent);
    // Judged as if online: a request is only a request; the issuance happens on the server.
    const check = this.moneyCheck(() =>
      checkIssue({
        policy: this.d.queries.policy(this.d.queries.policyAt(ent.caseId)),
        at: this.d.queries.policyAt(ent.caseId),
        role,
        entitlement: ent,
        offline: false,
        issuedTodayMinor: value ? this.d.queries.issuedTodayMinor(session.username, value.currency) : 0,
        confirmation,
      }),
    );
    if (check.ok)
      throw new CommandConflictError(
        'this entitlement is within your limit: issue it directly, no approval is needed',
        'NOT_NEEDED',
      );
    if (check.code !== 'LIMIT_EXCEEDED' && check.code !== 'DAILY_LIMIT_EXCEEDED') throw this.moneyError(check);
    return this.queue(
      'requestApproval',
      station,
      { [entityRef('entitlement', ent.id)]: ent.version, ...this.caseExpectation(view.case.id, view.case.version) },
      { entitlementId: ent.id, reason, confirmation } satisfies CommandPayload<'requestApproval'>,
      session,
      !this.online(),
    );
  }

  /** A supervisor's decision; works from the cache while offline (the server re-checks on arrival). */
  decideApproval(approvalId: string, decision: 'approve' | 'deny', reason: string, session: Session): CommandAck {
    const role = this.role(session);
    const found = this.d.queries.approval(approvalId);
    if (!found) throw new NotFoundError(`approval ${approvalId} is not in this desk's cache`);
    const { approval: a, pendingDecision } = found;
    const station = this.stationOf(session, a.caseId, a.stations);
    // Four eyes first: it is the reason that applies to everyone, agents included.
    if (a.requestedBy === session.username) {
      throw new ForbiddenError(
        'you requested this approval yourself: another supervisor must decide it (four eyes)',
        'SELF_APPROVAL',
      );
    }
    if (role === 'agent') throw new ForbiddenError('only supervisors and admins decide approvals', 'FORBIDDEN_ROLE');
    if (pendingDecision !== null)
      throw new CommandConflictError(
        `your decision (${pendingDecision}) on this request is already waiting to sync`,
        'ALREADY_PENDING',
      );
    if (!OPEN_APPROVAL_STATUSES.includes(a.status))
      throw new CommandConflictError(`this request is already ${a.status.toLowerCase()}`, 'ALREADY_DECIDED');
    if (decision === 'approve') {
      if (a.level === 'admin' && role !== 'admin')
        throw new ForbiddenError(
          'this request was escalated to an admin (above the supervisors’ limit)',
          'ABOVE_APPROVER_LIMIT',
        );
      const check = this.d.queries.approverCheck(role, a);
      if (!check.ok) throw new ForbiddenError(check.message, check.code);
    }
    const expected: Record<string, number> = { [entityRef('approval', a.id)]: a.version };
    const ent = this.d.queries.entitlement(a.entitlementId);
    if (ent) expected[entityRef('entitlement', ent.id)] = ent.version;
    const c = this.caseVersion(a.caseId);
    if (c !== undefined) Object.assign(expected, this.caseExpectation(a.caseId, c));
    return this.queue(
      'decideApproval',
      station,
      expected,
      { approvalId: a.id, decision, reason } satisfies CommandPayload<'decideApproval'>,
      session,
      !this.online(),
    );
  }

  /** Voids an unredeemed issuance (supervisor); the entitlement can then be issued again. */
  voidIssuance(issuanceId: string, reason: string, session: Session): CommandAck {
    const role = this.role(session);
    const found = this.d.queries.issuance(issuanceId);
    if (!found) throw new NotFoundError(`issuance ${issuanceId} is not in this desk's cache`);
    const { issuance: iss, voidPending } = found;
    const view = this.d.queries.caseView(iss.caseId);
    const station = this.stationOf(session, view.case.id, view.case.stations);
    if (role === 'agent') throw new ForbiddenError('only supervisors and admins void an issuance', 'FORBIDDEN_ROLE');
    if (iss.status !== 'VALID') throw new CommandConflictError('this issuance is already void', 'NOT_VOIDABLE');
    if (voidPending)
      throw new CommandConflictError('a void of this issuance is already waiting to sync', 'ALREADY_PENDING');
    if (iss.redeemedAt !== null)
      throw new CommandConflictError(
        `this voucher was redeemed at ${iss.redeemedAt}: it cannot be voided`,
        'ALREADY_REDEEMED',
      );
    const expected: Record<string, number> = {
      [entityRef('issuance', iss.id)]: iss.version,
      ...this.caseExpectation(view.case.id, view.case.version),
    };
    const ent = this.d.queries.entitlement(iss.entitlementId);
    if (ent) expected[entityRef('entitlement', ent.id)] = ent.version;
    return this.queue(
      'voidIssuance',
      station,
      expected,
      { issuanceId: iss.id, reason } satisfies CommandPayload<'voidIssuance'>,
      session,
      !this.online(),
    );
  }

  claimCase(caseId: string, session: Session): CommandAck {
    this.role(session);
    const { c, station } = this.openCase(caseId, session);
    if (c.assignee === session.username) throw new CommandConflictError('this case is already yours');
    if (c.assignee !== null && session.role === 'agent')
      throw new CommandConflictError(
        `this case is held by ${c.assignee}; ask them or a supervisor to release or reassign it`,
        'NOT_ASSIGNEE',
      );
    return this.queue(
      'claimCase',
      station,
      this.caseExpectation(c.id, c.version),
      { caseId: c.id },
      session,
      !this.online(),
    );
  }

  releaseCase(caseId: string, session: Session): CommandAck {
    this.role(session);
    const { c, station } = this.openCase(caseId, session);
    if (c.assignee === null) throw new CommandConflictError('nobody holds this case');
    if (c.assignee !== session.username && session.role === 'agent')
      throw new ForbiddenError(`this case is held by ${c.assignee}, not by you`, 'NOT_ASSIGNEE');
    return this.queue(
      'releaseCase',
      station,
      this.caseExpectation(c.id, c.version),
      { caseId: c.id },
      session,
      !this.online(),
    );
  }

  assignCase(caseId: string, assignee: string, session: Session): CommandAck {
    const role = this.role(session);
    if (role === 'agent')
      throw new ForbiddenError('only supervisors and admins assign cases (agents claim them)', 'FORBIDDEN_ROLE');
    const { c, station } = this.openCase(caseId, session);
    if (c.assignee === assignee) throw new CommandConflictError(`this case is already assigned to ${assignee}`);
    return this.queue(
      'assignCase',
      station,
      this.caseExpectation(c.id, c.version),
      { caseId: c.id, assignee },
      session,
      !this.online(),
    );
  }

  closeCase(caseId: string, reason: string, session: Session): CommandAck {
    this.role(session);
    const { c, station } = this.openCase(caseId, session);
    if (c.assignee !== null && c.assignee !== session.username && session.role === 'agent') {
      throw new ForbiddenError(`this case is held by ${c.assignee}, not by you`, 'NOT_ASSIGNEE');
    }
    return this.queue(
      'closeCase',
      station,
      this.caseExpectation(c.id, c.version),
      { caseId: c.id, reason },
      session,
      !this.online(),
    );
  }

  addCaseNote(caseId: string, text: string, session: Session): CommandAck {
    this.role(session);
    const view = this.d.queries.caseView(caseId);
    const station = this.stationOf(session, view.case.id, view.case.stations);
    // A note never conflicts with other changes of the case: no expected version.
    return this.queue('addCaseNote', station, {}, { caseId: view.case.id, text }, session, !this.online());
  }

  // ---------------------------------------------------------------------------------------

  private role(session: Session): ControlRole {
    const role = controlRole(session.role);
    if (role === null)
      throw new ForbiddenError('your account has no Jetway role (agent, supervisor or admin)', 'FORBIDDEN_ROLE');
    return role;
  }

  private stationOf(session: Session, what: string, stations: readonly string[]): string {
    const station = session.stations.includes('*') ? stations[0] : stations.find((s) => session.stations.includes(s));
    if (!station)
      throw new ForbiddenError(`${what} belongs to ${stations.join('/')}, not to your stations`, 'FORBIDDEN_STATION');
    return station;
  }

  private notClosed(status: string): void {
    if (status === 'CLOSED') throw new CommandConflictError('this case is closed', 'CASE_CLOSED');
  }

  private openCase(
    caseId: string,
    session: Session,
  ): { c: ReturnType<CacheQueries['caseView']>['case']; station: string } {
    const view = this.d.queries.caseView(caseId);
    const station = this.stationOf(session, view.case.id, view.case.stations);
    this.notClosed(view.case.status);
    return { c: view.case, station };
  }

  /**
   * The case version the user saw, as an expectation, unless this desk already queued a command on
   * the case: the server bumps the case's version when it applies that one, and the user's view
   * already included it (optimistically), so the stacked command must not fail for it.
   */
  private caseExpectation(caseId: string, version: number): Record<string, number> {
    const ref = entityRef('case', caseId);
    return this.d.outbox.touches(ref) ? {} : { [ref]: version };
  }

  private caseVersion(caseId: string): number | undefined {
    try {
      return this.d.queries.caseView(caseId).case.version;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  private offeredEntitlement(entitlementId: string): EntitlementView {
    const ent = this.d.queries.entitlement(entitlementId);
    if (!ent) throw new NotFoundError(`entitlement ${entitlementId} is not in this desk's cache`);
    if (ent.syncState === 'pending')
      throw new CommandConflictError('a change of this entitlement is already waiting to sync', 'ALREADY_PENDING');
    if (ent.status === 'ISSUED') throw new CommandConflictError('this entitlement is already issued', 'ALREADY_ISSUED');
    if (ent.status === 'PENDING_APPROVAL')
      throw new CommandConflictError('this entitlement is waiting for a supervisor’s decision', 'ALREADY_PENDING');
    if (ent.status !== 'OFFERED')
      throw new CommandConflictError(`cannot issue an entitlement in status ${ent.status}`, 'NOT_ISSUABLE');
    return ent;
  }

  /** The dialog's answer, stamped with the time and the recording user. */
  private confirmation(input: ConfirmationInput | null, session: Session): IssueConfirmation | null {
    if (input === null) return null;
    const at = this.now().toISOString();
    return {
      confirmedAt: at,
      paymentMethod: input.paymentMethod,
      passengerAgreement: input.passengerAgreement
        ? { text: input.passengerAgreement, recordedBy: session.username, recordedAt: at }
        : null,
    };
  }

  private moneyCheck(fn: () => MoneyCheck): MoneyCheck {
    try {
      return fn();
    } catch (err) {
      // No money controls in the policy in force: refuse rather than guess.
      throw new CommandConflictError(
        `the money rules for this flight cannot be evaluated: ${(err as Error).message}`,
        'NO_POLICY',
      );
    }
  }

  private moneyError(check: Extract<MoneyCheck, { ok: false }>): Error {
    if (MISSING_INPUT.has(check.code)) return new BadRequestError(check.message, check.code);
    if (check.code === 'FORBIDDEN_ROLE') return new ForbiddenError(check.message, check.code);
    return new CommandConflictError(check.message, check.code);
  }

  private queue(
    type: CommandType,
    station: string,
    expectedVersions: Record<string, number>,
    payload: unknown,
    session: Session,
    offline: boolean,
  ): CommandAck {
    const base: CommandEnvelope = {
      commandId: (this.d.newId ?? ulid)(),
      type,
      schemaVersion: 1,
      deskId: this.d.deskId,
      station,
      expectedVersions,
      payload,
      createdAt: this.now().toISOString(),
      offline,
    };
    const also = this.alsoInQueue;
    this.alsoInQueue = null; // only the command being retried, not the note that follows
    const desk = this.d.desk;
    // Built inside the queuing transaction: an offline issue takes the next serial of the desk's
    // block (consumed only if the command is queued; none left → NO_SERIALS, nothing queued),
    // then the desk signs the command for its author.
    const build = (): CommandEnvelope => {
      let env = base;
      if (desk && type === 'issueEntitlement' && offline) {
        const p = COMMAND_PAYLOAD_SCHEMAS.issueEntitlement.parse(base.payload);
        if (p.voucherSerial === null) env = { ...base, payload: { ...p, voucherSerial: desk.takeSerial() } };
      }
      return desk ? desk.sign(env, session.username) : env;
    };
    this.d.outbox.enqueue(build, session.username, also ? () => also(base.commandId) : undefined);
    this.d.onQueued();
    return { commandId: base.commandId, syncState: 'pending' };
  }
}

/** The approval id a requestApproval command will create (the server names it after the command). */
export const approvalIdFor = (ack: CommandAck): string => approvalIdOf(ack.commandId);

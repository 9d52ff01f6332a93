import { entityRef, type CommandEnvelope, type CommandResult } from '../../../../src/shared/sync/protocol.js';
import { approvalId as approvalIdOf, type Approval, type Case, type Entitlement } from '../../../../src/shared/domain/index.js';
import {
  approvalDeadlines,
  checkApprover,
  checkIssue,
  entitlementValue,
  needsAgreement,
  needsConfirmation,
  treatAsOffline,
} from '../../../../src/shared/policy/controls.js';
import type { Principal } from '../auth/verifier.js';
import { putChange, type TransactItem } from '../../data/changelog.js';
import { policySetAt } from '../../data/policy-store.js';
import { getApproval, getCase, getEntitlement, getFlight, getPassenger, items } from '../../data/repositories.js';
import { notifyPassenger } from '../../notify/passenger.js';
import { holdsAnyStation, roleOf } from '../principal.js';
import { buildIssue, issueAuditDetails, sendVoucher } from './issue-core.js';
import { loadIssuable } from './entitlement-checks.js';
import { casePut, nextCase, runCommand, withEntitlement, type CommandDeps, type Plan } from './run.js';

/** The approval written with a condition: still open and unchanged since it was read (one decision wins). */
function approvalPut(table: string, prev: Approval, next: Approval): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: items.approval(next),
      ConditionExpression: '#s IN (:pending, :escalated) AND #v = :v',
      ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':escalated': 'ESCALATED', ':v': prev.version },
    },
  };
}

function entitlementPut(table: string, prev: Entitlement, next: Entitlement): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: items.entitlement(next),
      ConditionExpression: '#v = :v AND #s = :from',
      ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
      ExpressionAttributeValues: { ':v': prev.version, ':from': prev.status },
    },
  };
}

/**
 * An approval, its entitlement and (when its status changes) its case, written together: the
 * items, change-log changes and command effects of one transaction. `prev` null = a new approval.
 */
function approvalWrites(
  table: string,
  a: { prev: Approval | null; next: Approval },
  e: { prev: Entitlement; next: Entitlement },
  c: { prev: Case; next: Case | null },
): Pick<Plan, 'items' | 'changes' | 'effects'> {
  const approvalItem: TransactItem = a.prev
    ? approvalPut(table, a.prev, a.next)
    : { Put: { TableName: table, Item: items.approval(a.next), ConditionExpression: 'attribute_not_exists(PK)' } };
  return {
    items: [approvalItem, entitlementPut(table, e.prev, e.next), ...(c.next ? [casePut(table, c.prev, c.next)] : [])],
    changes: [
      putChange('approval', a.next),
      putChange('entitlement', e.next),
      ...(c.next ? [putChange('case', c.next)] : []),
    ],
    effects: [
      { ref: entityRef('approval', a.next.id), version: a.next.version },
      { ref: entityRef('entitlement', e.next.id), version: e.next.version },
      ...(c.next ? [{ ref: entityRef('case', c.next.id), version: c.next.version }] : []),
    ],
  };
}

const warn = (deps: CommandDeps, what: string) => (e: unknown) => deps.log.warn(what, { error: (e as Error).message });

/**
 * requestApproval: an agent asks a supervisor to approve an entitlement above their limit. ONE
 * transaction: command record, `APPROVAL#APR-<ulid>` (PENDING, amount = the entitlement's value,
 * deadlines from the policy, level `admin` above the supervisors' own limit), entitlement
 * OFFERED → PENDING_APPROVAL (version condition), case status, audit `approval_requested`. Then
 * the approval workflow starts (a failure is logged: the workflow's registry re-drives it).
 */
export async function requestApproval(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
): Promise<CommandResult> {
  const start = async (id: string) => {
    const a = await getApproval(deps.ctx, id);
    if (a && (a.status === 'PENDING' || a.status === 'ESCALATED')) await deps.approvals?.start(a);
  };
  return runCommand(
    deps,
    principal,
    env,
    'requestApproval',
    async (run) => {
      const { ctx } = deps;
      const p = run.payload;
      const checked = await loadIssuable(run, p.entitlementId, 'request approvals');
      if (checked.kind === 'refuse') return checked;
      const { loaded, ent, kase, stations, flight } = checked;
      const at = flight.scheduledDeparture;
      const policy = await policySetAt(deps, at);
      if (needsConfirmation(policy, ent, at) && !p.confirmation) {
        return run.refuse(
          stations,
          'CONFIRMATION_REQUIRED',
          'the request needs the confirmation (amount, regime, payment method) the issuance will use',
        );
      }
      if (
        p.confirmation &&
        needsAgreement(policy, ent, p.confirmation.paymentMethod, at) &&
        !p.confirmation.passengerAgreement
      ) {
        return run.refuse(
          stations,
          'AGREEMENT_REQUIRED',
          `${ent.regime} cash paid as a travel voucher needs the passenger's recorded agreement`,
        );
      }
      const now = run.now.toISOString();
      const value = entitlementValue(policy, ent, at);
      const approval: Approval = {
        id: approvalIdOf(env.commandId),
        caseId: kase.id,
        entitlementId: ent.id,
        stations,
        regime: ent.regime,
        type: ent.type,
        amount: value,
        requestedBy: principal.username,
        requestedAt: now,
        reason: p.reason,
        confirmation: p.confirmation,
        status: 'PENDING',
        level: checkApprover(policy, 'supervisor', value, at).ok ? 'supervisor' : 'admin',
        ...approvalDeadlines(policy, at, run.now),
        escalatedAt: null,
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        issuanceId: null,
        version: 1,
      };
      const entNext: Entitlement = { ...ent, status: 'PENDING_APPROVAL', version: ent.version + 1 };
      const caseNext = nextCase(kase, withEntitlement(loaded.entitlements, entNext), {}, now);
      return {
        kind: 'commit',
        stations,
        ...approvalWrites(
          ctx.table,
          { prev: null, next: approval },
          { prev: ent, next: entNext },
          { prev: kase, next: caseNext },
        ),
        audit: {
          head: loaded.head,
          input: {
            caseId: kase.id,
            actor: principal.username,
            action: 'approval_requested',
            commandId: env.commandId,
            details: {
              approvalId: approval.id,
              entitlementId: ent.id,
              type: ent.type,
              amountMinor: value?.amountMinor ?? null,
              currency: value?.currency ?? null,
              regime: ent.regime,
              clauses: ent.clauses.map((c) => c.id).join(','),
              reason: p.reason,
              level: approval.level,
              paymentMethod: p.confirmation?.paymentMethod ?? null,
              offline: treatAsOffline(policy, at, env, run.now),
            },
            at: now,
          },
        },
        after: async () => {
          await deps.approvals
            ?.start(approval)
            .catch(warn(deps, 'approval workflow start failed; the workflow registry re-drives it'));
        },
      };
    },
    {
      onReplay: async (stored) => {
        if (stored.status === 'applied') await start(approvalIdOf(env.commandId));
      },
    },
  );
}

/**
 * decideApproval: a supervisor (or admin) approves or denies. Refused: unknown id
 * (UNKNOWN_APPROVAL), the requester themself (SELF_APPROVAL, admins included), agents
 * (FORBIDDEN_ROLE), decided (ALREADY_DECIDED), expired (APPROVAL_EXPIRED). Approving above the
 * approver's own limit is refused ABOVE_APPROVER_LIMIT and escalates the request to an admin in
 * the same transaction. Approve: approval APPROVED (condition: still open, same version) + the
 * issue transaction's items (as issueEntitlement) + audit; then one voucher email. Deny: approval
 * DENIED, entitlement DENIED, audit; the passenger is told by email where their channels allow.
 * A decision made offline goes through the same checks when it arrives; the issuance itself
 * happens here, online.
 */
export async function decideApproval(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
): Promise<CommandResult> {
  const afterDecision = async (approvalId: string, result: CommandResult) => {
    if (result.status !== 'applied') return;
    const a = await getApproval(deps.ctx, approvalId);
    if (!a) return;
    if (a.status === 'APPROVED')
      await sendVoucher(deps, result).catch(warn(deps, 'voucher email failed; a replay of the command retries it'));
    if (a.status === 'DENIED')
      await sendDenial(deps, a).catch(warn(deps, 'denial email failed; a replay of the command retries it'));
    await deps.approvals?.decided(a).catch(warn(deps, 'approval workflow completion failed'));
  };
  const approvalOf = (r: CommandResult) =>
    r.effects.find((e) => e.ref.startsWith('approval:'))?.ref.slice('approval:'.length) ?? null;
  return runCommand(
    deps,
    principal,
    env,
    'decideApproval',
    async (run) => {
      const { ctx } = deps;
      const p = run.payload;
      const approval = await getApproval(ctx, p.approvalId);
      if (!approval) return run.refuse([env.station], 'UNKNOWN_APPROVAL', `no approval request ${p.approvalId}`);
      const stations = approval.stations;
      if (!holdsAnyStation(principal, stations))
        return run.refuse([env.station], 'FORBIDDEN_STATION', 'the request belongs to stations you do not hold');
      const role = roleOf(principal);
      if (approval.requestedBy === principal.username)
        return run.refuse(stations, 'SELF_APPROVAL', 'you cannot decide your own request (four eyes)');
      if (!role || role === 'agent')
        return run.refuse(stations, 'FORBIDDEN_ROLE', 'only supervisors and admins decide approvals');
      if (approval.status === 'APPROVED' || approval.status === 'DENIED') {
        return run.refuse(
          stations,
          'ALREADY_DECIDED',
          `already ${approval.status.toLowerCase()} by ${approval.decidedBy ?? 'someone else'}`,
        );
      }
      if (approval.status === 'EXPIRED' || run.now.getTime() > Date.parse(approval.expireAt)) {
        return run.refuse(
          stations,
          'APPROVAL_EXPIRED',
          `the request expired at ${approval.expireAt}; the agent can request again`,
        );
      }
      const loaded = await run.loadCase(approval.caseId);
      const ent = loaded?.entitlements.find((e) => e.id === approval.entitlementId);
      if (!loaded || !ent) return run.refuse(stations, 'NOT_FOUND', 'the entitlement of this request was not found');
      if (ent.status !== 'PENDING_APPROVAL') {
        // Another supervisor may have decided between our two reads: say so, not "not issuable".
        const latest = await getApproval(ctx, p.approvalId);
        if (latest && (latest.status === 'APPROVED' || latest.status === 'DENIED'))
          return run.refuse(
            stations,
            'ALREADY_DECIDED',
            `already ${latest.status.toLowerCase()} by ${latest.decidedBy ?? 'someone else'}`,
          );
        if (latest?.status === 'EXPIRED')
          return run.refuse(
            stations,
            'APPROVAL_EXPIRED',
            `the request expired at ${latest.expireAt}; the agent can request again`,
          );
        return run.refuse(stations, 'NOT_ISSUABLE', `the entitlement is ${ent.status}, not waiting for approval`);
      }
      const kase = loaded.case;
      const flight = await getFlight(ctx, kase.flightId);
      if (!flight) return run.refuse(stations, 'NOT_FOUND', 'flight not found');
      const at = flight.scheduledDeparture;
      const policy = await policySetAt(deps, at);
      const now = run.now.toISOString();
      const decidedOffline = treatAsOffline(policy, at, env, run.now);
      const decided: Approval = {
        ...approval,
        decidedBy: principal.username,
        decidedAt: now,
        decisionReason: p.reason,
        version: approval.version + 1,
      };
      const baseDetails = {
        approvalId: approval.id,
        entitlementId: ent.id,
        reason: p.reason,
        decidedOffline,
        requestedBy: approval.requestedBy,
      };

      if (p.decision === 'deny') {
        const next: Approval = { ...decided, status: 'DENIED' };
        const entNext: Entitlement = { ...ent, status: 'DENIED', version: ent.version + 1 };
        const caseNext = nextCase(kase, withEntitlement(loaded.entitlements, entNext), {}, now);
        return {
          kind: 'commit',
          stations,
          ...approvalWrites(
            ctx.table,
            { prev: approval, next },
            { prev: ent, next: entNext },
            { prev: kase, next: caseNext },
          ),
          audit: {
            head: loaded.head,
            input: {
              caseId: kase.id,
              actor: principal.username,
              action: 'approval_denied',
              commandId: env.commandId,
              details: baseDetails,
              at: now,
            },
          },
          after: (result) => afterDecision(next.id, result),
        };
      }

      const approver = checkApprover(policy, role, approval.amount, at);
      if (!approver.ok) {
        if (approval.level === 'admin' && approval.status === 'ESCALATED')
          return run.refuse(stations, approver.code, approver.message);
        // Above this approver's own limit: refused, and the request goes to an admin (same transaction).
        const next: Approval = {
          ...approval,
          level: 'admin',
          status: 'ESCALATED',
          escalatedAt: approval.escalatedAt ?? now,
          version: approval.version + 1,
        };
        return {
          kind: 'commit',
          stations,
          items: [approvalPut(ctx.table, approval, next)],
          changes: [putChange('approval', next)],
          effects: [{ ref: entityRef('approval', next.id), version: next.version }],
          rejection: { code: 'ABOVE_APPROVER_LIMIT', message: approver.message },
          audit: {
            head: loaded.head,
            input: {
              caseId: kase.id,
              actor: principal.username,
              action: 'approval_escalated',
              commandId: env.commandId,
              details: { ...baseDetails, level: 'admin', why: 'above the approver limit' },
              at: now,
            },
          },
        };
      }
      const value = approval.amount ?? entitlementValue(policy, ent, at);
      // The issuance happens here, online: offline rules concern the desk that would hand out money.
      const check = checkIssue({
        policy,
        at,
        role,
        entitlement: ent,
        offline: false,
        issuedTodayMinor: 0,
        confirmation: approval.confirmation,
        approved: true,
      });
      if (!check.ok) return run.refuse(stations, check.code, check.message);
      const w = buildIssue({
        ctx,
        env,
        user: principal.username,
        kase,
        entitlements: loaded.entitlements,
        ent,
        fromStatus: 'PENDING_APPROVAL',
        deskSerial: null,
        confirmation: approval.confirmation,
        offline: false,
        approvalId: approval.id,
        count: value,
        dailyMax: null,
        now,
      });
      const next: Approval = { ...decided, status: 'APPROVED', issuanceId: w.issuance.id };
      return {
        kind: 'commit',
        stations,
        items: [approvalPut(ctx.table, approval, next), ...w.items],
        changes: [putChange('approval', next), ...w.changes],
        effects: [{ ref: entityRef('approval', next.id), version: next.version }, ...w.effects],
        audit: {
          head: loaded.head,
          input: {
            caseId: kase.id,
            actor: principal.username,
            action: 'approval_approved',
            commandId: env.commandId,
            details: { ...issueAuditDetails(w, ent, value), ...baseDetails },
            at: now,
          },
        },
        onConditionFailed: (f) => {
          const shifted = f.map((i) => i - 1);
          if (
            f.includes(0) ||
            shifted.includes(w.at.entitlement) ||
            (w.at.case !== null && shifted.includes(w.at.case))
          )
            return null;
          if (shifted.includes(w.at.unique))
            return run.refuse(
              stations,
              'ALREADY_ISSUED',
              `a ${ent.type} (${ent.carePeriod}) was already issued to this passenger for this disruption`,
            );
          return null;
        },
        after: (result) => afterDecision(next.id, result),
      };
    },
    {
      onReplay: async (stored) => {
        const id = approvalOf(stored);
        if (id) await afterDecision(id, stored);
      },
    },
  );
}

/** The passenger is told of a denial once (outbox), on their channels and in their language; the trail records it. */
async function sendDenial(deps: CommandDeps, a: Approval): Promise<void> {
  const ent = await getEntitlement(deps.ctx, a.entitlementId);
  const kase = await getCase(deps.ctx, a.caseId);
  if (!ent || !kase) return;
  const passenger = await getPassenger(deps.ctx, kase.passengerId);
  const flight = await getFlight(deps.ctx, kase.flightId);
  if (!passenger || !flight) return;
  const r = await notifyPassenger({ notifier: deps.notifier, log: deps.log }, passenger, {
    changeId: `${a.id}:denied`,
    topic: 'approval:denied',
    caseId: a.caseId,
    facts: { flight, entitlementType: ent.type, amount: a.amount, reason: a.decisionReason ?? '-' },
  });
  if (r.failed) throw new Error('denial message not delivered yet; the outbox retries it');
}

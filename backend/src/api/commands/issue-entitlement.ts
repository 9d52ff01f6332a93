import type { CommandEnvelope, CommandResult } from '../../../../src/shared/sync/protocol.js';
import {
  checkIssue,
  dailyLimit,
  entitlementValue,
  isCashType,
  treatAsOffline,
} from '../../../../src/shared/policy/controls.js';
import { checkCare, scaleValue } from '../../../../src/shared/policy/care.js';
import { coTravellersOf } from './care-checks.js';
import { CHOICE_TYPES } from '../../../../src/shared/domain/case-status.js';
import type { Principal } from '../auth/verifier.js';
import { getUserDayTotal } from '../../data/repositories.js';
import { policySetAt } from '../../data/policy-store.js';
import { getSerialBlock } from '../../data/desks.js';
import type { DataContext } from '../../data/client.js';
import { parseBlockSerial } from '../../../../src/shared/sync/desk-signing.js';
import { buildIssue, issueAuditDetails, sendVoucher, serialDuplicateItem } from './issue-core.js';
import { loadIssuable } from './entitlement-checks.js';
import { runCommand, utcDay, type CommandDeps } from './run.js';

export type { CommandDeps } from './run.js';

/**
 * The disruption workflow's own principal (auto-issue.ts): `sub` "system" never comes from
 * Cognito (its subs are UUIDs) and `system:` usernames are ours.
 */
export const isSystemPrincipal = (p: Principal): boolean => p.sub === 'system' && p.username.startsWith('system:');

/**
 * issueEntitlement: reads and checks (scope, role, expected version, money controls via
 * checkIssue: confirmation, agreement, offline cash, offline cap, approval limit, daily limit),
 * then ONE TransactWriteItems — command record, `ISSUEKEY#` uniqueness, issuance (with the
 * confirmation), entitlement ISSUED (version condition), `SERIAL#` (every serial, desk-supplied or
 * not), the issuer's `USERDAY#` counter (condition: stays within the daily limit), the case status
 * (version condition) and the audit entry `issued` — plus the change-log entries of the case's
 * stations. Then the voucher email, at most once per issuance.
 *
 * The workflow's automatic care (system principal): only entitlements the policy marks automatic
 * and never cash. The policy itself authorised them, so the confirmation dialog (there is no
 * person to show it to), the approval limit and the daily total do not apply — a person's daily
 * limit would stop a large cancellation's meal vouchers half way. Serial, uniqueness, audit apply.
 */
export async function issueEntitlement(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
): Promise<CommandResult> {
  return runCommand(
    deps,
    principal,
    env,
    'issueEntitlement',
    async (run) => {
      const { ctx } = deps;
      const p = run.payload;
      const checked = await loadIssuable(run, p.entitlementId, 'issue entitlements');
      if (checked.kind === 'refuse') return checked;
      const { loaded, ent, kase, stations, role, flight } = checked;
      if (CHOICE_TYPES.has(ent.type))
        return run.refuse(stations, 'NOT_ISSUABLE', 'a rebooking-or-refund entitlement is not a voucher: record the passenger’s choice');
      const system = isSystemPrincipal(principal);
      if (system && (!ent.automatic || isCashType(ent.type)))
        return run.refuse(stations, 'FORBIDDEN_ROLE', 'the workflow issues only automatic care');

      // A desk-supplied serial must come from a block allocated to THIS desk (uniqueness: SERIAL#).
      if (p.voucherSerial !== null) {
        const refusal = await serialRefusal(ctx, env.deskId, p.voucherSerial);
        if (refusal) return run.refuse(stations, 'SERIAL_NOT_ALLOCATED', refusal);
      }

      const at = flight.scheduledDeparture;
      // The policy version in force at the flight's departure (policy store), as the decision used.
      const policy = await policySetAt(deps, at);
      const now = run.now.toISOString();
      const offline = !system && treatAsOffline(policy, at, env, run.now);
      // Care details (hotel nights and shared room, transport transfers): checked, then counted.
      const care = p.care ?? null;
      const travellers = care?.roomGroup ? await coTravellersOf(ctx, kase) : { pnr: null, passengerIds: [] };
      const careCheck = checkCare({
        policy,
        at,
        entitlement: ent,
        caseEntitlements: loaded.entitlements,
        care,
        passengerId: kase.passengerId,
        coTravellers: travellers.passengerIds,
      });
      if (!careCheck.ok) return run.refuse(stations, 'INVALID_CARE', careCheck.message);
      if (care?.roomGroup && travellers.pnr && !care.roomGroup.id.toUpperCase().startsWith(`RG-${travellers.pnr.toUpperCase()}-`))
        return run.refuse(stations, 'INVALID_CARE', `a room group of booking ${travellers.pnr} is named RG-${travellers.pnr}-…`);
      const units = careCheck.units;
      const value = scaleValue(entitlementValue(policy, ent, at), units);
      const issuedToday =
        value && !system ? await getUserDayTotal(ctx, principal.username, utcDay(now), value.currency) : 0;
      const check = checkIssue({
        policy,
        at,
        role,
        entitlement: ent,
        offline,
        issuedTodayMinor: issuedToday,
        confirmation: system ? { paymentMethod: 'in_kind_voucher', passengerAgreement: null } : p.confirmation,
        approved: system,
        units,
      });
      if (!check.ok) return run.refuse(stations, check.code, check.message);

      const w = buildIssue({
        ctx,
        env,
        user: principal.username,
        kase,
        entitlements: loaded.entitlements,
        ent,
        fromStatus: 'OFFERED',
        deskSerial: p.voucherSerial,
        confirmation: system ? null : p.confirmation,
        offline,
        approvalId: null,
        count: system ? null : value,
        dailyMax: system || !value ? null : dailyLimit(policy, role, value.currency, at),
        now,
        care,
      });
      return {
        kind: 'commit',
        stations,
        items: w.items,
        changes: w.changes,
        effects: w.effects,
        audit: {
          head: loaded.head,
          input: {
            caseId: kase.id,
            actor: principal.username,
            action: 'issued',
            commandId: env.commandId,
            details: issueAuditDetails(w, ent, value),
            at: now,
          },
        },
        onConditionFailed: (f) => {
          // The entitlement or the case moved: read again (→ ALREADY_ISSUED / VERSION_CONFLICT or applied).
          if (f.includes(w.at.entitlement) || (w.at.case !== null && f.includes(w.at.case))) return null;
          // The uniqueness item exists but this entitlement is not issued: another entitlement of the
          // same type and care period (e.g. a second regime's meal) was issued for this disruption.
          if (f.includes(w.at.unique))
            return run.refuse(
              stations,
              'ALREADY_ISSUED',
              `a ${ent.type} (${ent.carePeriod}) was already issued to this passenger for this disruption`,
            );
          if (f.includes(w.at.serial)) {
            // A server-generated serial collided (practically never): try again with a new one.
            if (!p.voucherSerial) return null;
            return run.refuse(
              stations,
              'DUPLICATE_SERIAL',
              `voucher serial ${p.voucherSerial} was already handed out; the duplicate is recorded for a supervisor`,
              [serialDuplicateItem(ctx.table, env, principal.username, p.voucherSerial, ent.id, now)],
            );
          }
          if (w.at.daily !== null && f.includes(w.at.daily) && value) {
            return run.refuse(
              stations,
              'DAILY_LIMIT_EXCEEDED',
              `above the ${role} daily limit in ${value.currency}; request approval`,
            );
          }
          return null;
        },
        after: async (result) => {
          deps.log.info('entitlement issued', {
            commandId: env.commandId,
            entitlementId: ent.id,
            issuanceId: w.issuance.id,
          });
          await sendVoucher(deps, result, w.issuance);
        },
      };
    },
    { onReplay: (stored) => sendVoucher(deps, stored) },
  );
}

/** Why a desk-supplied serial is not this desk's to use (null: it is from one of its blocks). */
async function serialRefusal(ctx: DataContext, deskId: string, serial: string): Promise<string | null> {
  const parsed = parseBlockSerial(serial);
  if (!parsed) return `voucher serial ${serial} is not from a desk serial block (JW-B<block>-<n>)`;
  const block = await getSerialBlock(ctx, parsed.blockNo);
  if (!block || block.deskId !== deskId || parsed.n > block.count)
    return `voucher serial ${serial} was not allocated to desk ${deskId}`;
  return null;
}

import { entityRef, type CommandEnvelope, type CommandResult } from '../../../../src/shared/sync/protocol.js';
import type { Entitlement, Issuance } from '../../../../src/shared/domain/index.js';
import type { Principal } from '../auth/verifier.js';
import { putChange, type TransactItem } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';
import { getCase, getFlight, getIssuance, getIssuanceRecord, getPassenger, items } from '../../data/repositories.js';
import { notifyPassenger } from '../../notify/passenger.js';
import { holdsAnyStation, roleOf } from '../principal.js';
import { casePut, nextCase, runCommand, withEntitlement, type CommandDeps } from './run.js';

/**
 * voidIssuance (supervisor/admin): an unredeemed VALID issuance becomes VOID with who, when and
 * why. ONE transaction: the issuance (condition: same version, VALID, not redeemed), the
 * `ISSUEKEY#` item deleted (condition: it is this issuance's) so the entitlement can be issued
 * again, the entitlement ISSUED → OFFERED, the issuer's daily counter decremented by what this
 * issuance added, the case status and audit `issuance_voided`. The `SERIAL#` record stays: a
 * serial once handed out is never handed out again. Then the passenger is told, once.
 */
export async function voidIssuance(
  deps: CommandDeps,
  principal: Principal,
  env: CommandEnvelope,
): Promise<CommandResult> {
  const notify = async (r: CommandResult) => {
    if (r.status !== 'applied') return;
    const ref = r.effects.find((e) => e.ref.startsWith('issuance:'));
    const iss = ref ? await getIssuance(deps.ctx, ref.ref.slice('issuance:'.length)) : null;
    if (iss?.status === 'VOID')
      await sendVoided(deps, iss).catch((e: unknown) =>
        deps.log.warn('void email failed; a replay of the command retries it', { error: (e as Error).message }),
      );
  };
  return runCommand(
    deps,
    principal,
    env,
    'voidIssuance',
    async (run) => {
      const { ctx } = deps;
      const p = run.payload;
      const rec = await getIssuanceRecord(ctx, p.issuanceId);
      if (!rec) return run.refuse([env.station], 'NOT_FOUND', `no issuance ${p.issuanceId}`);
      const iss = rec.issuance;
      const loaded = await run.loadCase(iss.caseId);
      if (!loaded) return run.refuse([env.station], 'NOT_FOUND', 'the case of this issuance was not found');
      const kase = loaded.case;
      const stations = kase.stations;
      if (!holdsAnyStation(principal, stations))
        return run.refuse([env.station], 'FORBIDDEN_STATION', 'the case belongs to stations you do not hold');
      const role = roleOf(principal);
      if (role !== 'supervisor' && role !== 'admin')
        return run.refuse(stations, 'FORBIDDEN_ROLE', 'only supervisors and admins void issuances');
      if (iss.status !== 'VALID') return run.refuse(stations, 'NOT_VOIDABLE', `the issuance is already ${iss.status}`);
      if (iss.redeemedAt)
        return run.refuse(stations, 'ALREADY_REDEEMED', `the voucher was redeemed at ${iss.redeemedAt}`);
      const expected = env.expectedVersions[entityRef('issuance', iss.id)];
      if (expected !== undefined && expected !== iss.version)
        return run.refuse(
          stations,
          'VERSION_CONFLICT',
          `issuance is at version ${iss.version}, command expected ${expected}`,
        );
      const now = run.now.toISOString();
      const next: Issuance = {
        ...iss,
        status: 'VOID',
        voidedAt: now,
        voidedBy: principal.username,
        voidReason: p.reason,
        version: iss.version + 1,
      };
      const ent =
        loaded.entitlements.find(
          (e) => e.id === iss.entitlementId && e.status === 'ISSUED' && e.issuanceId === iss.id,
        ) ?? null;
      const entNext: Entitlement | null = ent
        ? { ...ent, status: 'OFFERED', issuanceId: null, version: ent.version + 1 }
        : null;
      const caseNext = nextCase(
        kase,
        entNext ? withEntitlement(loaded.entitlements, entNext) : loaded.entitlements,
        {},
        now,
      );
      const t = ctx.table;
      const list: TransactItem[] = [
        {
          Put: {
            TableName: t,
            Item: items.issuance(next, rec.dailyCount),
            ConditionExpression: '#v = :v AND #s = :valid AND (attribute_not_exists(#r) OR attribute_type(#r, :null))',
            ExpressionAttributeNames: { '#v': 'version', '#s': 'status', '#r': 'redeemedAt' },
            ExpressionAttributeValues: { ':v': iss.version, ':valid': 'VALID', ':null': 'NULL' },
          },
        },
        {
          Delete: {
            TableName: t,
            Key: keys.issuanceUnique(iss.key),
            ConditionExpression: 'issuanceId = :id',
            ExpressionAttributeValues: { ':id': iss.id },
          },
        },
      ];
      if (ent && entNext) {
        list.push({
          Put: {
            TableName: t,
            Item: items.entitlement(entNext),
            ConditionExpression: '#v = :v AND #s = :issued',
            ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
            ExpressionAttributeValues: { ':v': ent.version, ':issued': 'ISSUED' },
          },
        });
      }
      const dc = rec.dailyCount;
      if (dc) {
        list.push({
          Update: {
            TableName: t,
            Key: keys.userDay(dc.user, dc.day, dc.currency),
            UpdateExpression: 'ADD #t :v',
            ExpressionAttributeNames: { '#t': 'total' },
            ExpressionAttributeValues: { ':v': -dc.amountMinor },
          },
        });
      }
      if (caseNext) list.push(casePut(t, kase, caseNext));
      return {
        kind: 'commit',
        stations,
        items: list,
        changes: [
          putChange('issuance', next),
          ...(entNext ? [putChange('entitlement', entNext)] : []),
          ...(caseNext ? [putChange('case', caseNext)] : []),
        ],
        effects: [
          { ref: entityRef('issuance', next.id), version: next.version },
          ...(entNext ? [{ ref: entityRef('entitlement', entNext.id), version: entNext.version }] : []),
          ...(caseNext ? [{ ref: entityRef('case', caseNext.id), version: caseNext.version }] : []),
        ],
        audit: {
          head: loaded.head,
          input: {
            caseId: kase.id,
            actor: principal.username,
            action: 'issuance_voided',
            commandId: env.commandId,
            details: {
              issuanceId: iss.id,
              entitlementId: iss.entitlementId,
              serial: iss.voucherSerial,
              amountMinor: iss.amount?.amountMinor ?? dc?.amountMinor ?? null,
              currency: iss.amount?.currency ?? dc?.currency ?? null,
              issuedBy: iss.issuedBy,
              reason: p.reason,
            },
            at: now,
          },
        },
        after: notify,
      };
    },
    { onReplay: notify },
  );
}

/** The passenger is told once (outbox) that the voucher is void, on their channels and in their language; the trail records it. */
async function sendVoided(deps: CommandDeps, iss: Issuance): Promise<void> {
  const passenger = await getPassenger(deps.ctx, iss.passengerId);
  const kase = await getCase(deps.ctx, iss.caseId);
  const flight = kase ? await getFlight(deps.ctx, kase.flightId) : null;
  if (!passenger || !flight) return;
  const r = await notifyPassenger({ notifier: deps.notifier, log: deps.log }, passenger, {
    changeId: `${iss.id}:void`,
    topic: 'void',
    caseId: iss.caseId,
    facts: { flight, entitlementType: iss.type, voucherSerial: iss.voucherSerial, reason: iss.voidReason ?? '-' },
  });
  if (r.failed) throw new Error('void message not delivered yet; the outbox retries it');
}

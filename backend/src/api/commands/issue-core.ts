import { ulid } from 'ulid';
import {
  entityRef,
  type Change,
  type CommandEnvelope,
  type CommandResult,
} from '../../../../src/shared/sync/protocol.js';
import {
  issuanceKey,
  type Case,
  type Entitlement,
  type Flight,
  type IssueConfirmation,
  type Issuance,
} from '../../../../src/shared/domain/index.js';
import type { Money } from '../../../../src/shared/money.js';
import type { CareDetails } from '../../../../src/shared/sync/protocol.js';
import { careUnits, scaleValue } from '../../../../src/shared/policy/care.js';
import { putChange, type TransactItem } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';
import { getCase, getFlight, getIssuance, getPassenger, items, type DailyCount } from '../../data/repositories.js';
import { notifyPassenger } from '../../notify/passenger.js';
import type { CommandDeps } from './run.js';
import { casePut, nextCase, utcDay, withEntitlement } from './run.js';

/**
 * The issue transaction's items, shared by issueEntitlement and an approved decideApproval:
 * `ISSUEKEY#` uniqueness (at most one valid issuance per passenger/flight/disruption/type/care
 * period), the issuance, the entitlement (version condition), `SERIAL#` (airline-wide serial
 * uniqueness), the issuer's `USERDAY#` counter (conditional on the daily limit) and the case.
 */
export interface IssueSpec {
  ctx: { table: string };
  env: CommandEnvelope;
  user: string;
  kase: Case;
  entitlements: Entitlement[];
  ent: Entitlement;
  /** The entitlement's status the write is conditioned on (OFFERED to issue, PENDING_APPROVAL to approve). */
  fromStatus: Entitlement['status'];
  /** A serial from the desk's block, or null (the server assigns one). */
  deskSerial: string | null;
  confirmation: IssueConfirmation | null;
  offline: boolean;
  approvalId: string | null;
  /** The value counted against the issuer's daily total, or null (not counted, e.g. the workflow's automatic care). */
  count: Money | null;
  /** Largest daily total allowed (the counter's condition); null = counted without a bound (approved issuance). */
  dailyMax: number | null;
  now: string;
  /** Care details recorded with the issuance (hotel nights and room group, transport transfers); absent = one unit. */
  care?: CareDetails | null;
}

export interface IssueWrite {
  issuance: Issuance;
  entitlement: Entitlement;
  kase: Case | null;
  items: TransactItem[];
  changes: Change[];
  effects: CommandResult['effects'];
  /** Indexes of the items whose failed condition is a refusal (not a race). */
  at: { unique: number; entitlement: number; serial: number; daily: number | null; case: number | null };
  serial: string;
  dailyCount: DailyCount | null;
  confirmation: IssueConfirmation | null;
}

export function buildIssue(s: IssueSpec): IssueWrite {
  const serial = s.deskSerial ?? `JW-${s.env.station}-${ulid().slice(-12)}`;
  const issuance: Issuance = {
    id: `ISS-${s.env.commandId}`,
    key: issuanceKey({
      passengerId: s.kase.passengerId,
      flightInstanceId: s.kase.flightId,
      disruptionId: s.kase.disruptionId,
      type: s.ent.type,
      carePeriod: s.ent.carePeriod,
    }),
    entitlementId: s.ent.id,
    caseId: s.kase.id,
    passengerId: s.kase.passengerId,
    type: s.ent.type,
    // A multi-night hotel or multi-transfer voucher is worth its units (care.ts careUnits).
    amount: scaleValue(s.ent.amount, careUnits(s.ent.type, s.care)),
    voucherSerial: serial,
    commandId: s.env.commandId,
    issuedBy: s.user,
    deskId: s.env.deskId,
    issuedAt: s.now,
    status: 'VALID',
    paymentMethod: s.confirmation?.paymentMethod ?? null,
    passengerAgreement: s.confirmation?.passengerAgreement ?? null,
    offline: s.offline,
    approvalId: s.approvalId,
    redeemedAt: null,
    voidedAt: null,
    voidedBy: null,
    voidReason: null,
    care: s.care
      ? {
          nights: s.care.nights ?? (s.ent.type === 'hotel' ? 1 : null),
          transfers: s.care.transfers ?? (s.ent.type === 'transport' ? 1 : null),
          roomGroup: s.care.roomGroup ? { id: s.care.roomGroup.id, passengerIds: [...s.care.roomGroup.passengerIds] } : null,
        }
      : null,
    version: 1,
  };
  const entitlement: Entitlement = { ...s.ent, status: 'ISSUED', issuanceId: issuance.id, version: s.ent.version + 1 };
  const kase = nextCase(s.kase, withEntitlement(s.entitlements, entitlement), {}, s.now);
  const dailyCount: DailyCount | null = s.count
    ? { user: s.user, day: utcDay(s.now), currency: s.count.currency, amountMinor: s.count.amountMinor }
    : null;
  const t = s.ctx.table;
  const list: TransactItem[] = [
    {
      Put: {
        TableName: t,
        Item: {
          ...keys.issuanceUnique(issuance.key),
          entityType: 'issuance_key',
          issuanceId: issuance.id,
          createdAt: s.now,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: t,
        Item: items.issuance(issuance, dailyCount),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: t,
        Item: items.entitlement(entitlement),
        ConditionExpression: '#v = :v AND #s = :from',
        ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
        ExpressionAttributeValues: { ':v': s.ent.version, ':from': s.fromStatus },
      },
    },
    {
      Put: {
        TableName: t,
        Item: {
          ...keys.serial(serial),
          entityType: 'serial',
          serial,
          issuanceId: issuance.id,
          commandId: s.env.commandId,
          deskId: s.env.deskId,
          user: s.user,
          at: s.now,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
  let daily: number | null = null;
  if (dailyCount) {
    daily = list.length;
    list.push({
      Update: {
        TableName: t,
        Key: keys.userDay(dailyCount.user, dailyCount.day, dailyCount.currency),
        UpdateExpression: 'ADD #t :v SET entityType = :et, #u = :u, #d = :d, currency = :c',
        ...(s.dailyMax !== null ? { ConditionExpression: 'attribute_not_exists(#t) OR #t <= :room' } : {}),
        ExpressionAttributeNames: { '#t': 'total', '#u': 'user', '#d': 'day' },
        ExpressionAttributeValues: {
          ':v': dailyCount.amountMinor,
          ':et': 'user_day',
          ':u': dailyCount.user,
          ':d': dailyCount.day,
          ':c': dailyCount.currency,
          ...(s.dailyMax !== null ? { ':room': s.dailyMax - dailyCount.amountMinor } : {}),
        },
      },
    });
  }
  let caseAt: number | null = null;
  if (kase) {
    caseAt = list.length;
    list.push(casePut(t, s.kase, kase));
  }
  return {
    issuance,
    entitlement,
    kase,
    items: list,
    changes: [
      putChange('entitlement', entitlement),
      putChange('issuance', issuance),
      ...(kase ? [putChange('case', kase)] : []),
    ],
    effects: [
      { ref: entityRef('entitlement', entitlement.id), version: entitlement.version },
      { ref: entityRef('issuance', issuance.id), version: issuance.version },
      ...(kase ? [{ ref: entityRef('case', kase.id), version: kase.version }] : []),
    ],
    at: { unique: 0, entitlement: 2, serial: 3, daily, case: caseAt },
    serial,
    dailyCount,
    confirmation: s.confirmation,
  };
}

/** Audit details of an issuance (flat: the audit entry's details are scalars). */
export function issueAuditDetails(
  w: IssueWrite,
  ent: Entitlement,
  value: Money | null,
): Record<string, string | number | boolean | null> {
  return {
    issuanceId: w.issuance.id,
    entitlementId: ent.id,
    type: ent.type,
    amountMinor: value?.amountMinor ?? null,
    currency: value?.currency ?? null,
    regime: ent.regime,
    clauses: ent.clauses.map((c) => c.id).join(','),
    paymentMethod: w.issuance.paymentMethod,
    // The confirmation dialog's record is part of the issuance's entry (one entry per command).
    confirmedAt: w.confirmation?.confirmedAt ?? null,
    passengerAgreement: w.issuance.passengerAgreement?.text ?? null,
    serial: w.serial,
    offline: w.issuance.offline,
    approvalId: w.issuance.approvalId,
    ...(w.issuance.care
      ? {
          nights: w.issuance.care.nights,
          transfers: w.issuance.care.transfers,
          roomGroup: w.issuance.care.roomGroup?.id ?? null,
          roomShareWith: w.issuance.care.roomGroup?.passengerIds.join(',') ?? null,
        }
      : {}),
  };
}

/** A SERIALDUP record: a refused duplicate serial is kept (ARCHITECTURE.md: every serial handed out is recorded, even a duplicate). */
export function serialDuplicateItem(
  table: string,
  env: CommandEnvelope,
  user: string,
  serial: string,
  entitlementId: string,
  now: string,
): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.serialDuplicate(serial, env.commandId),
        entityType: 'serial_duplicate',
        serial,
        commandId: env.commandId,
        deskId: env.deskId,
        station: env.station,
        user,
        entitlementId,
        at: now,
      },
    },
  };
}

/**
 * Voucher message after commit, once per issuance (outbox idempotency), by email (the passenger's
 * document, even without the email opt-in) and SMS if they opted in, in their language; the outbox
 * records `notified` / `notification_failed` on the case trail and retries a failed send.
 */
export async function sendVoucher(deps: CommandDeps, result: CommandResult, known?: Issuance): Promise<void> {
  const ref = result.effects.find((e) => e.ref.startsWith('issuance:'));
  if (!ref || result.status !== 'applied') return;
  const issuanceId = ref.ref.slice('issuance:'.length);
  const issuance = known ?? (await getIssuance(deps.ctx, issuanceId));
  if (!issuance) return;
  const passenger = await getPassenger(deps.ctx, issuance.passengerId);
  const kase = await getCase(deps.ctx, issuance.caseId);
  const flight: Flight | null = kase ? await getFlight(deps.ctx, kase.flightId) : null;
  if (!passenger || !flight) return;
  const r = await notifyPassenger({ notifier: deps.notifier, log: deps.log }, passenger, {
    changeId: `${issuance.id}:voucher`,
    topic: 'voucher',
    auditTopic: `voucher:${issuance.type}`,
    forceEmail: true,
    caseId: issuance.caseId,
    facts: { flight, entitlementType: issuance.type, voucherSerial: issuance.voucherSerial, amount: issuance.amount },
  });
  if (r.failed) throw new Error('voucher message not delivered yet; the outbox retries it');
}

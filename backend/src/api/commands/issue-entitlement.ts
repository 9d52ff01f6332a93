import { ulid } from 'ulid';
import {
  entityRef,
  IssueEntitlementPayloadSchema,
  type CommandEnvelope,
  type CommandResult,
} from '../../../../src/shared/sync/protocol.js';
import { issuanceKey, type Entitlement, type Issuance } from '../../../../src/shared/domain/index.js';
import type { Principal } from '../auth/verifier.js';
import { ConditionFailedError, commitWithLog, putChange } from '../../data/changelog.js';
import { keys } from '../../data/keys.js';
import { getCase, getEntitlement, getFlight, getIssuance, getPassenger, items } from '../../data/repositories.js';
import { voucherEmail } from '../../notify/templates.js';
import type { ApiDeps } from '../deps.js';

/** What a command needs: the API passes its deps, the workflow (auto-issue) its own. */
export type CommandDeps = Pick<ApiDeps, 'ctx' | 'notifier' | 'policy' | 'log'>;
import { holdsAnyStation, roleOf } from '../principal.js';
import { commandRecordPut, commandResultChange, commitRejection, readCommandResult, replayed } from './record.js';
import { withinLimit } from './limits.js';

const MAX_ATTEMPTS = 5;
/** Positions of the items in the issue transaction (ConditionFailedError.failedIndexes). */
const ITEM_COMMAND = 0;
const ITEM_UNIQUE = 1;
const ITEM_ENTITLEMENT = 3;

/**
 * issueEntitlement: in ONE TransactWriteItems — command record (attribute_not_exists),
 * issuance uniqueness item keyed by issuanceKey(...) (attribute_not_exists: at most one valid
 * issuance per passenger/flight/disruption/type/care period), the issuance with its voucher
 * serial, the entitlement (condition: expected version, not yet issued), and the change-log
 * entries of the case's stations. Then the voucher email, at most once per issuance.
 */
export async function issueEntitlement(deps: CommandDeps, principal: Principal, env: CommandEnvelope): Promise<CommandResult> {
  const { ctx } = deps;
  for (let attempt = 1; ; attempt++) {
    const stored = await readCommandResult(ctx, env.commandId);
    if (stored) {
      if (stored.status === 'applied') await sendVoucher(deps, stored).catch((e: unknown) => deps.log.warn('voucher email retry failed', { error: (e as Error).message }));
      return replayed(stored);
    }
    const reject = (stations: string[], code: string, message: string) => commitRejection(ctx, env, principal.username, stations, code, message);

    const payload = IssueEntitlementPayloadSchema.safeParse(env.payload);
    if (!payload.success) return reject([env.station], 'INVALID_PAYLOAD', `payload.${payload.error.issues[0]?.path.join('.') ?? ''}: ${payload.error.issues[0]?.message ?? 'invalid'}`);
    const ent = await getEntitlement(ctx, payload.data.entitlementId);
    const kase = ent ? await getCase(ctx, ent.caseId) : null;
    if (!ent || !kase) return reject([env.station], 'NOT_FOUND', 'entitlement not found');
    const stations = kase.stations;
    if (!holdsAnyStation(principal, stations)) return reject([env.station], 'FORBIDDEN_STATION', 'the case belongs to stations you do not hold');
    const role = roleOf(principal);
    if (!role) return reject(stations, 'FORBIDDEN_ROLE', 'your role may not issue entitlements');
    if (ent.status === 'ISSUED' || ent.issuanceId) return reject(stations, 'ALREADY_ISSUED', `entitlement already issued (issuance ${ent.issuanceId ?? 'unknown'})`);
    const expected = env.expectedVersions[entityRef('entitlement', ent.id)];
    if (expected === undefined) return reject(stations, 'VERSION_CONFLICT', 'expectedVersions must include the entitlement version');
    if (expected !== ent.version) return reject(stations, 'VERSION_CONFLICT', `entitlement is at version ${ent.version}, command expected ${expected}`);
    if (ent.status !== 'OFFERED') return reject(stations, 'NOT_ISSUABLE', `entitlement is ${ent.status}`);
    const flight = await getFlight(ctx, kase.flightId);
    if (!flight) return reject(stations, 'NOT_FOUND', 'flight not found');
    // Above the limit needs a supervisor's approval: the approval workflow is a later issue, so reject for now.
    if (!withinLimit(deps.policy(), role, ent.amount, flight.scheduledDeparture)) return reject(stations, 'LIMIT_EXCEEDED', `amount above the ${role} approval limit; request approval`);

    const now = new Date().toISOString();
    const issuance: Issuance = {
      id: `ISS-${env.commandId}`,
      key: issuanceKey({ passengerId: kase.passengerId, flightInstanceId: kase.flightId, disruptionId: kase.disruptionId, type: ent.type, carePeriod: ent.carePeriod }),
      entitlementId: ent.id,
      caseId: kase.id,
      passengerId: kase.passengerId,
      type: ent.type,
      amount: ent.amount,
      voucherSerial: payload.data.voucherSerial ?? `JW-${env.station}-${ulid().slice(-12)}`,
      commandId: env.commandId,
      issuedBy: principal.username,
      deskId: env.deskId,
      issuedAt: now,
      status: 'VALID',
      paymentMethod: payload.data.confirmation?.paymentMethod ?? null,
      passengerAgreement: payload.data.confirmation?.passengerAgreement ?? null,
      offline: env.offline,
      approvalId: null,
      redeemedAt: null,
      voidedAt: null,
      voidedBy: null,
      voidReason: null,
      version: 1,
    };
    const next: Entitlement = { ...ent, status: 'ISSUED', issuanceId: issuance.id, version: ent.version + 1 };
    const result: CommandResult = {
      commandId: env.commandId,
      status: 'applied',
      replayed: false,
      code: null,
      message: null,
      effects: [
        { ref: entityRef('entitlement', next.id), version: next.version },
        { ref: entityRef('issuance', issuance.id), version: issuance.version },
      ],
    };
    try {
      await commitWithLog(ctx, {
        items: [
          commandRecordPut(ctx, env, result, principal.username),
          { Put: { TableName: ctx.table, Item: { ...keys.issuanceUnique(issuance.key), entityType: 'issuance_key', issuanceId: issuance.id, createdAt: now }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: ctx.table, Item: items.issuance(issuance), ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: ctx.table,
              Item: items.entitlement(next),
              ConditionExpression: '#v = :v AND #s = :offered',
              ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
              ExpressionAttributeValues: { ':v': ent.version, ':offered': 'OFFERED' },
            },
          },
        ],
        changes: [putChange('entitlement', next), putChange('issuance', issuance), commandResultChange(result)],
        stations,
      });
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      const f = err.failedIndexes;
      // The uniqueness item exists but this entitlement is not issued: another entitlement of the
      // same type and care period (e.g. a second regime's meal) was issued to this passenger for
      // this disruption. At most one valid issuance: a committed rejection.
      if (f.includes(ITEM_UNIQUE) && !f.includes(ITEM_COMMAND) && !f.includes(ITEM_ENTITLEMENT)) {
        return reject(stations, 'ALREADY_ISSUED', `a ${ent.type} (${ent.carePeriod}) was already issued to this passenger for this disruption`);
      }
      // Lost a race: the same command (→ replay) or the entitlement moved (→ re-decide, which commits the rejection).
      if (attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
    deps.log.info('entitlement issued', { commandId: env.commandId, entitlementId: ent.id, issuanceId: issuance.id });
    await sendVoucher(deps, result, issuance).catch((e: unknown) => deps.log.warn('voucher email failed; a replay of the command retries it', { error: (e as Error).message }));
    return result;
  }
}

/** Voucher email after commit, at most once per issuance (notifier idempotency record). */
async function sendVoucher(deps: CommandDeps, result: CommandResult, known?: Issuance): Promise<void> {
  const ref = result.effects.find((e) => e.ref.startsWith('issuance:'));
  if (!ref) return;
  const issuanceId = ref.ref.slice('issuance:'.length);
  const issuance = known ?? (await getIssuance(deps.ctx, issuanceId));
  if (!issuance) return;
  const passenger = await getPassenger(deps.ctx, issuance.passengerId);
  const kase = await getCase(deps.ctx, issuance.caseId);
  const flight = kase ? await getFlight(deps.ctx, kase.flightId) : null;
  if (!passenger?.email || !flight) return;
  await deps.notifier.emailOnce(
    `voucher:${issuance.id}`,
    voucherEmail({ to: passenger.email, passengerName: `${passenger.firstName} ${passenger.lastName}`, type: issuance.type, amount: issuance.amount, voucherSerial: issuance.voucherSerial, flight }),
  );
}

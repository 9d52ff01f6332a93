import {
  CHOICE_TYPES,
  deriveCaseStatus,
  entitlementId as entitlementIdOf,
  type Booking,
  type Case,
  type Entitlement,
} from '../../../../src/shared/domain/index.js';
import { evaluate, type PolicySet } from '../../../../src/shared/policy/index.js';
import { offeredEntitlement, toClaimCase } from '../../../../src/shared/policy/claim-from-domain.js';
import { entityRef, type CommandEnvelope, type CommandResult } from '../../../../src/shared/sync/protocol.js';
import type { Principal } from '../auth/verifier.js';
import { putChange, type TransactItem } from '../../data/changelog.js';
import { policySetAt, policySetOf } from '../../data/policy-store.js';
import { getBookings, getDisruption, getFlight, getPassenger, items } from '../../data/repositories.js';
import type { DataContext } from '../../data/client.js';
import { holdsAnyStation, roleOf } from '../principal.js';
import { casePut, runCommand, type CommandDeps } from './run.js';

/**
 * The policy a case is re-decided with: the store version that decided it (`policySetVersion`),
 * else the version in force at the flight's scheduled departure (as the workflow and the desk pick it).
 */
export async function casePolicy(
  deps: Pick<CommandDeps, 'ctx' | 'policy'> & { policyAt?: ((at: string) => Promise<PolicySet>) | undefined },
  kase: Case,
  departure: string,
): Promise<PolicySet> {
  if (kase.policySetVersion !== undefined && deps.policyAt) return policySetOf(deps.ctx, kase.policySetVersion);
  return policySetAt(deps, departure);
}

/** The choice a clause was decided under (the engine records `inputs.choice` on rows that depend on it). */
const choiceOfClauses = (e: Entitlement): string | null => {
  for (const c of e.clauses) {
    const v = c.inputs?.choice;
    if (typeof v === 'string') return v;
  }
  return null;
};

const claimChoice = (c: 'refund' | 'rebook'): string => (c === 'refund' ? 'refund' : 'reroute');

/**
 * recordChoice: the passenger's choice where the rules give one (refund or rebooking). ONE
 * transaction: the case (version condition) with `passengerChoice` (+ `reaccommodation` for
 * rebook), the entitlements the re-decision adds (the engine run again on the same facts with the
 * claim's `choice`, under the case's policy version: e.g. US DOT 260.6 and EU261 Art 8 refunds),
 * choice-dependent entitlements of the other choice voided while still OFFERED, the booking marked
 * NEEDS_REBOOKING for rebook, and the audit entry `choice_recorded`.
 *
 * Rules: the same choice again is applied with no effect (idempotent; a replayed command id is a
 * replay). A different choice once one is recorded: CHOICE_ALREADY_RECORDED for agents; a
 * supervisor or admin changes it with a reason (not once a refund of the old choice was issued or
 * waits for approval: ALREADY_ISSUED / ALREADY_PENDING).
 */
export async function recordChoice(
  deps: CommandDeps & { policyAt?: ((at: string) => Promise<PolicySet>) | undefined },
  principal: Principal,
  env: CommandEnvelope,
): Promise<CommandResult> {
  return runCommand(deps, principal, env, 'recordChoice', async (run) => {
    const { ctx } = deps;
    const p = run.payload;
    const loaded = await run.loadCase(p.caseId);
    if (!loaded) return run.refuse([env.station], 'NOT_FOUND', `no case ${p.caseId}`);
    const kase = loaded.case;
    const stations = kase.stations;
    if (!holdsAnyStation(principal, stations))
      return run.refuse([env.station], 'FORBIDDEN_STATION', 'the case belongs to stations you do not hold');
    const role = roleOf(principal);
    if (!role) return run.refuse(stations, 'FORBIDDEN_ROLE', 'your role may not record a passenger’s choice');
    if (kase.status === 'CLOSED') return run.refuse(stations, 'CASE_CLOSED', 'the case is closed');
    const prev = kase.passengerChoice ?? null;
    const now = run.now.toISOString();
    if (prev && prev.choice === p.choice) {
      // Idempotent: the same choice again changes nothing (and writes no audit entry).
      return { kind: 'commit', stations, items: [], changes: [], effects: [], audit: null };
    }
    if (prev) {
      if (role === 'agent')
        return run.refuse(
          stations,
          'CHOICE_ALREADY_RECORDED',
          `the passenger already chose ${prev.choice} (recorded by ${prev.recordedBy}); a supervisor may change it`,
        );
      if (!p.reason)
        return run.refuse(stations, 'INVALID_PAYLOAD', 'payload.reason: changing a recorded choice needs a reason');
    }
    // A command decided against an older case must not silently apply on top of a newer one.
    const expected = env.expectedVersions[entityRef('case', kase.id)];
    if (expected !== undefined && expected !== kase.version)
      return run.refuse(stations, 'VERSION_CONFLICT', `case is at version ${kase.version}, command expected ${expected}`);

    const facts = await caseFacts(ctx, kase);
    if (!facts) return run.refuse(stations, 'NOT_FOUND', 'the flight, disruption or booking of the case is missing');
    const policy = await casePolicy(deps, kase, facts.flight.scheduledDeparture);
    const claim = toClaimCase({ ...facts, caseId: kase.id, choice: p.choice });
    if (!claim) return run.refuse(stations, 'NOT_ISSUABLE', 'this disruption gives no choice');
    const decision = evaluate(claim, policy);

    const t = ctx.table;
    const txItems: TransactItem[] = [];
    const changes: ReturnType<typeof putChange>[] = [];
    const effects: CommandResult['effects'] = [];
    const byId = new Map(loaded.entitlements.map((e) => [e.id, e]));
    const next = new Map(byId);
    let added = 0;
    let voided = 0;
    const condPut = (prevVersion: number, e: Entitlement): void => {
      txItems.push({
        Put: {
          TableName: t,
          Item: items.entitlement(e),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': prevVersion },
        },
      });
    };
    const wanted = new Set<string>();
    for (const d of decision.entitlements) {
      if (!d.payable) continue;
      const id = entitlementIdOf(kase.id, d.regime, d.type, d.carePeriod);
      wanted.add(id);
      const old = byId.get(id);
      if (old && old.status !== 'VOID') continue;
      const ent: Entitlement = offeredEntitlement(kase.id, d, old ? old.version + 1 : 1);
      if (old) condPut(old.version, ent);
      else txItems.push({ Put: { TableName: t, Item: items.entitlement(ent), ConditionExpression: 'attribute_not_exists(PK)' } });
      next.set(id, ent);
      added++;
    }
    // Entitlements that depended on the other choice (a supervisor's change): voided while offered.
    for (const e of loaded.entitlements) {
      const c = choiceOfClauses(e);
      if (c === null || c === claimChoice(p.choice) || wanted.has(e.id)) continue;
      if (e.status === 'ISSUED')
        return run.refuse(stations, 'ALREADY_ISSUED', `${e.type} (${e.regime}) of the earlier choice is issued: void it first`);
      if (e.status === 'PENDING_APPROVAL')
        return run.refuse(stations, 'ALREADY_PENDING', `${e.type} (${e.regime}) of the earlier choice waits for approval`);
      if (e.status !== 'OFFERED') continue;
      const v: Entitlement = { ...e, status: 'VOID', version: e.version + 1 };
      condPut(e.version, v);
      next.set(e.id, v);
      voided++;
    }
    for (const e of next.values())
      if (e !== byId.get(e.id)) {
        changes.push(putChange('entitlement', e));
        effects.push({ ref: entityRef('entitlement', e.id), version: e.version });
      }

    // Rebook hands the booking to re-accommodation.
    let booking: Booking | null = null;
    if (p.choice === 'rebook' && ['CONFIRMED', 'CHECKED_IN'].includes(facts.booking.status)) {
      booking = { ...facts.booking, status: 'NEEDS_REBOOKING', version: facts.booking.version + 1 };
      txItems.push({
        Put: {
          TableName: t,
          Item: items.booking(booking),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': facts.booking.version },
        },
      });
      changes.push(putChange('booking', booking));
      effects.push({ ref: entityRef('booking', booking.id), version: booking.version });
    }

    const withChoice: Case = {
      ...kase,
      passengerChoice: {
        choice: p.choice,
        recordedBy: principal.username,
        recordedAt: now,
        commandId: env.commandId,
        previous: prev?.choice ?? null,
        reason: p.reason,
      },
      reaccommodation:
        p.choice === 'rebook' ? { status: 'REQUESTED', requestedAt: now, requestedBy: principal.username } : null,
    };
    const status = deriveCaseStatus(withChoice, [...next.values()]);
    const nextCase: Case = {
      ...withChoice,
      status,
      statusSince: status !== kase.status ? now : kase.statusSince,
      version: kase.version + 1,
    };
    txItems.push(casePut(t, kase, nextCase));
    changes.push(putChange('case', nextCase));
    effects.push({ ref: entityRef('case', nextCase.id), version: nextCase.version });

    return {
      kind: 'commit',
      stations,
      items: txItems,
      changes,
      effects,
      audit: {
        head: loaded.head,
        input: {
          caseId: kase.id,
          actor: principal.username,
          action: 'choice_recorded',
          commandId: env.commandId,
          details: {
            choice: p.choice,
            previous: prev?.choice ?? null,
            reason: p.reason,
            entitlementsAdded: added,
            entitlementsVoided: voided,
            policyVersion: decision.policyVersion,
            rebooking: booking ? booking.status : null,
          },
          at: now,
        },
      },
    };
  });
}

/** The facts the workflow decided the case on (flight, disruption, booking, passenger), read again. */
async function caseFacts(ctx: DataContext, kase: Case) {
  const flight = await getFlight(ctx, kase.flightId);
  const stored = await getDisruption(ctx, kase.flightId);
  const [booking] = await getBookings(ctx, kase.flightId, [kase.bookingId]);
  if (!flight || !stored || !booking) return null;
  const { aspects: _aspects, ...disruption } = stored;
  const passenger = await getPassenger(ctx, kase.passengerId);
  return { flight, disruption, booking, passenger };
}

export { CHOICE_TYPES };

import { z } from 'zod';
import {
  caseId as caseIdOf,
  entitlementId as entitlementIdOf,
  type Booking,
  type Case,
  type Entitlement,
} from '../../../../src/shared/domain/index.js';
import type { Change } from '../../../../src/shared/sync/protocol.js';
import { evaluate } from '../../../../src/shared/policy/index.js';
import { offeredEntitlement } from '../../../../src/shared/policy/claim-from-domain.js';
import { ConditionFailedError, commitManyWithLog, putChange, type TransactItem } from '../../data/changelog.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ENTITLEMENT_SK_PREFIX, keys } from '../../data/keys.js';
import { batchGet, getBookings, getDisruption, getFlight, getPassengers, items } from '../../data/repositories.js';
import { autoIssue } from '../auto-issue.js';
import { toClaimCase } from '../claim-case.js';
import type { WorkflowDeps } from '../deps.js';
import { lambdaHandler } from '../lambda.js';

export const EvaluateInputSchema = z.object({
  flightId: z.string().min(1),
  disruptionId: z.string().min(1),
  bookingIds: z.array(z.string().min(1)).max(100),
});

export interface EvaluateResult {
  flightId: string;
  disruptionId: string;
  casesCreated: string[];
  entitlementsCreated: number;
  bookingsMarked: number;
  needsReview: number;
  autoIssued: number;
}

const ACTIVE: ReadonlySet<Booking['status']> = new Set(['CONFIRMED', 'CHECKED_IN', 'BOARDED', 'NEEDS_REBOOKING']);
/** Rounds of re-deciding the passengers whose write lost a race to a concurrent run. */
const MAX_ROUNDS = 10;

/** One booking's writes: committed whole or not at all (its own LoggedWrite in commitManyWithLog). */
interface PassengerWrite {
  bookingId: string;
  items: TransactItem[];
  changes: Change[];
  newCaseId: string | null;
  needsReview: boolean;
  entitlements: number;
  bookingMarked: boolean;
}

interface Plan {
  stations: string[];
  writes: PassengerWrite[];
  autoCandidates: Entitlement[];
  origin: string;
}

/**
 * Map-state task: evaluate the policy engine for a batch of bookings of one disrupted flight
 * and write one Case per booked passenger plus its Entitlements, idempotently (deterministic
 * ids, conditional puts), with the change-log entries of both stations. A cancellation marks
 * the bookings NEEDS_REBOOKING. Re-running a batch creates nothing twice.
 *
 * Writes are batched: each booking's items form one all-or-nothing write, and the batch's writes
 * are committed by commitManyWithLog in as few transactions as fit (≤ 100 items, one reserved
 * sequence and one log entry per station per transaction). A write refused by a business condition
 * (a concurrent run of another event on the flight wrote that case first) is re-decided alone
 * from fresh reads, the others stay committed. Concurrent Map iterations share the process's
 * group committer: their writes fill packs together, several transactions in flight, each on its
 * own reserved sequence (data/changelog.ts).
 */
export async function evaluatePassengers(deps: WorkflowDeps, raw: unknown): Promise<EvaluateResult> {
  const input = EvaluateInputSchema.parse(raw);
  const { ctx } = deps;
  const result: EvaluateResult = { flightId: input.flightId, disruptionId: input.disruptionId, casesCreated: [], entitlementsCreated: 0, bookingsMarked: 0, needsReview: 0, autoIssued: 0 };
  const autoCandidates = new Map<string, Entitlement>();
  let origin = '';
  let pending = input.bookingIds;
  for (let round = 1; pending.length > 0; round++) {
    const plan = await planWrites(deps, input.flightId, pending);
    origin = plan.origin;
    for (const e of plan.autoCandidates) autoCandidates.set(e.id, e);
    const outcomes = await commitManyWithLog(ctx, plan.writes.map((w) => ({ items: w.items, changes: w.changes, stations: plan.stations })));
    const lost: string[] = [];
    outcomes.forEach((o, i) => {
      const w = plan.writes[i]!;
      if (!o.ok) {
        if (!(o.error instanceof ConditionFailedError)) throw o.error;
        lost.push(w.bookingId);
        return;
      }
      if (w.newCaseId) result.casesCreated.push(w.newCaseId);
      if (w.newCaseId && w.needsReview) result.needsReview++;
      result.entitlementsCreated += w.entitlements;
      if (w.bookingMarked) result.bookingsMarked++;
    });
    if (lost.length > 0 && round >= MAX_ROUNDS) throw new ConditionFailedError([]);
    if (lost.length > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * round));
    pending = lost;
  }
  if (deps.autoIssue && autoCandidates.size > 0) {
    // Deterministic command ids: a re-run replays instead of issuing again.
    const results = await autoIssue(deps, [...autoCandidates.values()], origin);
    result.autoIssued = results.filter((r) => r.status === 'applied').length;
  }
  deps.log?.info('passengers evaluated', { ...result, casesCreated: result.casesCreated.length });
  return result;
}

/** Reads what the bookings need (consistently) and decides each one's writes; writes nothing. */
async function planWrites(deps: WorkflowDeps, flightId: string, bookingIds: string[]): Promise<Plan> {
  const { ctx } = deps;
  const [flight, stored, allBookings] = await Promise.all([getFlight(ctx, flightId), getDisruption(ctx, flightId), getBookings(ctx, flightId, bookingIds)]);
  if (!flight || !stored) throw new Error(`flight or disruption missing for ${flightId}`);
  const { aspects: _aspects, ...disruption } = stored;
  const bookings = allBookings.filter((b) => ACTIVE.has(b.status));
  const caseIds = bookings.map((b) => caseIdOf(flight.id, b.passengerId));
  const [passengerRows, existingRows] = await Promise.all([
    getPassengers(ctx, bookings.map((b) => b.passengerId)),
    batchGet(ctx, caseIds.map((id) => keys.case(id))),
  ]);
  const passengers = new Map(passengerRows.map((p) => [p.id, p]));
  const existingCases = new Set(existingRows.map((r) => String(r.id)));
  // A passenger's recorded choice (recordChoice) stays part of the claim when the case is decided again.
  const choices = new Map(
    existingRows.map((r) => [String(r.id), (r.passengerChoice as { choice?: 'refund' | 'rebook' } | null | undefined)?.choice ?? null]),
  );
  const existingEntRows = await Promise.all(
    [...new Set(caseIds.filter((id) => existingCases.has(id)))].map(async (id) => {
      const res = await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
          ExpressionAttributeValues: { ':pk': keys.case(id).PK, ':e': ENTITLEMENT_SK_PREFIX },
          ConsistentRead: true,
          ProjectionExpression: 'id',
        }),
      );
      return (res.Items ?? []).map((r) => String(r.id));
    }),
  );
  const existingEnts = new Set(existingEntRows.flat());
  // The version in force at the disrupted flight's scheduled departure (policy store), else the fixed set.
  const resolved = deps.resolvePolicy ? await (await deps.resolvePolicy())(flight.scheduledDeparture) : null;
  const policy = resolved ? resolved.set : deps.policy();
  const stations = [flight.origin, flight.destination];

  const writes: PassengerWrite[] = [];
  const autoCandidates: Entitlement[] = [];
  const seen = new Set<string>();
  for (const booking of bookings) {
    const cId = caseIdOf(flight.id, booking.passengerId);
    // One case per passenger per flight: a second booking of the same passenger only gets its
    // booking status (one transaction may not write an item twice).
    const dup = seen.has(cId);
    seen.add(cId);
    const claim = toClaimCase({ caseId: cId, flight, disruption, booking, passenger: passengers.get(booking.passengerId) ?? null, choice: choices.get(cId) ?? null });
    if (!claim) continue;
    const decision = dup ? { ...evaluate(claim, policy), entitlements: [] } : evaluate(claim, policy);
    const w: PassengerWrite = { bookingId: booking.id, items: [], changes: [], newCaseId: null, needsReview: false, entitlements: 0, bookingMarked: false };
    if (!dup && !existingCases.has(cId)) {
      const now = new Date().toISOString();
      const c: Case = {
        id: cId,
        flightId: flight.id,
        disruptionId: disruption.id,
        passengerId: booking.passengerId,
        bookingId: booking.id,
        status: 'OPEN',
        policyVersion: decision.policyVersion,
        ...(resolved ? { policySetVersion: resolved.version } : {}),
        primaryRegime: decision.primaryRegime,
        needsReview: decision.needsReview,
        stations,
        assignee: null,
        openedAt: now,
        statusSince: now,
        version: 1,
      };
      w.items.push({ Put: { TableName: ctx.table, Item: items.case(c), ConditionExpression: 'attribute_not_exists(PK)' } });
      w.changes.push(putChange('case', c));
      w.newCaseId = cId;
      w.needsReview = decision.needsReview.length > 0;
    }
    for (const d of decision.entitlements) {
      if (!d.payable) continue;
      const eId = entitlementIdOf(cId, d.regime, d.type, d.carePeriod);
      const ent: Entitlement = offeredEntitlement(cId, d, 1);
      // Existing ones too: a crash between the case write and the auto-issue is repaired by a re-run.
      if (ent.automatic) autoCandidates.push(ent);
      if (existingEnts.has(eId)) continue;
      w.items.push({ Put: { TableName: ctx.table, Item: items.entitlement(ent), ConditionExpression: 'attribute_not_exists(PK)' } });
      w.changes.push(putChange('entitlement', ent));
      w.entitlements++;
    }
    if (disruption.kind === 'CANCELLATION' && (booking.status === 'CONFIRMED' || booking.status === 'CHECKED_IN')) {
      const next: Booking = { ...booking, status: 'NEEDS_REBOOKING', version: booking.version + 1 };
      w.items.push({
        Put: { TableName: ctx.table, Item: items.booking(next), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': booking.version } },
      });
      w.changes.push(putChange('booking', next));
      w.bookingMarked = true;
    }
    if (w.items.length > 0) writes.push(w);
  }
  return { stations, writes, autoCandidates, origin: flight.origin };
}

export const handler = lambdaHandler(evaluatePassengers);

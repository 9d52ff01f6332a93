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
import { ConditionFailedError, MAX_LOG_ENTRY_BYTES, commitWithLog, putChange, type TransactItem } from '../../data/changelog.js';
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
/** Items per transaction, leaving room for two stations' counter + log items. */
const MAX_BUSINESS_ITEMS = 90;

interface PassengerWrite {
  items: TransactItem[];
  changes: Change[];
  newCaseId: string | null;
  entitlements: number;
  bookingMarked: boolean;
}

/**
 * Map-state task: evaluate the policy engine for a batch of bookings of one disrupted flight
 * and write one Case per booked passenger plus its Entitlements, idempotently (deterministic
 * ids, conditional puts), with the change-log entries of both stations. A cancellation marks
 * the bookings NEEDS_REBOOKING. Re-running a batch creates nothing twice.
 */
export async function evaluatePassengers(deps: WorkflowDeps, raw: unknown): Promise<EvaluateResult> {
  const input = EvaluateInputSchema.parse(raw);
  for (let attempt = 1; ; attempt++) {
    try {
      return await evaluateOnce(deps, input);
    } catch (err) {
      // A concurrent run (another event on the same flight) wrote some of the same items first.
      if (err instanceof ConditionFailedError && attempt < 10) {
        await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
        continue;
      }
      throw err;
    }
  }
}

async function evaluateOnce(deps: WorkflowDeps, input: z.infer<typeof EvaluateInputSchema>): Promise<EvaluateResult> {
  const { ctx } = deps;
  const result: EvaluateResult = { flightId: input.flightId, disruptionId: input.disruptionId, casesCreated: [], entitlementsCreated: 0, bookingsMarked: 0, needsReview: 0, autoIssued: 0 };
  const flight = await getFlight(ctx, input.flightId);
  const stored = await getDisruption(ctx, input.flightId);
  if (!flight || !stored) throw new Error(`flight or disruption missing for ${input.flightId}`);
  const { aspects: _aspects, ...disruption } = stored;
  const bookings = (await getBookings(ctx, input.flightId, input.bookingIds)).filter((b) => ACTIVE.has(b.status));
  const passengers = new Map((await getPassengers(ctx, bookings.map((b) => b.passengerId))).map((p) => [p.id, p]));
  const caseIds = bookings.map((b) => caseIdOf(flight.id, b.passengerId));
  const existingRows = await batchGet(ctx, caseIds.map((id) => keys.case(id)));
  const existingCases = new Set(existingRows.map((r) => String(r.id)));
  const existingEntRows = await Promise.all(
    caseIds.filter((id) => existingCases.has(id)).map(async (id) => {
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
  const policy = deps.policy();
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
    const claim = toClaimCase({ caseId: cId, flight, disruption, booking, passenger: passengers.get(booking.passengerId) ?? null });
    if (!claim) continue;
    const decision = dup ? { ...evaluate(claim, policy), entitlements: [] } : evaluate(claim, policy);
    const w: PassengerWrite = { items: [], changes: [], newCaseId: null, entitlements: 0, bookingMarked: false };
    if (!dup && !existingCases.has(cId)) {
      const c: Case = {
        id: cId,
        flightId: flight.id,
        disruptionId: disruption.id,
        passengerId: booking.passengerId,
        bookingId: booking.id,
        status: 'OPEN',
        policyVersion: decision.policyVersion,
        primaryRegime: decision.primaryRegime,
        needsReview: decision.needsReview,
        stations,
        assignee: null,
        openedAt: new Date().toISOString(),
        statusSince: new Date().toISOString(),
        version: 1,
      };
      w.items.push({ Put: { TableName: ctx.table, Item: items.case(c), ConditionExpression: 'attribute_not_exists(PK)' } });
      w.changes.push(putChange('case', c));
      w.newCaseId = cId;
      if (decision.needsReview.length > 0) result.needsReview++;
    }
    for (const d of decision.entitlements) {
      if (!d.payable) continue;
      const eId = entitlementIdOf(cId, d.regime, d.type, d.carePeriod);
      const ent: Entitlement = {
        id: eId,
        caseId: cId,
        regime: d.regime,
        type: d.type,
        carePeriod: d.carePeriod,
        amount: d.amount,
        automatic: d.automatic,
        status: 'OFFERED',
        clauses: d.clauses.map((cl) => ({ id: cl.id, reason: cl.reason, inputs: cl.inputs })),
        issuanceId: null,
        version: 1,
      };
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

  // Several passengers share one transaction and one log entry per station (≤ 100 items).
  let chunk: PassengerWrite[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await commitWithLog(ctx, { items: chunk.flatMap((w) => w.items), changes: chunk.flatMap((w) => w.changes), stations });
    for (const w of chunk) {
      if (w.newCaseId) result.casesCreated.push(w.newCaseId);
      result.entitlementsCreated += w.entitlements;
      if (w.bookingMarked) result.bookingsMarked++;
    }
    chunk = [];
  };
  let size = 0;
  let count = 0;
  for (const w of writes) {
    const wSize = JSON.stringify(w.changes).length;
    if (count + w.items.length > MAX_BUSINESS_ITEMS || size + wSize > MAX_LOG_ENTRY_BYTES) {
      await flush();
      size = 0;
      count = 0;
    }
    chunk.push(w);
    size += wSize;
    count += w.items.length;
  }
  await flush();
  if (deps.autoIssue) {
    // Deterministic command ids: a re-run replays instead of issuing again.
    const results = await autoIssue(deps, autoCandidates, flight.origin);
    result.autoIssued = results.filter((r) => r.status === 'applied').length;
  }
  deps.log?.info('passengers evaluated', { ...result, casesCreated: result.casesCreated.length });
  return result;
}

export const handler = lambdaHandler(evaluatePassengers);

import { entitlementId, type Booking, type Disruption, type Entitlement, type Flight, type Passenger } from '../domain/index.js';
import type { ClaimCase, DecisionEntitlement } from './schema.js';

/**
 * Domain entities → the policy engine's ClaimCase. Shared by the backend workflow (which decides),
 * the simulation (which re-decides) and the desk (whose preview must equal the backend's decision).
 * Only facts Jetway actually has are passed; the engine names missing data in `needsReview` (e.g. no
 * door-open time yet for a delay, so arrival delay is unknown until the flight arrives).
 */
export function toClaimCase(args: {
  caseId: string;
  flight: Flight;
  disruption: Disruption;
  booking: Booking;
  passenger: Passenger | null;
  /** The passenger's recorded choice (Case.passengerChoice): `refund` is the claim's refund choice, `rebook` a re-route. */
  choice?: 'refund' | 'rebook' | null;
}): ClaimCase | null {
  const { flight, disruption, booking, passenger } = args;
  const kind = disruption.kind === 'GATE_CHANGE' ? null : disruption.kind;
  if (!kind) return null;
  const arrivalDelay =
    flight.actualArrivalDoorOpen !== null
      ? Math.round((Date.parse(flight.actualArrivalDoorOpen) - Date.parse(flight.scheduledArrival)) / 60_000)
      : undefined;
  return {
    caseId: args.caseId,
    passengerId: booking.passengerId,
    tier: passenger?.tier ?? null,
    fare: booking.fare,
    cabinBooked: booking.cabin,
    segments: [
      {
        carrier: flight.carrier,
        flightNumber: flight.number,
        origin: flight.origin,
        destination: flight.destination,
        scheduledDeparture: flight.scheduledDeparture,
        scheduledArrival: flight.scheduledArrival,
        expectedDeparture: flight.estimatedDeparture,
        actualDeparture: flight.actualDeparture,
        actualArrivalDoorOpen: flight.actualArrivalDoorOpen,
      },
    ],
    disruptedSegment: 0,
    kind,
    cause: { code: disruption.causeCode },
    // The passenger learns of a cancellation when Jetway does (the ops event); a notice
    // period recorded by the airline's own event would be more precise.
    notifiedAt: kind === 'CANCELLATION' ? disruption.detectedAt : null,
    ...(disruption.delayMinutes > 0 ? { departureDelayMinutes: disruption.delayMinutes } : {}),
    ...(arrivalDelay !== undefined ? { arrivalDelayMinutes: arrivalDelay } : {}),
    ...(args.choice ? { choice: args.choice === 'refund' ? ('refund' as const) : ('reroute' as const) } : {}),
  };
}

/** A payable entitlement of a decision as the case's OFFERED entitlement (domain ← engine), at `version`. */
export function offeredEntitlement(caseId: string, d: DecisionEntitlement, version: number): Entitlement {
  return {
    id: entitlementId(caseId, d.regime, d.type, d.carePeriod),
    caseId,
    regime: d.regime,
    type: d.type,
    carePeriod: d.carePeriod,
    amount: d.amount,
    automatic: d.automatic,
    status: 'OFFERED',
    clauses: d.clauses.map((cl) => ({ id: cl.id, reason: cl.reason, inputs: cl.inputs })),
    issuanceId: null,
    version,
  };
}

import type { ClaimCase } from '../../../src/shared/policy/schema.js';
import type { Booking, Disruption, Flight, Passenger } from '../../../src/shared/domain/index.js';

/**
 * Domain entities → the policy engine's ClaimCase (src/shared/policy). Only facts Jetway
 * actually has are passed; the engine names missing data in `needsReview` (e.g. no door-open
 * time yet for a delay, so arrival delay is unknown until the flight arrives).
 */
export function toClaimCase(args: { caseId: string; flight: Flight; disruption: Disruption; booking: Booking; passenger: Passenger | null }): ClaimCase | null {
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
  };
}

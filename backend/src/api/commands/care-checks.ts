import type { Case } from '../../../../src/shared/domain/index.js';
import type { DataContext } from '../../data/client.js';
import { getBookings, pageBookings } from '../../data/repositories.js';

/**
 * The other passengers of the case's booking (same PNR) on the case's flight: who may share the
 * passenger's hotel room (care.ts checkCare). Reads the flight's bookings page by page; only asked
 * when an issue names a room group.
 */
export async function coTravellersOf(ctx: DataContext, kase: Case): Promise<{ pnr: string | null; passengerIds: string[] }> {
  const [own] = await getBookings(ctx, kase.flightId, [kase.bookingId]);
  if (!own) return { pnr: null, passengerIds: [] };
  const out = new Set<string>();
  let after: string | null = null;
  do {
    const page = await pageBookings(ctx, kase.flightId, 200, after);
    for (const b of page.bookings)
      if (b.pnr.toUpperCase() === own.pnr.toUpperCase() && b.passengerId !== kase.passengerId) out.add(b.passengerId);
    after = page.next;
  } while (after !== null);
  return { pnr: own.pnr, passengerIds: [...out] };
}

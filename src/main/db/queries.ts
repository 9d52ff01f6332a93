import {
  BookingSchema,
  CaseSchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  IssuanceSchema,
  PassengerSchema,
  delayCategory,
  type Flight,
} from '../../shared/domain/entities.js';
import type {
  BoardFlight,
  BoardResponse,
  CaseView,
  EntitlementView,
  FlightPassengersResponse,
  PassengerRow,
  SearchHit,
} from '../../shared/rpc/contract.js';
import type { Db } from './open.js';

/** A requested entity is not in the cache (maps to RPC `NOT_FOUND`). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

const DISRUPTED = new Set(['CANCELLED', 'DELAYED', 'DIVERTED']);
const STATUS_RANK: Record<string, number> = { CANCELLED: 0, DIVERTED: 1, DELAYED: 2 };

type EntRow = { data: string; pending_command_id: string | null };

/**
 * Read side of the cache: builds the RPC view models. Every row read back is parsed with its
 * domain schema (a corrupt row is an error, not a silently wrong screen).
 */
export class CacheQueries {
  constructor(private readonly db: Db) {}

  board(station: string): BoardResponse {
    const rows = this.db
      .prepare(
        `SELECT data FROM flight WHERE origin = @station
         UNION ALL SELECT data FROM flight WHERE destination = @station AND origin <> @station`,
      )
      .pluck()
      .all({ station }) as string[];
    const flights = rows.map((r) => this.boardFlight(FlightSchema.parse(JSON.parse(r))));
    flights.sort((a, b) => {
      if (a.disrupted !== b.disrupted) return a.disrupted ? -1 : 1;
      if (a.disrupted) {
        const r = (STATUS_RANK[a.status] ?? 3) - (STATUS_RANK[b.status] ?? 3);
        if (r !== 0) return r;
        if (a.delayMinutes !== b.delayMinutes) return b.delayMinutes - a.delayMinutes;
      }
      return a.scheduledDeparture.localeCompare(b.scheduledDeparture) || a.id.localeCompare(b.id);
    });
    return {
      station,
      flights,
      counts: {
        total: flights.length,
        disrupted: flights.filter((f) => f.disrupted).length,
        cancelled: flights.filter((f) => f.status === 'CANCELLED').length,
        delayed: flights.filter((f) => f.status === 'DELAYED').length,
      },
    };
  }

  flight(flightId: string): BoardFlight {
    const raw = this.db.prepare('SELECT data FROM flight WHERE id = ?').pluck().get(flightId) as string | undefined;
    if (raw === undefined) throw new NotFoundError(`flight ${flightId} is not in this desk's cache`);
    return this.boardFlight(FlightSchema.parse(JSON.parse(raw)));
  }

  flightPassengers(flightId: string): FlightPassengersResponse {
    const flight = this.flight(flightId);
    const rows = this.db
      .prepare(
        `SELECT b.data AS booking, p.data AS passenger, c.data AS case_data
         FROM booking b JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN case_file c ON c.flight_id = b.flight_id AND c.passenger_id = b.passenger_id
         WHERE b.flight_id = ?`,
      )
      .all(flightId) as { booking: string; passenger: string; case_data: string | null }[];
    const out: PassengerRow[] = rows.map((r) => {
      const c = r.case_data === null ? null : CaseSchema.parse(JSON.parse(r.case_data));
      return {
        passenger: PassengerSchema.parse(JSON.parse(r.passenger)),
        booking: BookingSchema.parse(JSON.parse(r.booking)),
        case: c,
        entitlements: c ? this.entitlements(c.id) : [],
      };
    });
    out.sort(
      (a, b) =>
        a.passenger.lastName.localeCompare(b.passenger.lastName) ||
        a.passenger.firstName.localeCompare(b.passenger.firstName) ||
        a.booking.id.localeCompare(b.booking.id),
    );
    return {
      flight,
      rows: out,
      counts: {
        passengers: out.length,
        cases: out.filter((r) => r.case !== null).length,
        issued: out.reduce((n, r) => n + r.entitlements.filter((e) => e.effectiveStatus === 'ISSUED').length, 0),
      },
    };
  }

  /** Name prefix (last or "first last") or PNR, case-insensitive. */
  search(query: string, limit: number): SearchHit[] {
    const q = query.trim();
    const words = q.split(/\s+/);
    const escaped = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
    const rows = this.db
      .prepare(
        `SELECT p.data AS passenger, b.data AS booking, f.data AS flight, c.id AS case_id
         FROM booking b JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN flight f ON f.id = b.flight_id
         LEFT JOIN case_file c ON c.flight_id = b.flight_id AND c.passenger_id = b.passenger_id
         WHERE b.pnr = @pnr
            OR p.last_name LIKE @whole ESCAPE '\\'
            OR (p.first_name LIKE @first ESCAPE '\\' AND p.last_name LIKE @rest ESCAPE '\\')
         ORDER BY p.last_name, p.first_name, f.scheduled_departure
         LIMIT @limit`,
      )
      .all({ pnr: q, whole: `${escaped(q)}%`, first: `${escaped(words[0] ?? '')}%`, rest: `${escaped(words.slice(1).join(' ') || '\u0000')}%`, limit }) as {
      passenger: string;
      booking: string;
      flight: string | null;
      case_id: string | null;
    }[];
    return rows.map((r) => ({
      passenger: PassengerSchema.parse(JSON.parse(r.passenger)),
      booking: BookingSchema.parse(JSON.parse(r.booking)),
      flight: r.flight === null ? null : FlightSchema.parse(JSON.parse(r.flight)),
      caseId: r.case_id,
    }));
  }

  caseView(caseId: string): CaseView {
    const raw = this.db.prepare('SELECT data FROM case_file WHERE id = ?').pluck().get(caseId) as string | undefined;
    if (raw === undefined) throw new NotFoundError(`case ${caseId} is not in this desk's cache`);
    const c = CaseSchema.parse(JSON.parse(raw));
    const one = <T>(sql: string, id: string, parse: (x: unknown) => T): T | null => {
      const d = this.db.prepare(sql).pluck().get(id) as string | undefined;
      return d === undefined ? null : parse(JSON.parse(d));
    };
    return {
      case: c,
      passenger: one('SELECT data FROM passenger WHERE id = ?', c.passengerId, (x) => PassengerSchema.parse(x)),
      booking: one('SELECT data FROM booking WHERE id = ?', c.bookingId, (x) => BookingSchema.parse(x)),
      flight: one('SELECT data FROM flight WHERE id = ?', c.flightId, (x) => FlightSchema.parse(x)),
      disruption: one('SELECT data FROM disruption WHERE id = ?', c.disruptionId, (x) => DisruptionSchema.parse(x)),
      entitlements: this.entitlements(c.id),
    };
  }

  /** The cached entitlement with its desk-side sync state, or undefined. */
  entitlement(id: string): EntitlementView | undefined {
    const row = this.db.prepare('SELECT data, pending_command_id FROM entitlement WHERE id = ?').get(id) as EntRow | undefined;
    return row ? this.entitlementView(row) : undefined;
  }

  private entitlements(caseId: string): EntitlementView[] {
    const rows = this.db.prepare('SELECT data, pending_command_id FROM entitlement WHERE case_id = ? ORDER BY id').all(caseId) as EntRow[];
    return rows.map((r) => this.entitlementView(r));
  }

  private entitlementView(row: EntRow): EntitlementView {
    const e = EntitlementSchema.parse(JSON.parse(row.data));
    const issuances = (this.db.prepare('SELECT data FROM issuance WHERE entitlement_id = ?').pluck().all(e.id) as string[]).map((d) =>
      IssuanceSchema.parse(JSON.parse(d)),
    );
    const valid = issuances.find((i) => i.status === 'VALID') ?? null;
    const rejection = this.db
      .prepare(`SELECT code, message FROM attention WHERE entity_ref = ? AND resolved_at IS NULL ORDER BY created_at DESC LIMIT 1`)
      .get(`entitlement:${e.id}`) as { code: string; message: string } | undefined;
    let syncState: EntitlementView['syncState'] = 'none';
    let effectiveStatus = e.status;
    if (e.status === 'ISSUED') syncState = 'synced';
    else if (row.pending_command_id !== null) {
      syncState = 'pending';
      effectiveStatus = 'ISSUED';
    } else if (rejection) syncState = 'rejected';
    return { ...e, syncState, effectiveStatus, voucherSerial: valid?.voucherSerial ?? null, rejection: rejection ?? null };
  }

  private boardFlight(f: Flight): BoardFlight {
    const d = this.db.prepare('SELECT data FROM disruption WHERE flight_id = ? ORDER BY id LIMIT 1').pluck().get(f.id) as string | undefined;
    const disruption = d === undefined ? null : DisruptionSchema.parse(JSON.parse(d));
    const passengerCount = this.db.prepare('SELECT count(*) FROM booking WHERE flight_id = ?').pluck().get(f.id) as number;
    const caseCount = this.db.prepare('SELECT count(*) FROM case_file WHERE flight_id = ?').pluck().get(f.id) as number;
    const delay = Math.max(f.delayMinutes, disruption?.delayMinutes ?? 0);
    return {
      ...f,
      delayCategory: disruption?.delayCategory ?? (delay > 0 ? delayCategory(delay) : null),
      disruption,
      disrupted: DISRUPTED.has(f.status) || (disruption !== null && disruption.kind !== 'GATE_CHANGE'),
      passengerCount,
      caseCount,
    };
  }
}

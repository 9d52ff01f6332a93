import { localTime, stationMovement, stationZone } from '../../shared/board/station-movement.js';
import type { BoardStats } from '../../shared/rpc/board-stats.js';
import type { Db } from './open.js';

interface FlightRow {
  id: string;
  origin: string;
  destination: string;
  sd: string;
  sa: string;
  status: string;
  fdelay: number | null;
  ddelay: number | null;
}

const HOUR_MS = 3_600_000;

/**
 * The board's charts (`board:stats`) as aggregates over the cache, each on an index:
 * - delays by hour: the station's flights whose scheduled departure falls within the local day
 *   widened by a day each side (`flight_origin` / `flight_destination` ranges, a few hundred rows
 *   at most), then bucketed by the local hour of the station's movement in the station's zone;
 * - cases by status: the queue tally the triggers keep (0100), a handful of rows;
 * - issued value by currency: the station's cases (`case_queue` primary key) joined to their
 *   issuances (`issuance_case_value`, covering: 0130).
 */
export class BoardStatsQuery {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private readonly stmts = new Map<string, ReturnType<Db['prepare']>>();
  private prepared(sql: string): ReturnType<Db['prepare']> {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  private readonly flightsStmt = () =>
    this.prepared(
      `SELECT f.id, f.origin, f.destination, f.scheduled_departure AS sd,
         json_extract(f.data, '$.scheduledArrival') AS sa, f.status,
         json_extract(f.data, '$.delayMinutes') AS fdelay,
         (SELECT max(json_extract(d.data, '$.delayMinutes')) FROM disruption d WHERE d.flight_id = f.id) AS ddelay
       FROM flight f WHERE f.origin = @station AND f.scheduled_departure >= @from AND f.scheduled_departure < @to
       UNION ALL
       SELECT f.id, f.origin, f.destination, f.scheduled_departure AS sd,
         json_extract(f.data, '$.scheduledArrival') AS sa, f.status,
         json_extract(f.data, '$.delayMinutes') AS fdelay,
         (SELECT max(json_extract(d.data, '$.delayMinutes')) FROM disruption d WHERE d.flight_id = f.id) AS ddelay
       FROM flight f WHERE f.destination = @station AND f.origin <> @station
         AND f.scheduled_departure >= @from AND f.scheduled_departure < @to`,
    );

  private readonly casesStmt = () =>
    this.prepared(
      `SELECT status, sum(n) AS cases FROM case_queue_tally WHERE station = ? GROUP BY status HAVING sum(n) > 0 ORDER BY status`,
    );

  private readonly issuedStmt = () =>
    this.prepared(
      `SELECT i.currency, sum(i.amount_minor) AS amountMinor, count(*) AS issuances
       FROM case_queue q JOIN issuance i ON i.case_id = q.case_id
       WHERE q.station = ? AND i.status = 'VALID' AND i.local_void_command_id IS NULL AND i.currency IS NOT NULL
       GROUP BY i.currency ORDER BY i.currency`,
    );

  stats(station: string, day?: string): BoardStats {
    const timeZone = stationZone(station);
    const theDay = day ?? localTime(this.now().getTime(), timeZone).day;
    // A local day lies within [UTC midnight − 14 h, UTC midnight + 38 h); an arrival departs up to a
    // day before it lands. The exact day is then checked in the station's zone.
    const midnight = Date.parse(`${theDay}T00:00:00Z`);
    const from = new Date(midnight - 38 * HOUR_MS).toISOString();
    const to = new Date(midnight + 38 * HOUR_MS).toISOString();

    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, flights: 0, delayed: 0, cancelled: 0, delayMinutes: 0 }));
    const rows = this.flightsStmt().all({ station, from, to }) as FlightRow[];
    for (const r of rows) {
      const m = stationMovement(
        {
          id: r.id,
          origin: r.origin,
          destination: r.destination,
          scheduledDeparture: r.sd,
          scheduledArrival: r.sa,
          estimatedDeparture: null,
          estimatedArrival: null,
          actualDeparture: null,
          actualArrivalDoorOpen: null,
          gate: null,
        },
        station,
      );
      const at = localTime(m.scheduled, timeZone);
      if (at.day !== theDay) continue;
      const h = hours[at.hour]!;
      h.flights++;
      const delay = Math.max(r.fdelay ?? 0, r.ddelay ?? 0);
      if (r.status === 'CANCELLED') h.cancelled++;
      else if (delay > 0) {
        h.delayed++;
        h.delayMinutes += delay;
      }
    }

    const casesByStatus = (this.casesStmt().all(station) as { status: string; cases: number }[]).map((c) => ({
      status: c.status,
      cases: c.cases,
    }));
    const issuedByCurrency = (this.issuedStmt().all(station) as { currency: string; amountMinor: number; issuances: number }[]).map(
      (r) => ({ currency: r.currency, amountMinor: r.amountMinor, issuances: r.issuances }),
    );
    return { station, timeZone, day: theDay, delaysByHour: hours, casesByStatus, issuedByCurrency };
  }
}

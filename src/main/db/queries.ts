import { auditHash, verifyAuditChain } from '../../shared/audit.js';
import { matchBoardingPass, type BoardingPass } from '../../shared/boarding-pass.js';
import { airportByIata } from '../../shared/reference/airports.js';
import {
  ApprovalSchema,
  AuditEntrySchema,
  BookingSchema,
  CaseSchema,
  DisruptionSchema,
  EntitlementSchema,
  FlightSchema,
  IssuanceSchema,
  PassengerSchema,
  delayCategory,
  type Approval,
  type AuditEntry,
  type Case,
  type CaseStatus,
  type Entitlement,
  type Flight,
} from '../../shared/domain/entities.js';
import type { Money } from '../../shared/money.js';
import type { z } from 'zod';
import {
  caseSlaMinutes,
  checkApprover,
  checkIssue,
  defaultPolicySet,
  entitlementValue,
  isCashType,
  needsConfirmation,
  evaluate,
  parsePolicySet,
  type ControlRole,
  type Decision,
  type PolicySet,
} from '../../shared/policy/index.js';
import { toClaimCase } from '../../shared/policy/claim-from-domain.js';
import { resolvePolicyVersion, type PublishedRef } from '../../shared/policy/versions.js';
import type {
  ApprovalView,
  BoardFlight,
  BoardResponse,
  CaseView,
  EntitlementView,
  FlightPassengersResponse,
  PassengerRow,
  QueueItem,
  QueueName,
  ScanResponse,
  SearchHit,
  Session,
} from '../../shared/rpc/contract.js';
import { effectiveEntitlementStatus } from '../commands/effects.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Db } from './open.js';
import { sortByStationTime, stationZone } from '../../shared/board/station-movement.js';

export { NotFoundError } from '../errors.js';

/** A prepared statement as the queries use it (positional or named parameters). */
interface Stmt {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(on?: boolean): Stmt;
}

/** Who is looking, for the views that depend on it (money controls, queues, approvals). */
export interface Viewer {
  username: string;
  role: Session['role'];
  /** Stations the user may see (`*` = all cached ones). */
  stations: readonly string[];
  /** The sync engine's current state: offline money rules apply when false. */
  online: boolean;
}

export interface CacheQueriesOptions {
  /** The signed-in user and the desk's online state; null/absent = nobody (no controls, no station filter). */
  viewer?: () => Viewer | null;
  now?: () => Date;
  policy?: () => PolicySet;
}

/** The money-control role of a session role; null = no role that may act on money. */
export const controlRole = (role: Session['role']): ControlRole | null => (role === 'unknown' ? null : role);

const OPEN_STATUSES = `('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL')`;
const QUEUE_WHERE: Record<Exclude<QueueName, 'rejected'>, string> = {
  mine: `q.assignee = @me AND q.station = @station AND q.status IN ${OPEN_STATUSES}`,
  unassigned: `q.station = @station AND q.status = 'OPEN' AND q.assignee IS NULL`,
  awaiting_approval: `q.station = @station AND q.status = 'AWAITING_APPROVAL'`,
  needs_review: `q.station = @station AND q.needs_review = 1 AND q.status <> 'CLOSED'`,
};
/** Each queue's count, from the tally the triggers keep (0100): a handful of rows, not an index scan. */
const QUEUE_COUNT_WHERE: Record<Exclude<QueueName, 'rejected'>, string> = {
  mine: `t.assignee = @me AND t.station = @station AND t.status IN ${OPEN_STATUSES}`,
  unassigned: `t.station = @station AND t.status = 'OPEN' AND t.assignee = ''`,
  awaiting_approval: `t.station = @station AND t.status = 'AWAITING_APPROVAL'`,
  needs_review: `t.station = @station AND t.needs_review = 1 AND t.status <> 'CLOSED'`,
};
const QUEUES: QueueName[] = ['mine', 'unassigned', 'awaiting_approval', 'needs_review', 'rejected'];

const minutesBetween = (from: string | null, now: Date): number => {
  if (!from) return 0;
  const t = Date.parse(from);
  return Number.isFinite(t) ? Math.max(0, Math.floor((now.getTime() - t) / 60_000)) : 0;
};

const flightLabel = (f: Flight | null, fallbackId: string): string =>
  f ? `${f.carrier}${f.number} ${f.origin}→${f.destination} ${f.scheduledDeparture.slice(0, 10)}` : fallbackId;

const passengerName = (raw: string | null): string => {
  if (raw === null) return 'unknown passenger';
  const p = PassengerSchema.parse(JSON.parse(raw));
  return `${p.firstName} ${p.lastName}`;
};

/** The case as this desk shows it: the server snapshot with this desk's pending changes on top. */
function effectiveCase(data: string, localStatus: string | null, localAssignee: string | null): Case {
  const server = CaseSchema.parse(JSON.parse(data));
  return {
    ...server,
    status: (localStatus ?? server.status) as CaseStatus,
    assignee: localAssignee === null ? server.assignee : localAssignee || null,
  };
}

/**
 * Whether a case's cached audit trail verifies. A desk may hold only the tail of a chain (a
 * station's log is compacted below its retention floor, or the desk joined late): a chain
 * that does not start at seq 1 is checked from its first cached entry on (each hash recomputed,
 * each link and seq contiguous) and is NOT called broken for its missing head. Any gap or
 * altered entry inside what is cached is broken.
 */
export function auditVerifies(entries: readonly AuditEntry[]): boolean {
  if (entries.length === 0) return true;
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  if (sorted[0]!.seq === 1) return verifyAuditChain(sorted).ok;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    const { hash, version: _v, ...body } = e;
    if (auditHash(body) !== hash) return false;
    if (i > 0 && (e.seq !== sorted[i - 1]!.seq + 1 || e.prevHash !== sorted[i - 1]!.hash)) return false;
  }
  return true;
}

const DISRUPTED = new Set(['CANCELLED', 'DELAYED', 'DIVERTED']);
/** Open cases of a flight with something still owed (offered, or awaiting approval), pending local changes included. */
const CASES_OWED_SQL = `SELECT count(*) FROM case_file c
  WHERE c.flight_id = ? AND COALESCE(c.local_status, c.status) IN ${OPEN_STATUSES}
    AND EXISTS (SELECT 1 FROM entitlement e WHERE e.case_id = c.id
      AND COALESCE(e.local_status, e.status) IN ('OFFERED', 'PENDING_APPROVAL'))`;

/** The same count as CASES_OWED_SQL, grouped by flight over a set of flights (`@flights`). */
const CASES_OWED_BY_FLIGHT_SQL = `SELECT c.flight_id, count(*) AS n FROM case_file c
  WHERE c.flight_id IN @flights AND COALESCE(c.local_status, c.status) IN ${OPEN_STATUSES}
    AND EXISTS (SELECT 1 FROM entitlement e WHERE e.case_id = c.id
      AND COALESCE(e.local_status, e.status) IN ('OFFERED', 'PENDING_APPROVAL'))
  GROUP BY c.flight_id`;

interface FlightStats {
  disruption: string | undefined;
  passengers: number;
  cases: number;
  owed: number;
}
const NO_STATS: FlightStats = Object.freeze({ disruption: undefined, passengers: 0, cases: 0, owed: 0 });

type EntRow = { data: string; pending_command_id: string | null; local_status: string | null };

/**
 * Read side of the cache: builds the RPC view models. Every row read back is parsed with its
 * domain schema (a corrupt row is an error, not a silently wrong screen).
 */
export class CacheQueries {
  private readonly viewerFn: () => Viewer | null;
  private readonly now: () => Date;
  private readonly policyFn: () => PolicySet;
  private todayMemo: Map<string, number> | null = null;

  constructor(
    private readonly db: Db,
    opts: CacheQueriesOptions = {},
  ) {
    this.viewerFn = opts.viewer ?? (() => null);
    this.now = opts.now ?? (() => new Date());
    this.policyFn = opts.policy ?? defaultPolicySet;
  }

  private readonly stmts = new Map<string, Stmt>();

  /** A prepared statement, prepared once per SQL text (a passenger list runs the same few hundreds of times). */
  private sql(text: string): Stmt {
    let st = this.stmts.get(text);
    if (!st) {
      st = this.db.prepare(text) as unknown as Stmt;
      this.stmts.set(text, st);
    }
    return st;
  }

  /** The current viewer, if any. */
  viewer(): Viewer | null {
    return this.viewerFn();
  }

  /** True when the viewer may see a station (no viewer = no filter). */
  private seesStation(station: string, v: Viewer | null = this.viewerFn()): boolean {
    return v === null || v.stations.includes('*') || v.stations.includes(station);
  }

  /** The viewer's stations as a JSON array for SQL filters; null = no filter (no viewer, or `*`). */
  private stationFilter(): string | null {
    const v = this.viewerFn();
    return v === null || v.stations.includes('*') ? null : JSON.stringify(v.stations);
  }

  /** Runs `fn` with the per-user daily totals computed once (a passenger list asks for each entitlement). */
  private memoized<T>(fn: () => T): T {
    if (this.todayMemo) return fn();
    this.todayMemo = new Map();
    try {
      return fn();
    } finally {
      this.todayMemo = null;
    }
  }

  private requireStation(station: string): Viewer {
    const v = this.viewerFn();
    if (v === null) throw new ForbiddenError('sign in first');
    if (!this.seesStation(station, v)) throw new ForbiddenError(`station ${station} is not one of your stations`);
    return v;
  }

  board(station: string): BoardResponse {
    const rows = this.sql(
      `SELECT data FROM flight WHERE origin = @station
         UNION ALL SELECT data FROM flight WHERE destination = @station AND origin <> @station`,
    )
      .pluck()
      .all({ station }) as string[];
    // By the instant of this station's movement (an arrival by when it lands here), never by
    // origin-local clock strings: see src/shared/board/station-movement.ts.
    const stats = this.boardStats(station);
    const flights = sortByStationTime(
      rows.map((r) => {
        const f = FlightSchema.parse(JSON.parse(r));
        return this.boardFlight(f, stats.get(f.id) ?? NO_STATS);
      }),
      station,
    );
    return {
      station,
      timeZone: stationZone(station),
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
    const raw = this.sql('SELECT data FROM flight WHERE id = ?').pluck().get(flightId) as string | undefined;
    if (raw === undefined) throw new NotFoundError(`flight ${flightId} is not in this desk's cache`);
    const f = FlightSchema.parse(JSON.parse(raw));
    // The cache may still hold a previous user's stations: show only the signed-in user's.
    if (!this.seesStation(f.origin) && !this.seesStation(f.destination)) {
      throw new ForbiddenError(`flight ${flightId} (${f.origin}→${f.destination}) is not at one of your stations`);
    }
    return this.boardFlight(f);
  }

  flightPassengers(flightId: string): FlightPassengersResponse {
    const flight = this.flight(flightId);
    const rows = this.sql(
      `SELECT b.data AS booking, p.data AS passenger, c.data AS case_data, c.local_status, c.local_assignee
         FROM booking b JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN case_file c ON c.flight_id = b.flight_id AND c.passenger_id = b.passenger_id
         WHERE b.flight_id = ?`,
    ).all(flightId) as {
      booking: string;
      passenger: string;
      case_data: string | null;
      local_status: string | null;
      local_assignee: string | null;
    }[];
    const out: PassengerRow[] = this.memoized(() =>
      rows.map((r) => {
        const c = r.case_data === null ? null : effectiveCase(r.case_data, r.local_status, r.local_assignee);
        return {
          passenger: PassengerSchema.parse(JSON.parse(r.passenger)),
          booking: BookingSchema.parse(JSON.parse(r.booking)),
          case: c,
          entitlements: c ? this.entitlements(c.id) : [],
        };
      }),
    );
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

  /**
   * Passenger search: name prefix (last, or "first last"), PNR, seat (`12A`, zeros ignored) or
   * ticket number (13 digits, or a prefix of 6 or more; spaces and dashes ignored), all
   * case-insensitive, at the viewer's stations. One page (`limit` from `offset`) and the total:
   * each kind of match is its own indexed lookup, unioned, so no branch scans the bookings.
   */
  search(query: string, limit: number, offset = 0): { hits: SearchHit[]; total: number; offset: number } {
    const q = query.trim();
    const words = q.split(/\s+/);
    const escaped = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
    const digits = q.replace(/[\s-]/g, '');
    const ticket = /^\d{6,13}$/.test(digits) ? digits : null;
    const seat = /^\d{1,3}[A-Za-z]$/.test(q) ? q.replace(/^0+(?=\d)/, '').toUpperCase() : null;
    const params = {
      pnr: q,
      whole: `${escaped(q)}%`,
      first: `${escaped(words[0] ?? '')}%`,
      rest: words.length > 1 ? `${escaped(words.slice(1).join(' '))}%` : null,
      seat,
      tlo: ticket,
      // ':' sorts right after '9': [prefix, prefix + ':') is every ticket number with that prefix.
      thi: ticket === null ? null : `${ticket}:`,
      stations: this.stationFilter(),
    };
    const matched = `WITH m(id) AS (
         SELECT id FROM booking WHERE pnr = @pnr
         UNION SELECT b.id FROM passenger p JOIN booking b ON b.passenger_id = p.id WHERE p.last_name LIKE @whole ESCAPE '\\'
         UNION SELECT b.id FROM passenger p JOIN booking b ON b.passenger_id = p.id
           WHERE @rest IS NOT NULL AND p.last_name LIKE @rest ESCAPE '\\' AND p.first_name LIKE @first ESCAPE '\\'
         UNION SELECT id FROM booking WHERE seat = @seat
         UNION SELECT id FROM booking WHERE ticket_number >= @tlo AND ticket_number < @thi
       )`;
    const visible = `(@stations IS NULL OR f.origin IN (SELECT value FROM json_each(@stations)) OR f.destination IN (SELECT value FROM json_each(@stations)))`;
    const total = this.sql(
      `${matched} SELECT count(*) FROM m JOIN booking b ON b.id = m.id LEFT JOIN flight f ON f.id = b.flight_id WHERE ${visible}`,
    )
      .pluck()
      .get(params) as number;
    const rows = this.sql(
      `${matched}
       SELECT p.data AS passenger, b.data AS booking, f.data AS flight, c.id AS case_id
         FROM m JOIN booking b ON b.id = m.id JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN flight f ON f.id = b.flight_id
         LEFT JOIN case_file c ON c.flight_id = b.flight_id AND c.passenger_id = b.passenger_id
         WHERE ${visible}
         ORDER BY p.last_name, p.first_name, f.scheduled_departure, b.id
         LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit, offset }) as {
      passenger: string;
      booking: string;
      flight: string | null;
      case_id: string | null;
    }[];
    return { hits: rows.map((r) => this.hit(r)), total, offset };
  }

  private hit(r: { passenger: string; booking: string; flight: string | null; case_id: string | null }): SearchHit {
    return {
      passenger: PassengerSchema.parse(JSON.parse(r.passenger)),
      booking: BookingSchema.parse(JSON.parse(r.booking)),
      flight: r.flight === null ? null : FlightSchema.parse(JSON.parse(r.flight)),
      caseId: r.case_id,
    };
  }

  /**
   * The booking a scanned boarding pass is for, from this desk's cache (works offline): the
   * bookings of the pass's PNR, narrowed by name, then flight (carrier, number, local date), then
   * the viewer's stations (see matchBoardingPass).
   */
  scan(pass: BoardingPass): ScanResponse {
    const rows = this.sql(
      `SELECT p.data AS passenger, b.data AS booking, f.data AS flight, c.id AS case_id
         FROM booking b JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN flight f ON f.id = b.flight_id
         LEFT JOIN case_file c ON c.flight_id = b.flight_id AND c.passenger_id = b.passenger_id
         WHERE b.pnr = ?
         ORDER BY b.id`,
    ).all(pass.pnr) as { passenger: string; booking: string; flight: string | null; case_id: string | null }[];
    const hits = rows.map((r) => this.hit(r));
    const found = matchBoardingPass(pass, hits, (h) => ({
      passenger: h.passenger,
      flight: h.flight,
      originTimeZone: (h.flight && airportByIata(h.flight.origin)?.tz) ?? 'UTC',
      visible: h.flight !== null && (this.seesStation(h.flight.origin) || this.seesStation(h.flight.destination)),
    }));
    return 'index' in found
      ? { status: 'matched', pass, hit: hits[found.index]! }
      : { status: 'unknown', pass, code: found.miss };
  }

  caseView(caseId: string): CaseView {
    const row = this.sql('SELECT data, local_status, local_assignee FROM case_file WHERE id = ?').get(caseId) as
      { data: string; local_status: string | null; local_assignee: string | null } | undefined;
    if (row === undefined) throw new NotFoundError(`case ${caseId} is not in this desk's cache`);
    const c = effectiveCase(row.data, row.local_status, row.local_assignee);
    const v = this.viewerFn();
    if (v !== null && !c.stations.some((st) => this.seesStation(st, v))) {
      throw new ForbiddenError(`case ${caseId} belongs to ${c.stations.join('/')}, not to your stations`);
    }
    const one = <T>(sql: string, id: string, parse: (x: unknown) => T): T | null => {
      const d = this.sql(sql).pluck().get(id) as string | undefined;
      return d === undefined ? null : parse(JSON.parse(d));
    };
    const audit = (this.sql('SELECT data FROM audit WHERE case_id = ? ORDER BY seq').pluck().all(c.id) as string[]).map(
      (d) => AuditEntrySchema.parse(JSON.parse(d)),
    );
    const passenger = one('SELECT data FROM passenger WHERE id = ?', c.passengerId, (x) => PassengerSchema.parse(x));
    const booking = one('SELECT data FROM booking WHERE id = ?', c.bookingId, (x) => BookingSchema.parse(x));
    const flight = one('SELECT data FROM flight WHERE id = ?', c.flightId, (x) => FlightSchema.parse(x));
    const disruption = one('SELECT data FROM disruption WHERE id = ?', c.disruptionId, (x) => DisruptionSchema.parse(x));
    return {
      case: c,
      passenger,
      booking,
      flight,
      disruption,
      entitlements: this.memoized(() => this.entitlements(c.id)),
      issuances: (
        this.sql('SELECT data FROM issuance WHERE case_id = ? ORDER BY issued_at, id').pluck().all(c.id) as string[]
      ).map((d) => IssuanceSchema.parse(JSON.parse(d))),
      approvals: (
        this.sql('SELECT data FROM approval WHERE case_id = ? ORDER BY requested_at, id').pluck().all(c.id) as string[]
      ).map((d) => ApprovalSchema.parse(JSON.parse(d))),
      audit,
      auditVerified: auditVerifies(audit),
      ...this.preview(c, flight, disruption, booking, passenger),
      policyPublishedAt: this.policyPublishedAt(c.policySetVersion),
    };
  }

  /** When the synced policy store version that decided a case was published (the policy table is a few rows). */
  private policyPublishedAt(version: number | undefined): string | null {
    if (version === undefined) return null;
    const at = this.sql(
      "SELECT json_extract(data, '$.publishedAt') FROM policy WHERE json_extract(data, '$.version') = ? AND json_extract(data, '$.publishedAt') IS NOT NULL LIMIT 1",
    )
      .pluck()
      .get(version) as string | null | undefined;
    return at ?? null;
  }

  private readonly syncedPolicies = new Map<string, PublishedRef & { rowVersion: number; label: string; contentHash: string }>();
  private readonly policySets = new Map<string, PolicySet>();

  /**
   * The published versions synced into the `policy` table (issue #9): metadata per row, read once per
   * row version (the content is parsed only for the version a preview needs, then kept by hash).
   */
  private syncedVersions(): (PublishedRef & { id: string; label: string; contentHash: string })[] {
    const rows = this.sql('SELECT id, version FROM policy').all() as { id: string; version: number }[];
    const out: (PublishedRef & { id: string; label: string; contentHash: string })[] = [];
    for (const r of rows) {
      let m = this.syncedPolicies.get(r.id);
      if (!m || m.rowVersion !== r.version) {
        const d = this.sql(
          "SELECT json_extract(data, '$.version') AS v, json_extract(data, '$.publishSeq') AS ps, json_extract(data, '$.effectiveFrom') AS ef, json_extract(data, '$.label') AS label, json_extract(data, '$.contentHash') AS hash, json_extract(data, '$.status') AS st FROM policy WHERE id = ?",
        ).get(r.id) as { v: number | null; ps: number | null; ef: string | null; label: string | null; hash: string | null; st: string | null };
        if (d.v === null || d.ps === null || !d.ef || d.st === 'draft') continue;
        m = { version: d.v, publishSeq: d.ps, effectiveFrom: d.ef, rowVersion: r.version, label: d.label ?? `v${d.v}`, contentHash: d.hash ?? '' };
        this.syncedPolicies.set(r.id, m);
      }
      out.push({ ...m, id: r.id });
    }
    return out;
  }

  /** The policy set and label for a flight's scheduled departure: the newest synced version in force then, else the bundled set. */
  policyForDeparture(departure: string): { set: PolicySet; label: string } {
    const ref = resolvePolicyVersion(this.syncedVersions(), departure);
    if (!ref) return { set: this.policyFn(), label: 'bundled' };
    let set = this.policySets.get(ref.contentHash);
    if (!set) {
      const content = this.sql("SELECT json_extract(data, '$.content') FROM policy WHERE id = ?").pluck().get(ref.id) as string;
      set = parsePolicySet(JSON.parse(content) as unknown[]);
      this.policySets.set(ref.contentHash, set);
    }
    return { set, label: ref.label };
  }

  /**
   * The policy a case's preview uses: the store version that decided it when this desk has it (the
   * backend re-decides a recorded choice under that version), else the version in force at departure.
   */
  policyForCase(policySetVersion: number | undefined, departure: string): { set: PolicySet; label: string } {
    if (policySetVersion !== undefined) {
      const ref = this.syncedVersions().find((r) => r.version === policySetVersion);
      if (ref) {
        let set = this.policySets.get(ref.contentHash);
        if (!set) {
          const content = this.sql("SELECT json_extract(data, '$.content') FROM policy WHERE id = ?").pluck().get(ref.id) as string;
          set = parsePolicySet(JSON.parse(content) as unknown[]);
          this.policySets.set(ref.contentHash, set);
        }
        return { set, label: ref.label };
      }
    }
    return this.policyForDeparture(departure);
  }

  /**
   * The other passengers of a case's booking (same PNR, same flight) with their case ids: who may
   * share the passenger's hotel room (care.ts checkCare).
   */
  coTravellers(caseId: string): { pnr: string | null; travellers: { passengerId: string; name: string; caseId: string | null }[] } {
    const c = this.sql('SELECT flight_id, passenger_id, booking_id FROM case_file WHERE id = ?').get(caseId) as
      { flight_id: string; passenger_id: string; booking_id: string } | undefined;
    if (!c) throw new NotFoundError(`case ${caseId} is not in this desk's cache`);
    const pnr = this.sql('SELECT pnr FROM booking WHERE id = ?').pluck().get(c.booking_id) as string | undefined;
    if (pnr === undefined) return { pnr: null, travellers: [] };
    const rows = this.sql(
      `SELECT b.passenger_id AS pid, p.first_name AS fn, p.last_name AS ln, cf.id AS cid
         FROM booking b LEFT JOIN passenger p ON p.id = b.passenger_id
         LEFT JOIN case_file cf ON cf.flight_id = b.flight_id AND cf.passenger_id = b.passenger_id
        WHERE b.flight_id = ? AND b.pnr = ? AND b.passenger_id <> ?
        ORDER BY p.last_name, p.first_name, b.passenger_id`,
    ).all(c.flight_id, pnr, c.passenger_id) as { pid: string; fn: string | null; ln: string | null; cid: string | null }[];
    const seen = new Set<string>();
    const travellers = rows
      .filter((r) => !seen.has(r.pid) && (seen.add(r.pid), true))
      .map((r) => ({ passengerId: r.pid, name: r.fn || r.ln ? `${r.fn ?? ''} ${r.ln ?? ''}`.trim() : r.pid, caseId: r.cid }));
    return { pnr, travellers };
  }

  /** The desk's own decision for the case (the backend's claim mapping and engine), with its version label. */
  private preview(
    c: CaseView['case'],
    flight: CaseView['flight'],
    disruption: CaseView['disruption'],
    booking: CaseView['booking'],
    passenger: CaseView['passenger'],
  ): { policyLabel: string | null; preview: Decision | null } {
    if (!flight || !disruption || !booking) return { policyLabel: null, preview: null };
    // The passenger's recorded choice is part of the claim (the backend's recordChoice re-decides with it).
    const claim = toClaimCase({ caseId: c.id, flight, disruption, booking, passenger, choice: c.passengerChoice?.choice ?? null });
    if (!claim) return { policyLabel: null, preview: null };
    try {
      const { set, label } = this.policyForCase(c.policySetVersion, flight.scheduledDeparture);
      return { policyLabel: label, preview: evaluate(claim, set) };
    } catch {
      return { policyLabel: null, preview: null };
    }
  }

  /** The cached approval, with this desk's pending decision (if any). */
  approval(id: string): { approval: Approval; pendingDecision: 'approve' | 'deny' | null } | undefined {
    const row = this.sql('SELECT data, local_decision FROM approval WHERE id = ?').get(id) as
      { data: string; local_decision: string | null } | undefined;
    if (!row) return undefined;
    return {
      approval: ApprovalSchema.parse(JSON.parse(row.data)),
      pendingDecision: row.local_decision as 'approve' | 'deny' | null,
    };
  }

  /** The cached issuance and whether this desk has a void of it queued. */
  issuance(id: string): { issuance: z.infer<typeof IssuanceSchema>; voidPending: boolean } | undefined {
    const row = this.sql('SELECT data, local_void_command_id FROM issuance WHERE id = ?').get(id) as
      { data: string; local_void_command_id: string | null } | undefined;
    if (!row) return undefined;
    return { issuance: IssuanceSchema.parse(JSON.parse(row.data)), voidPending: row.local_void_command_id !== null };
  }

  /** The policy instant of a case: its flight's scheduled departure (the version in force then). */
  policyAt(caseId: string): string {
    const r = this.sql(
      'SELECT f.scheduled_departure AS dep, c.opened_at AS opened FROM case_file c LEFT JOIN flight f ON f.id = c.flight_id WHERE c.id = ?',
    ).get(caseId) as { dep: string | null; opened: string | null } | undefined;
    return r?.dep ?? r?.opened ?? this.now().toISOString();
  }

  /** The policy set in force at `at` (the newest synced version then, else the bundled set); without `at`, the bundled/injected set. */
  policy(at?: string): PolicySet {
    return at === undefined ? this.policyFn() : this.policyForDeparture(at).set;
  }

  /** What an entitlement counts for under the policy of its case (null = no value or no policy). */
  valueOf(e: Pick<Entitlement, 'caseId' | 'regime' | 'type' | 'amount'>): Money | null {
    try {
      const at = this.policyAt(e.caseId);
      return entitlementValue(this.policy(at), e, at);
    } catch {
      return e.amount;
    }
  }

  /**
   * The desk's view of what `username` issued today (UTC day) in `currency`, in minor units: their
   * valid cached issuances (not those authorised by an approval, which the rules exempt) plus the
   * issue commands they queued on this desk that are not confirmed yet.
   */
  issuedTodayMinor(username: string, currency: string): number {
    const key = `${username}\n${currency}`;
    const memo = this.todayMemo?.get(key);
    if (memo !== undefined) return memo;
    const total = this.computeIssuedToday(username, currency);
    this.todayMemo?.set(key, total);
    return total;
  }

  private computeIssuedToday(username: string, currency: string): number {
    const today = `${this.now().toISOString().slice(0, 10)}T00:00:00`;
    let total = 0;
    const issued = this.sql(
      `SELECT i.data AS iss, e.data AS ent FROM issuance i LEFT JOIN entitlement e ON e.id = i.entitlement_id
         WHERE i.issued_by = ? AND i.issued_at >= ? AND i.status = 'VALID' AND i.local_void_command_id IS NULL`,
    ).all(username, today) as { iss: string; ent: string | null }[];
    const counted = new Set<string>();
    for (const r of issued) {
      const iss = IssuanceSchema.parse(JSON.parse(r.iss));
      if (iss.approvalId !== null) continue;
      counted.add(iss.commandId);
      const value = iss.amount ?? (r.ent === null ? null : this.valueOf(EntitlementSchema.parse(JSON.parse(r.ent))));
      if (value?.currency === currency) total += value.amountMinor;
    }
    const queued = this.sql(
      `SELECT o.command_id AS id, e.data AS ent FROM outbox o LEFT JOIN entitlement e ON e.id = json_extract(o.envelope, '$.payload.entitlementId')
                WHERE o.type = 'issueEntitlement' AND (o.created_by = ? OR o.created_by IS NULL)`,
    ).all(username) as { id: string; ent: string | null }[];
    for (const r of queued) {
      if (counted.has(r.id) || r.ent === null) continue;
      const value = this.valueOf(EntitlementSchema.parse(JSON.parse(r.ent)));
      if (value?.currency === currency) total += value.amountMinor;
    }
    return total;
  }

  /** Open approval requests of the viewer's stations that are NOT their own, oldest first. */
  approvalList(station?: string): ApprovalView[] {
    const v = station ? this.requireStation(station) : this.viewerFn();
    if (v === null) throw new ForbiddenError('sign in first');
    const role = controlRole(v.role);
    // Agents never decide: an empty list, not an error (the same screen can render for everyone).
    if (role === null || role === 'agent') return [];
    const stations = station ? [station] : v.stations.includes('*') ? null : [...v.stations];
    const rows = this.sql(
      `SELECT a.data AS approval, a.local_decision AS decision, e.data AS ent, p.data AS pax, f.data AS flight, c.flight_id AS flight_id
         FROM approval a
         LEFT JOIN entitlement e ON e.id = a.entitlement_id
         LEFT JOIN case_file c ON c.id = a.case_id
         LEFT JOIN passenger p ON p.id = c.passenger_id
         LEFT JOIN flight f ON f.id = c.flight_id
         WHERE a.status IN ('PENDING', 'ESCALATED') AND a.requested_by <> @me
           AND (@stations IS NULL OR EXISTS (SELECT 1 FROM json_each(a.data, '$.stations') s WHERE s.value IN (SELECT value FROM json_each(@stations))))
         ORDER BY a.requested_at, a.id`,
    ).all({ me: v.username, stations: stations === null ? null : JSON.stringify(stations) }) as {
      approval: string;
      decision: string | null;
      ent: string | null;
      pax: string | null;
      flight: string | null;
      flight_id: string | null;
    }[];
    const now = this.now();
    return rows.map((r) => {
      const a = ApprovalSchema.parse(JSON.parse(r.approval));
      const ent = r.ent === null ? null : EntitlementSchema.parse(JSON.parse(r.ent));
      const flight = r.flight === null ? null : FlightSchema.parse(JSON.parse(r.flight));
      const pendingDecision = r.decision as 'approve' | 'deny' | null;
      let cannot: string | null = null;
      if (pendingDecision !== null) cannot = `your decision (${pendingDecision}) is waiting to sync`;
      else if (a.level === 'admin' && role !== 'admin')
        cannot = 'escalated to an admin: above the supervisors’ approval limit';
      else {
        const check = this.approverCheck(role, a);
        if (!check.ok) cannot = check.message;
      }
      return {
        ...a,
        passengerName: passengerName(r.pax),
        flightLabel: flightLabel(flight, r.flight_id ?? a.caseId),
        clauses: ent?.clauses ?? [],
        ageMinutes: minutesBetween(a.requestedAt, now),
        pendingDecision,
        canDecide: cannot === null,
        cannotDecideReason: cannot,
      };
    });
  }

  /** checkApprover for an approval's amount under its case's policy. */
  approverCheck(role: ControlRole, a: Approval): { ok: true } | { ok: false; code: string; message: string } {
    try {
      const at = this.policyAt(a.caseId);
      const r = checkApprover(this.policy(at), role, a.amount, at);
      return r.ok ? { ok: true } : r;
    } catch (err) {
      return {
        ok: false,
        code: 'FORBIDDEN_ROLE',
        message: `no money controls in the policy for this flight (${(err as Error).message})`,
      };
    }
  }

  /** One page of a work queue at a station, with the count of every queue (for the tabs). */
  queue(
    queue: QueueName,
    station: string,
    limit: number,
    offset: number,
  ): { queue: QueueName; items: QueueItem[]; total: number; counts: Record<QueueName, number> } {
    const v = this.requireStation(station);
    const params = { me: v.username, station };
    const counts = Object.fromEntries(
      QUEUES.map((q) => [
        q,
        q === 'rejected'
          ? this.rejectedItems(station).length
          : (this.sql(`SELECT COALESCE(sum(n), 0) FROM case_queue_tally t WHERE ${QUEUE_COUNT_WHERE[q]}`)
              .pluck()
              .get(params) as number),
      ]),
    ) as Record<QueueName, number>;
    if (queue === 'rejected') {
      const all = this.rejectedItems(station);
      return { queue, items: all.slice(offset, offset + limit), total: all.length, counts };
    }
    const rows = this.sql(
      `SELECT q.case_id, q.status, q.assignee, q.since, c.data AS case_data, c.flight_id, p.data AS pax, f.data AS flight
         FROM case_queue q
         JOIN case_file c ON c.id = q.case_id
         LEFT JOIN passenger p ON p.id = c.passenger_id
         LEFT JOIN flight f ON f.id = c.flight_id
         WHERE ${QUEUE_WHERE[queue]}
         ORDER BY q.since, q.case_id
         LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit, offset }) as {
      case_id: string;
      status: string;
      assignee: string | null;
      since: string | null;
      case_data: string;
      flight_id: string;
      pax: string | null;
      flight: string | null;
    }[];
    const now = this.now();
    const items = rows.map((r) => {
      const c = CaseSchema.parse(JSON.parse(r.case_data));
      const flight = r.flight === null ? null : FlightSchema.parse(JSON.parse(r.flight));
      return this.queueItem({
        caseId: r.case_id,
        status: r.status as CaseStatus,
        assignee: r.assignee,
        since: r.since,
        flightId: r.flight_id,
        flight,
        pax: r.pax,
        detail: queue === 'needs_review' ? c.needsReview.join('; ') || null : null,
        now,
      });
    });
    return { queue, items, total: counts[queue], counts };
  }

  private queueItem(i: {
    caseId: string;
    status: CaseStatus;
    assignee: string | null;
    since: string | null;
    flightId: string;
    flight: Flight | null;
    pax: string | null;
    detail: string | null;
    now: Date;
    commandId?: string;
    code?: string;
  }): QueueItem {
    const ageMinutes = minutesBetween(i.since, i.now);
    let sla: number | null = null;
    try {
      const at = i.flight?.scheduledDeparture ?? i.now.toISOString();
      sla = caseSlaMinutes(this.policy(at), i.status, at);
    } catch {
      sla = null;
    }
    const slaMinutes = sla !== null && sla > 0 ? Math.floor(sla) : null;
    return {
      caseId: i.caseId,
      passengerName: passengerName(i.pax),
      flightId: i.flightId,
      flightLabel: flightLabel(i.flight, i.flightId),
      status: i.status,
      assignee: i.assignee,
      ageMinutes,
      slaMinutes,
      overdue: slaMinutes !== null && ageMinutes > slaMinutes,
      detail: i.detail,
      commandId: i.commandId ?? null,
      code: i.code ?? null,
    };
  }

  /** The signed-in user's unresolved rejections at a station (needs-attention is per user), newest first, as queue items of their case. */
  private rejectedItems(station: string): QueueItem[] {
    const rows = this.sql(
      `SELECT a.command_id, a.entity_ref, a.code, a.message, a.created_at FROM attention a
         WHERE a.resolved_at IS NULL AND json_extract(a.envelope, '$.station') = ?
           AND (? IS NULL OR a.created_by = ?) ORDER BY a.created_at DESC`,
    ).all(station, this.viewerFn()?.username ?? null, this.viewerFn()?.username ?? null) as {
      command_id: string;
      entity_ref: string | null;
      code: string;
      message: string;
      created_at: string;
    }[];
    const now = this.now();
    const out: QueueItem[] = [];
    for (const r of rows) {
      const caseId = this.caseOfRef(r.entity_ref);
      if (caseId === null) continue;
      const c = this.sql(
        `SELECT c.flight_id, COALESCE(c.local_status, c.status) AS status, CASE WHEN c.local_assignee IS NULL THEN c.assignee ELSE NULLIF(c.local_assignee, '') END AS assignee,
                  p.data AS pax, f.data AS flight
           FROM case_file c LEFT JOIN passenger p ON p.id = c.passenger_id LEFT JOIN flight f ON f.id = c.flight_id WHERE c.id = ?`,
      ).get(caseId) as
        | { flight_id: string; status: string; assignee: string | null; pax: string | null; flight: string | null }
        | undefined;
      if (!c) continue;
      out.push(
        this.queueItem({
          caseId,
          status: c.status as CaseStatus,
          assignee: c.assignee,
          since: r.created_at,
          flightId: c.flight_id,
          flight: c.flight === null ? null : FlightSchema.parse(JSON.parse(c.flight)),
          pax: c.pax,
          detail: r.message,
          now,
          commandId: r.command_id,
          code: r.code,
        }),
      );
    }
    return out;
  }

  /** The entitlement an entity reference (`kind:id`) is about: itself, or the one of an approval or issuance. */
  entitlementOfRef(ref: string | null): string | null {
    if (ref === null) return null;
    const i = ref.indexOf(':');
    const kind = ref.slice(0, i);
    const id = ref.slice(i + 1);
    if (kind === 'entitlement') return id;
    const sql =
      kind === 'approval'
        ? 'SELECT entitlement_id FROM approval WHERE id = ?'
        : kind === 'issuance'
          ? 'SELECT entitlement_id FROM issuance WHERE id = ?'
          : null;
    return sql === null ? null : ((this.sql(sql).pluck().get(id) as string | undefined) ?? null);
  }

  /** The case an entity reference (`kind:id`) belongs to, from the cache. */
  private caseOfRef(ref: string | null): string | null {
    if (ref === null) return null;
    const i = ref.indexOf(':');
    const kind = ref.slice(0, i);
    const id = ref.slice(i + 1);
    const sql: Record<string, string> = {
      case: 'SELECT id FROM case_file WHERE id = ?',
      entitlement: 'SELECT case_id FROM entitlement WHERE id = ?',
      approval: 'SELECT case_id FROM approval WHERE id = ?',
      issuance: 'SELECT case_id FROM issuance WHERE id = ?',
    };
    const q = sql[kind];
    if (!q) return null;
    return (this.sql(q).pluck().get(id) as string | undefined) ?? null;
  }

  /** Open cases per agent at a station, the unassigned count, and what was issued there today. */
  teamLoad(station: string): {
    station: string;
    agents: { user: string; openCases: number; awaitingApproval: number }[];
    unassigned: number;
    issuedToday: { currency: string; amountMinor: number; count: number }[];
  } {
    this.requireStation(station);
    const agents = (
      this.sql(
        `SELECT assignee AS user, sum(n) AS open, sum(CASE WHEN status = 'AWAITING_APPROVAL' THEN n ELSE 0 END) AS awaiting
           FROM case_queue_tally WHERE station = ? AND status IN ${OPEN_STATUSES} AND assignee <> ''
           GROUP BY assignee HAVING sum(n) > 0 ORDER BY open DESC, assignee`,
      ).all(station) as { user: string; open: number; awaiting: number }[]
    ).map((r) => ({ user: r.user, openCases: r.open, awaitingApproval: r.awaiting }));
    const unassigned = this.sql(
      `SELECT COALESCE(sum(n), 0) FROM case_queue_tally t WHERE ${QUEUE_COUNT_WHERE.unassigned}`,
    )
      .pluck()
      .get({ station }) as number;
    const today = `${this.now().toISOString().slice(0, 10)}T00:00:00`;
    const rows = this.sql(
      `SELECT i.data AS iss, e.data AS ent FROM issuance i LEFT JOIN entitlement e ON e.id = i.entitlement_id
         WHERE i.status = 'VALID' AND i.issued_at >= ? AND i.case_id IN (SELECT case_id FROM case_queue WHERE station = ?)`,
    ).all(today, station) as { iss: string; ent: string | null }[];
    const per = new Map<string, { amountMinor: number; count: number }>();
    for (const r of rows) {
      const iss = IssuanceSchema.parse(JSON.parse(r.iss));
      const value = iss.amount ?? (r.ent === null ? null : this.valueOf(EntitlementSchema.parse(JSON.parse(r.ent))));
      if (!value) continue;
      const t = per.get(value.currency) ?? { amountMinor: 0, count: 0 };
      t.amountMinor += value.amountMinor;
      t.count += 1;
      per.set(value.currency, t);
    }
    return {
      station,
      agents,
      unassigned,
      issuedToday: [...per.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, t]) => ({ currency, ...t })),
    };
  }

  /** The cached entitlement with its desk-side sync state, or undefined. */
  entitlement(id: string): EntitlementView | undefined {
    const row = this.sql('SELECT data, pending_command_id, local_status FROM entitlement WHERE id = ?').get(id) as
      EntRow | undefined;
    return row ? this.entitlementView(row) : undefined;
  }

  private entitlements(caseId: string): EntitlementView[] {
    const rows = this.sql(
      'SELECT data, pending_command_id, local_status FROM entitlement WHERE case_id = ? ORDER BY id',
    ).all(caseId) as EntRow[];
    return rows.map((r) => this.entitlementView(r));
  }

  private entitlementView(row: EntRow): EntitlementView {
    const e = EntitlementSchema.parse(JSON.parse(row.data));
    const issuances = (
      this.sql('SELECT data, local_void_command_id FROM issuance WHERE entitlement_id = ?').all(e.id) as {
        data: string;
        local_void_command_id: string | null;
      }[]
    ).map((r) => ({ iss: IssuanceSchema.parse(JSON.parse(r.data)), voidPending: r.local_void_command_id !== null }));
    // A valid issuance with a void queued on this desk no longer counts as valid here.
    const valid = issuances.find((i) => i.iss.status === 'VALID' && !i.voidPending)?.iss ?? null;
    const rejection = this.sql(
      `SELECT code, message FROM attention WHERE entity_ref = ? AND resolved_at IS NULL AND (? IS NULL OR created_by = ?)
         ORDER BY created_at DESC LIMIT 1`,
    ).get(`entitlement:${e.id}`, this.viewerFn()?.username ?? null, this.viewerFn()?.username ?? null) as
      { code: string; message: string } | undefined;
    const approvalRaw = this.sql(
      'SELECT data FROM approval WHERE entitlement_id = ? ORDER BY requested_at DESC, id DESC LIMIT 1',
    )
      .pluck()
      .get(e.id) as string | undefined;
    const approval = approvalRaw === undefined ? null : ApprovalSchema.parse(JSON.parse(approvalRaw));
    let syncState: EntitlementView['syncState'] = 'none';
    let effectiveStatus = e.status;
    if (e.status === 'ISSUED' && row.local_status === null) syncState = 'synced';
    else if (row.pending_command_id !== null) {
      syncState = 'pending';
      effectiveStatus = effectiveEntitlementStatus({
        status: e.status,
        local_status: row.local_status,
        pending_command_id: row.pending_command_id,
      });
    } else if (e.status === 'ISSUED') syncState = 'synced';
    else if (rejection) syncState = 'rejected';
    // An issue waiting in the outbox shows the serial it carries (an offline issue's, from the desk's block).
    const pendingSerial =
      valid === null && row.pending_command_id !== null
        ? ((this.sql(
            `SELECT json_extract(envelope, '$.payload.voucherSerial') FROM outbox WHERE command_id = ? AND type = 'issueEntitlement'`,
          )
            .pluck()
            .get(row.pending_command_id) as string | null | undefined) ?? null)
        : null;
    return {
      ...e,
      syncState,
      effectiveStatus,
      voucherSerial: valid?.voucherSerial ?? pendingSerial,
      rejection: rejection ?? null,
      controls: this.controls(e, effectiveStatus, syncState === 'pending', approval),
      approval,
      issuance: valid,
    };
  }

  /** Money controls of an entitlement for the viewer (null without a viewer or without money controls in the policy). */
  private controls(
    e: Entitlement,
    effectiveStatus: Entitlement['status'],
    pending: boolean,
    approval: Approval | null,
  ): EntitlementView['controls'] {
    const v = this.viewerFn();
    if (v === null) return null;
    const at = this.policyAt(e.caseId);
    const policy = this.policy(at);
    try {
      const value = entitlementValue(policy, e, at);
      const isCash = isCashType(e.type);
      const mc = policy.moneyControls(at);
      const role = controlRole(v.role);
      const base = {
        value,
        isCash,
        needsConfirmation: needsConfirmation(policy, e, at),
        voucherNeedsAgreement: isCash && (mc?.voucherNeedsAgreement.includes(e.regime) ?? false),
      };
      if (role === null)
        return {
          ...base,
          blockedBy: { code: 'FORBIDDEN_ROLE', message: 'your account has no role that may issue' },
          canRequestApproval: false,
        };
      const openApproval = approval !== null && (approval.status === 'PENDING' || approval.status === 'ESCALATED');
      if (pending)
        return {
          ...base,
          blockedBy: { code: 'ALREADY_PENDING', message: 'a change of this entitlement is waiting to sync' },
          canRequestApproval: false,
        };
      if (effectiveStatus !== 'OFFERED' || openApproval) {
        const message = openApproval
          ? 'waiting for a supervisor’s decision'
          : `this entitlement is ${effectiveStatus.toLowerCase().replace('_', ' ')}`;
        return {
          ...base,
          blockedBy: { code: openApproval ? 'ALREADY_PENDING' : 'NOT_ISSUABLE', message },
          canRequestApproval: false,
        };
      }
      // The confirmation is asked for by the dialog: here only the rules that stop a direct issue.
      const assumeConfirmed = { paymentMethod: 'bank_transfer', passengerAgreement: null };
      const today = value ? this.issuedTodayMinor(v.username, value.currency) : 0;
      const input = { policy, at, role, entitlement: e, issuedTodayMinor: today, confirmation: assumeConfirmed };
      const now = checkIssue({ ...input, offline: !v.online });
      const online = v.online ? now : checkIssue({ ...input, offline: false });
      const overLimit = !online.ok && (online.code === 'LIMIT_EXCEEDED' || online.code === 'DAILY_LIMIT_EXCEEDED');
      return {
        ...base,
        blockedBy: now.ok ? null : { code: now.code, message: now.message },
        canRequestApproval: overLimit,
      };
    } catch {
      return null;
    }
  }

  /**
   * Per-flight disruption and counts for every flight at a station, in four grouped queries (one
   * per table) instead of four per flight: a 2,000-flight board is one pass over each index.
   */
  private boardStats(station: string): Map<string, FlightStats> {
    const out = new Map<string, FlightStats>();
    const at = (id: string): FlightStats => {
      let s = out.get(id);
      if (!s) out.set(id, (s = { disruption: undefined, passengers: 0, cases: 0, owed: 0 }));
      return s;
    };
    const flights = `(SELECT id FROM flight WHERE origin = @station UNION SELECT id FROM flight WHERE destination = @station)`;
    for (const r of this.sql(`SELECT flight_id, data FROM disruption WHERE flight_id IN ${flights} ORDER BY flight_id, id`).all({ station }) as { flight_id: string; data: string }[]) {
      const s = at(r.flight_id);
      if (s.disruption === undefined) s.disruption = r.data;
    }
    for (const r of this.sql(`SELECT flight_id, count(*) AS n FROM booking WHERE flight_id IN ${flights} GROUP BY flight_id`).all({ station }) as { flight_id: string; n: number }[])
      at(r.flight_id).passengers = r.n;
    for (const r of this.sql(`SELECT flight_id, count(*) AS n FROM case_file WHERE flight_id IN ${flights} GROUP BY flight_id`).all({ station }) as { flight_id: string; n: number }[])
      at(r.flight_id).cases = r.n;
    for (const r of this.sql(CASES_OWED_BY_FLIGHT_SQL.replace('@flights', flights)).all({ station }) as { flight_id: string; n: number }[])
      at(r.flight_id).owed = r.n;
    return out;
  }

  private boardFlight(f: Flight, stats?: FlightStats): BoardFlight {
    let passengerCount: number;
    let caseCount: number;
    let casesOwed: number;
    let d: string | undefined;
    if (stats) {
      ({ passengers: passengerCount, cases: caseCount, owed: casesOwed, disruption: d } = stats);
    } else {
      d = this.sql('SELECT data FROM disruption WHERE flight_id = ? ORDER BY id LIMIT 1').pluck().get(f.id) as string | undefined;
      passengerCount = this.sql('SELECT count(*) FROM booking WHERE flight_id = ?').pluck().get(f.id) as number;
      caseCount = this.sql('SELECT count(*) FROM case_file WHERE flight_id = ?').pluck().get(f.id) as number;
      casesOwed = this.sql(CASES_OWED_SQL).pluck().get(f.id) as number;
    }
    const disruption = d === undefined ? null : DisruptionSchema.parse(JSON.parse(d));
    const delay = Math.max(f.delayMinutes, disruption?.delayMinutes ?? 0);
    return {
      ...f,
      delayCategory: disruption?.delayCategory ?? (delay > 0 ? delayCategory(delay) : null),
      disruption,
      disrupted: DISRUPTED.has(f.status) || (disruption !== null && disruption.kind !== 'GATE_CHANGE'),
      passengerCount,
      caseCount,
      casesOwed,
    };
  }
}

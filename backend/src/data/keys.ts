/**
 * Every DynamoDB key format of the single table, in one module (STYLE.md). Handlers,
 * workflows, the seed and tests build keys only through these functions.
 *
 * Layout (PK / SK):
 *   FLIGHT#<instanceId>   META                      flight         GSI1: FLIGHTNO#<SW1234> / <scheduledDeparture>
 *   FLIGHT#<instanceId>   BOOKING#<bookingId>       booking        GSI1: PAX#<passengerId> / BOOKING#<instanceId>#<bookingId>
 *   FLIGHT#<instanceId>   DISRUPTION#<disruptionId> disruption
 *   PAX#<passengerId>     META                      passenger
 *   CASE#<caseId>         META                      case
 *   CASE#<caseId>         ENT#<entitlementId>       entitlement
 *   ISSUANCE#<id>         META                      issuance
 *   ISSUEKEY#<key>        UNIQUE                    at most one valid issuance per issuanceKey(...)
 *   CASE#<caseId>         AUDIT#<seq, 6 digits>     audit entry (append-only, hash-chained)
 *   CASE#<caseId>         AUDITHEAD                 audit chain head {seq, hash} (conditional: one writer per seq)
 *   APPROVAL#<approvalId> META                      approval request
 *   APPROVAL#<approvalId> TASKTOKEN                 task token of its workflow's current wait (AWS; own item so a Put of META never loses it)
 *   SERIAL#<serial>       UNIQUE                    every voucher serial ever handed out (airline-wide uniqueness)
 *   SERIALDUP#<serial>    <commandId>               a refused duplicate serial, recorded
 *   DESK#<deskId>         META                      enrolled desk: public key, enrolled by/at, status active|revoked
 *   SERIALBLOCK           COUNTER                   airline-wide serial block counter (atomic ADD: blocks never overlap)
 *   SERIALBLOCK#<blockNo> META                      a block of voucher serials allocated to one desk
 *   USERDAY#<user>#<date> <currency>                a user's issued total for one UTC day (conditional counter)
 *   LOCALCB               <approvalId>              local stand-in callback registry for .waitForTaskToken (local cloud only)
 *   CMD#<ulid>            RESULT                    durable command record (idempotency for ever)
 *   EVENT#<eventId>       META                      ops-event dedupe marker (TTL `expiresAt`: 30 days, ingest/apply.ts)
 *   FLIGHT#<instanceId>   FEED                      schedule-feed state of the flight: source version + content hash, the flight version it last wrote
 *   PAX#<passengerId>     FEED                      manifest-feed state of the passenger: profile version + hash, stations whose logs carried them
 *   PNR#<recordLocator>   META                      reservation as last received from the manifest feed: source version, its bookings and passengers
 *   PARKED#<SW1234>       <eventId>#<fingerprint>   ops event parked until its flight is scheduled  GSI1: PARKEXP#<deadline day> / <deadline>#<eventId>
 *   PARKSWEEP             CURSOR                    parking sweeper: every deadline day before `day` was swept
 *   OUTBOX#<id>           META                      notification outbox item (PENDING → SENT | DEAD)   GSI1 while due: OUTBOXDUE#<shard> / <dueAtMs>#<id>
 *   IDEMPOTENCY#<key>     IDEMPOTENCY               Powertools Idempotency record of one send (TTL expiresAt)
 *   FLIGHT#<instanceId>   NOTICES                   notice state of a flight's passengers (highest delay threshold announced)
 *   STATION#<iata>        COUNTER                   change-log head (gap-free sequence)
 *   LOG#<iata>            <seq, 12 digits>          change-log entry (trimmed by the compactor once compacted and past the horizon)
 *   STATIONS              <iata>                    registry of stations with a change log (written on a station's first entry; the compactor's list)
 *   SNAP#<iata>           <kind>#<id>               compacted latest state of one entity of the station's log (a delete keeps a tombstone with its version)
 *   SNAPPACK#<iata>       HEAD                      packed snapshot head: current pack {packId, asOf, chunks, rows}, pack being built, retired packs (grace)
 *   SNAPPACK#<iata>#<packId> <chunkNo, 6 digits>    immutable chunk of a packed snapshot: ≤ 300 KB of gzip NDJSON (one Change a line)
 *   SNAPSTATE#<iata>      META                      compactor cursor: compactedSeq (log folded into SNAP# up to here), trimmedSeq (log deleted up to here), itemCount
 *   DEPLOYMENT            EPOCH                     epoch of this table's log (changes on restore)
 *   POLICY                META                      policy store counters: lastVersion (draft numbers), lastPublishSeq (publication order)
 *   POLICY                VER#<n, 6 digits>         policy version (whole policy set): draft | published | retired; content as JSON text; published content immutable
 *   POLICY                PUB#<publishSeq, 9 digits> published-version index {version, effectiveFrom, publishSeq}: the one small Query that resolves the version in force
 *   ADMINAUDIT#<utc date> <at>#<ulid>               admin API audit entry: who (sub, username, role), what (action, route, target, status), when
 *   SIMJOB#<jobId>        META                      policy simulation job: status, progress, totals
 *   SIMJOB#<jobId>        RES#<chunk, 6 digits>     a chunk of the job's per-case results (≤ ~300 KB each)
 *
 * GSI1 partitions are per flight number and per passenger: high cardinality only (no status
 * or date partitions, FlightPulse's hot-partition mistake).
 */
export interface Key {
  PK: string;
  SK: string;
}

const SEQ_WIDTH = 12;

export const keys = {
  flight: (instanceId: string): Key => ({ PK: `FLIGHT#${instanceId}`, SK: 'META' }),
  flightGsi1: (carrier: string, number: string, scheduledDeparture: string) => ({
    GSI1PK: flightNumberPartition(carrier, number),
    // Normalised to UTC `…sssZ` so that lexicographic order is time order whatever the input offset.
    GSI1SK: new Date(scheduledDeparture).toISOString(),
  }),
  booking: (flightInstanceId: string, bookingId: string): Key => ({
    PK: `FLIGHT#${flightInstanceId}`,
    SK: `BOOKING#${bookingId}`,
  }),
  bookingGsi1: (passengerId: string, flightInstanceId: string, bookingId: string) => ({
    GSI1PK: `PAX#${passengerId}`,
    GSI1SK: `BOOKING#${flightInstanceId}#${bookingId}`,
  }),
  disruption: (flightInstanceId: string, disruptionId: string): Key => ({
    PK: `FLIGHT#${flightInstanceId}`,
    SK: `DISRUPTION#${disruptionId}`,
  }),
  passenger: (passengerId: string): Key => ({ PK: `PAX#${passengerId}`, SK: 'META' }),
  case: (caseId: string): Key => ({ PK: `CASE#${caseId}`, SK: 'META' }),
  entitlement: (caseId: string, entitlementId: string): Key => ({ PK: `CASE#${caseId}`, SK: `ENT#${entitlementId}` }),
  issuance: (issuanceId: string): Key => ({ PK: `ISSUANCE#${issuanceId}`, SK: 'META' }),
  issuanceUnique: (issuanceKey: string): Key => ({ PK: `ISSUEKEY#${issuanceKey}`, SK: 'UNIQUE' }),
  command: (commandId: string): Key => ({ PK: `CMD#${commandId}`, SK: 'RESULT' }),
  auditEntry: (caseId: string, seq: number): Key => ({ PK: `CASE#${caseId}`, SK: `AUDIT#${String(seq).padStart(6, '0')}` }),
  auditHead: (caseId: string): Key => ({ PK: `CASE#${caseId}`, SK: 'AUDITHEAD' }),
  approval: (approvalId: string): Key => ({ PK: `APPROVAL#${approvalId}`, SK: 'META' }),
  approvalTaskToken: (approvalId: string): Key => ({ PK: `APPROVAL#${approvalId}`, SK: 'TASKTOKEN' }),
  serial: (serial: string): Key => ({ PK: `SERIAL#${serial}`, SK: 'UNIQUE' }),
  serialDuplicate: (serial: string, commandId: string): Key => ({ PK: `SERIALDUP#${serial}`, SK: commandId }),
  desk: (deskId: string): Key => ({ PK: `DESK#${deskId}`, SK: 'META' }),
  serialBlockCounter: (): Key => ({ PK: 'SERIALBLOCK', SK: 'COUNTER' }),
  serialBlock: (blockNo: number): Key => ({ PK: `SERIALBLOCK#${blockNo}`, SK: 'META' }),
  userDay: (user: string, utcDate: string, currency: string): Key => ({ PK: `USERDAY#${user}#${utcDate}`, SK: currency }),
  localCallback: (approvalId: string): Key => ({ PK: 'LOCALCB', SK: approvalId }),
  event: (eventId: string): Key => ({ PK: `EVENT#${eventId}`, SK: 'META' }),
  /** Feed state lives beside the entity (not in it): other writers replace the entity item whole. */
  flightFeed: (instanceId: string): Key => ({ PK: `FLIGHT#${instanceId}`, SK: 'FEED' }),
  passengerFeed: (passengerId: string): Key => ({ PK: `PAX#${passengerId}`, SK: 'FEED' }),
  pnr: (recordLocator: string): Key => ({ PK: `PNR#${recordLocator}`, SK: 'META' }),
  parked: (carrier: string, number: string, eventId: string, fingerprint: string): Key => ({
    PK: parkedPartition(carrier, number),
    SK: `${eventId}#${fingerprint}`,
  }),
  /** Deadline day bucket (`PARKEXP#2026-12-03`): the sweeper finds parked events through it. */
  parkedGsi1: (deadline: string, eventId: string) => ({ GSI1PK: parkedDeadlinePartition(deadline), GSI1SK: `${deadline}#${eventId}` }),
  parkSweepCursor: (): Key => ({ PK: 'PARKSWEEP', SK: 'CURSOR' }),
  /** Notification outbox (notify/outbox.ts): one item per (recipient, change, channel); in GSI1 only while a send is due. */
  outbox: (id: string): Key => ({ PK: `OUTBOX#${id}`, SK: 'META' }),
  outboxDueGsi1: (shard: number, dueAtMs: number, id: string) => ({ GSI1PK: `${OUTBOX_DUE_PREFIX}${shard}`, GSI1SK: `${String(dueAtMs).padStart(15, '0')}#${id}` }),
  /** Powertools Idempotency record of one send (notify/idempotency.ts): its own partition, never a static one. */
  idempotency: (idempotencyKey: string): Key => ({ PK: `IDEMPOTENCY#${idempotencyKey}`, SK: 'IDEMPOTENCY' }),
  /** What the passengers of a flight were last told (the highest delay threshold announced). */
  noticeState: (flightInstanceId: string): Key => ({ PK: `FLIGHT#${flightInstanceId}`, SK: 'NOTICES' }),
  stationCounter: (station: string): Key => ({ PK: `STATION#${station}`, SK: 'COUNTER' }),
  logEntry: (station: string, seq: number): Key => ({ PK: logPartition(station), SK: seqSortKey(seq) }),
  epoch: (): Key => ({ PK: 'DEPLOYMENT', SK: 'EPOCH' }),
  stationRegistry: (station: string): Key => ({ PK: STATIONS_PARTITION, SK: station }),
  snapshotItem: (station: string, kind: string, id: string): Key => ({ PK: snapshotPartition(station), SK: `${kind}#${id}` }),
  snapshotState: (station: string): Key => ({ PK: `SNAPSTATE#${station}`, SK: 'META' }),
  snapshotPackHead: (station: string): Key => ({ PK: `SNAPPACK#${station}`, SK: 'HEAD' }),
  snapshotPackChunk: (station: string, packId: string, chunkNo: number): Key => ({
    PK: snapshotPackPartition(station, packId),
    SK: String(chunkNo).padStart(6, '0'),
  }),
  policyMeta: (): Key => ({ PK: POLICY_PARTITION, SK: 'META' }),
  policyVersion: (version: number): Key => ({ PK: POLICY_PARTITION, SK: `${POLICY_VERSION_SK_PREFIX}${String(version).padStart(6, '0')}` }),
  policyPublished: (publishSeq: number): Key => ({ PK: POLICY_PARTITION, SK: `${POLICY_PUBLISHED_SK_PREFIX}${String(publishSeq).padStart(9, '0')}` }),
  adminAudit: (at: string, id: string): Key => ({ PK: `ADMINAUDIT#${at.slice(0, 10)}`, SK: `${at}#${id}` }),
  simulationJob: (jobId: string): Key => ({ PK: `SIMJOB#${jobId}`, SK: 'META' }),
  simulationChunk: (jobId: string, chunk: number): Key => ({ PK: `SIMJOB#${jobId}`, SK: `${SIMULATION_CHUNK_SK_PREFIX}${String(chunk).padStart(6, '0')}` }),
} as const;

export const POLICY_PARTITION = 'POLICY';
export const POLICY_VERSION_SK_PREFIX = 'VER#';
export const POLICY_PUBLISHED_SK_PREFIX = 'PUB#';
export const SIMULATION_CHUNK_SK_PREFIX = 'RES#';

/** GSI1 partitions of due outbox items (`OUTBOXDUE#0..7`: sharded so no one partition holds every due send). */
export const OUTBOX_DUE_PREFIX = 'OUTBOXDUE#';
export const OUTBOX_DUE_SHARDS = 8;

export const STATIONS_PARTITION = 'STATIONS';
export const snapshotPartition = (station: string): string => `SNAP#${station}`;
export const snapshotPackPartition = (station: string, packId: string): string => `SNAPPACK#${station}#${packId}`;

export const flightNumberPartition = (carrier: string, number: string): string => `FLIGHTNO#${carrier}${number}`;
export const parkedPartition = (carrier: string, number: string): string => `PARKED#${carrier}${number}`;
/** `deadline` is a UTC instant (`…Z`); its UTC day names the bucket. */
export const parkedDeadlinePartition = (deadline: string): string => `PARKEXP#${new Date(deadline).toISOString().slice(0, 10)}`;
export const logPartition = (station: string): string => `LOG#${station}`;
export const BOOKING_SK_PREFIX = 'BOOKING#';
export const ENTITLEMENT_SK_PREFIX = 'ENT#';
export const AUDIT_SK_PREFIX = 'AUDIT#';

/** Zero-padded so that lexicographic SK order equals numeric order. */
export function seqSortKey(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad sequence ${seq}`);
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/** The case an entitlement belongs to (entitlementId = `<caseId>/<regime>/<type>/<period>`). */
export function caseIdOfEntitlement(entitlementId: string): string | null {
  const i = entitlementId.indexOf('/');
  return i > 0 ? entitlementId.slice(0, i) : null;
}

/** Strip key attributes from a stored item, leaving the entity. */
export function stripKeys<T extends Record<string, unknown>>(item: T): Record<string, unknown> {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, entityType: _t, expiresAt: _e, ...rest } = item;
  return rest;
}

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
 *   USERDAY#<user>#<date> <currency>                a user's issued total for one UTC day (conditional counter)
 *   LOCALCB               <approvalId>              local stand-in callback registry for .waitForTaskToken (local cloud only)
 *   CMD#<ulid>            RESULT                    durable command record (idempotency for ever)
 *   EVENT#<eventId>       META                      ops-event dedupe marker
 *   NOTIFY#<issuanceId>   META                      notification idempotency record (local stand-in)
 *   STATION#<iata>        COUNTER                   change-log head (gap-free sequence)
 *   LOG#<iata>            <seq, 12 digits>          change-log entry
 *   DEPLOYMENT            EPOCH                     epoch of this table's log (changes on restore)
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
  userDay: (user: string, utcDate: string, currency: string): Key => ({ PK: `USERDAY#${user}#${utcDate}`, SK: currency }),
  localCallback: (approvalId: string): Key => ({ PK: 'LOCALCB', SK: approvalId }),
  event: (eventId: string): Key => ({ PK: `EVENT#${eventId}`, SK: 'META' }),
  notification: (issuanceId: string): Key => ({ PK: `NOTIFY#${issuanceId}`, SK: 'META' }),
  stationCounter: (station: string): Key => ({ PK: `STATION#${station}`, SK: 'COUNTER' }),
  logEntry: (station: string, seq: number): Key => ({ PK: logPartition(station), SK: seqSortKey(seq) }),
  epoch: (): Key => ({ PK: 'DEPLOYMENT', SK: 'EPOCH' }),
} as const;

export const flightNumberPartition = (carrier: string, number: string): string => `FLIGHTNO#${carrier}${number}`;
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

/**
 * Identity formats shared by the backend and the desk. A flight instance is carrier + number +
 * scheduled departure date at the origin (local date), e.g. `SW1234-2026-11-24`.
 */
export const flightInstanceId = (carrier: string, number: string, localDepartureDate: string): string =>
  `${carrier}${number}-${localDepartureDate}`;

/** One disruption per flight instance; later events on the same flight update it. */
export const disruptionId = (flightInstance: string): string => `DIS-${flightInstance}`;

/** One case per passenger per disrupted flight instance. */
export const caseId = (flightInstance: string, passengerId: string): string => `CASE-${flightInstance}-${passengerId}`;

/**
 * An entitlement within a case: type plus care period (e.g. `meal`/`day1`, `hotel`/`night1`,
 * `cash`/`once`). This triple is the unit of "at most one valid issuance".
 */
export const entitlementId = (case_: string, regime: string, type: string, carePeriod: string): string =>
  `${case_}/${regime}/${type}/${carePeriod}`;

/** The uniqueness key of an issuance (ARCHITECTURE.md: passenger, flight instance, disruption, type, care period). */
export const issuanceKey = (p: {
  passengerId: string;
  flightInstanceId: string;
  disruptionId: string;
  type: string;
  carePeriod: string;
}): string => [p.passengerId, p.flightInstanceId, p.disruptionId, p.type, p.carePeriod].join('|');

/** An approval request is named after the requestApproval command that opened it. */
export const approvalId = (requestCommandId: string): string => `APR-${requestCommandId}`;

/** An audit entry: case id + zero-padded sequence (lexicographic = chain order). */
export const auditEntryId = (case_: string, seq: number): string => `${case_}#${String(seq).padStart(6, '0')}`;

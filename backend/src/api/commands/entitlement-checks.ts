import type { Case, Entitlement, Flight } from '../../../../src/shared/domain/index.js';
import { entityRef } from '../../../../src/shared/sync/protocol.js';
import { caseIdOfEntitlement } from '../../data/keys.js';
import { getFlight } from '../../data/repositories.js';
import type { AuditHead } from '../../data/audit.js';
import { holdsAnyStation, roleOf, type Role } from '../principal.js';
import type { CommandRun, Refusal } from './run.js';

export interface Issuable {
  kind: 'ok';
  loaded: { head: AuditHead | null; case: Case; entitlements: Entitlement[] };
  ent: Entitlement;
  kase: Case;
  stations: string[];
  role: Role;
  flight: Flight;
}

/**
 * The checks issueEntitlement and requestApproval share, in one order: the entitlement and its
 * case exist, the caller holds one of the case's stations and has a role, the entitlement is not
 * issued, the command saw its current version, it is OFFERED (not waiting for an approval), the
 * case is not closed, and its flight exists (the flight's departure selects the policy).
 */
export async function loadIssuable(
  run: CommandRun<'issueEntitlement' | 'requestApproval'>,
  entitlementId: string,
  action: string,
): Promise<Issuable | Refusal> {
  const { env, principal } = run;
  const caseId = caseIdOfEntitlement(entitlementId);
  const loaded = caseId ? await run.loadCase(caseId) : null;
  const ent = loaded?.entitlements.find((e) => e.id === entitlementId);
  if (!loaded || !ent) return run.refuse([env.station], 'NOT_FOUND', 'entitlement not found');
  const kase = loaded.case;
  const stations = kase.stations;
  if (!holdsAnyStation(principal, stations))
    return run.refuse([env.station], 'FORBIDDEN_STATION', 'the case belongs to stations you do not hold');
  const role = roleOf(principal);
  if (!role) return run.refuse(stations, 'FORBIDDEN_ROLE', `your role may not ${action}`);
  if (ent.status === 'ISSUED' || ent.issuanceId)
    return run.refuse(
      stations,
      'ALREADY_ISSUED',
      `entitlement already issued (issuance ${ent.issuanceId ?? 'unknown'})`,
    );
  const expected = env.expectedVersions[entityRef('entitlement', ent.id)];
  if (expected === undefined)
    return run.refuse(stations, 'VERSION_CONFLICT', 'expectedVersions must include the entitlement version');
  if (expected !== ent.version)
    return run.refuse(
      stations,
      'VERSION_CONFLICT',
      `entitlement is at version ${ent.version}, command expected ${expected}`,
    );
  if (ent.status === 'PENDING_APPROVAL')
    return run.refuse(stations, 'ALREADY_PENDING', 'an approval is already pending for this entitlement');
  if (ent.status !== 'OFFERED') return run.refuse(stations, 'NOT_ISSUABLE', `entitlement is ${ent.status}`);
  if (kase.status === 'CLOSED') return run.refuse(stations, 'CASE_CLOSED', 'the case is closed');
  const flight = await getFlight(run.deps.ctx, kase.flightId);
  if (!flight) return run.refuse(stations, 'NOT_FOUND', 'flight not found');
  return { kind: 'ok', loaded, ent, kase, stations, role, flight };
}

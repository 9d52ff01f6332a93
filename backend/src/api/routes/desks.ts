import crypto from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DESK_ID_PATTERN, blockSerial, deskIdOf } from '../../../../src/shared/sync/desk-signing.js';
import { StationSchema } from '../../../../src/shared/domain/entities.js';
import type { Principal } from '../auth/verifier.js';
import { forgetDeskIn } from '../commands/desk-check.js';
import { getDesk, nextSerialBlockNo, putDeskIfAbsent, revokeDesk, type DeskRecord } from '../../data/desks.js';
import { keys } from '../../data/keys.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, header, json, parseJsonBody, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { holdsStation, roleOf } from '../principal.js';

/**
 * Desk enrolment (issue #10):
 *   POST /v1/desks/enrol        {publicKey, name, stations?} → {deskId, enrolledAt, status}
 *   POST /v1/desks/{id}/revoke  {} → {deskId, status: 'revoked', revokedAt}
 *   POST /v1/desks/{id}/serials {count?} → {deskId, blockNo, count, first, last}
 * The desk id is derived from the public key (src/shared/sync/desk-signing.ts deskIdOf), so an
 * enrolment of the same key again is idempotent. A revoked key never enrols again.
 */
export const ENROL_ROUTE = 'POST /v1/desks/enrol';
export const REVOKE_ROUTE = 'POST /v1/desks/{id}/revoke';
export const SERIALS_ROUTE = 'POST /v1/desks/{id}/serials';

/** Serials per block: default and ceiling (4-digit serial numbers within a block). */
export const DEFAULT_BLOCK_SIZE = 200;
export const MAX_BLOCK_SIZE = 1000;

const PublicKeySchema = z
  .string()
  .trim()
  .min(40, 'publicKey: an Ed25519 public key (SPKI, base64 or PEM)')
  .max(2000)
  .transform((v, ctx) => {
    try {
      const key = v.startsWith('-----BEGIN')
        ? crypto.createPublicKey(v)
        : crypto.createPublicKey({ key: Buffer.from(v, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ed25519') {
        ctx.addIssue({ code: 'custom', message: `an Ed25519 key is required, not ${key.asymmetricKeyType ?? 'unknown'}` });
        return z.NEVER;
      }
      return key.export({ format: 'der', type: 'spki' }).toString('base64');
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a readable public key (SPKI DER base64 or PEM)' });
      return z.NEVER;
    }
  });

export const EnrolRequestSchema = z.strictObject({
  publicKey: PublicKeySchema,
  name: z.string().trim().min(1, 'name is required').max(100).regex(/^[^\p{Cc}\p{Cf}]+$/u, 'name: no control characters'),
  stations: z.array(StationSchema).max(50).optional(),
});
const RevokeRequestSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });
const SerialsRequestSchema = z.strictObject({ count: z.number().int().min(1).max(MAX_BLOCK_SIZE).optional() });

function requireRole(p: Principal): NonNullable<ReturnType<typeof roleOf>> {
  const role = roleOf(p);
  if (!role) throw new ApiError(403, 'forbidden_role', 'your account has no Jetway role (agent, supervisor or admin)');
  return role;
}

function deskIdParam(event: ApiEvent): string {
  const id = event.pathParameters?.id ?? '';
  if (!DESK_ID_PATTERN.test(id)) throw new ApiError(400, 'validation_failed', 'id: a desk id (DESK- and 20 hex digits)');
  return id;
}

const view = (d: DeskRecord) => ({
  deskId: d.deskId,
  name: d.name,
  stations: d.stations,
  enrolledAt: d.enrolledAt,
  enrolledBy: d.enrolledBy,
  status: d.status,
  revokedAt: d.revokedAt,
});

export function makeDesksHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const principal = await deps.verifier.verify(header(event, 'authorization'));
    const role = requireRole(principal);
    const { ctx } = deps;
    const key = event.routeKey;

    if (key === ENROL_ROUTE) {
      const req = parseJsonBody(event, EnrolRequestSchema);
      const stations = req.stations ?? (principal.stations.includes('*') ? [] : principal.stations);
      const foreign = stations.find((s) => !holdsStation(principal, s));
      if (foreign) throw new ApiError(403, 'forbidden_station', `you do not hold station ${foreign}`);
      const deskId = deskIdOf(req.publicKey);
      const desk: DeskRecord = {
        deskId,
        publicKey: req.publicKey,
        name: req.name,
        stations,
        enrolledBy: principal.username,
        enrolledAt: new Date().toISOString(),
        status: 'active',
        revokedBy: null,
        revokedAt: null,
      };
      if (await putDeskIfAbsent(ctx, desk)) {
        deps.log.info('desk enrolled', { deskId, by: principal.username });
        return json(201, view(desk));
      }
      const existing = await getDesk(ctx, deskId);
      if (!existing) throw new Error(`desk ${deskId} exists and cannot be read`);
      if (existing.status === 'revoked')
        throw new ApiError(409, 'desk_revoked', `desk ${deskId} was revoked: a new key must be enrolled`);
      return json(200, view(existing));
    }

    const deskId = deskIdParam(event);
    if (key === REVOKE_ROUTE) {
      parseJsonBody(event, RevokeRequestSchema);
      const desk = await getDesk(ctx, deskId);
      if (!desk) throw new ApiError(404, 'not_found', `desk ${deskId} is not enrolled`);
      const allowed =
        role === 'admin' ||
        (role === 'supervisor' && desk.stations.length > 0 && desk.stations.every((s) => holdsStation(principal, s)));
      if (!allowed)
        throw new ApiError(403, 'forbidden_role', 'only an admin, or a supervisor of all the desk’s stations, revokes a desk');
      const after = await revokeDesk(ctx, deskId, principal.username, new Date().toISOString());
      forgetDeskIn(ctx, deskId);
      if (!after) throw new ApiError(404, 'not_found', `desk ${deskId} is not enrolled`);
      deps.log.info('desk revoked', { deskId, by: principal.username });
      return json(200, view(after));
    }

    if (key === SERIALS_ROUTE) {
      const req = parseJsonBody(event, SerialsRequestSchema);
      const desk = await getDesk(ctx, deskId);
      if (!desk) throw new ApiError(404, 'not_found', `desk ${deskId} is not enrolled`);
      if (desk.status !== 'active') throw new ApiError(409, 'desk_revoked', `desk ${deskId} was revoked`);
      const count = req.count ?? DEFAULT_BLOCK_SIZE;
      // The block number comes from one atomic counter (never two refills with the same number);
      // the block is written only while the desk is still active (a revoke racing the refill wins).
      const blockNo = await nextSerialBlockNo(ctx);
      const at = new Date().toISOString();
      try {
        await ctx.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: ctx.table,
                  Item: { ...keys.serialBlock(blockNo), entityType: 'serial_block', blockNo, deskId, count, allocatedBy: principal.username, allocatedAt: at },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                ConditionCheck: {
                  TableName: ctx.table,
                  Key: keys.desk(deskId),
                  ConditionExpression: '#s = :active',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':active': 'active' },
                },
              },
            ],
          }),
        );
      } catch (err) {
        if ((err as { name?: string }).name === 'TransactionCanceledException')
          throw new ApiError(409, 'desk_revoked', `desk ${deskId} was revoked`);
        throw err;
      }
      return json(201, { deskId, blockNo, count, first: blockSerial(blockNo, 1), last: blockSerial(blockNo, count), allocatedAt: at });
    }
    throw new ApiError(404, 'not_found', 'no such route');
  });
}

export const handler = lambdaRoute(makeDesksHandler);

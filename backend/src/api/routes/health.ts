import { getEpoch } from '../../data/changelog.js';
import type { ApiDeps } from '../deps.js';
import { json, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';

/** GET /v1/health: unauthenticated liveness, plus the log epoch (proves the table is reachable). */
export function makeHealthHandler(deps: Pick<ApiDeps, 'ctx' | 'log'>): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async () => {
    return json(200, { status: 'ok', epoch: await getEpoch(deps.ctx, { create: false }), time: new Date().toISOString() });
  });
}

export const handler = lambdaRoute(makeHealthHandler);

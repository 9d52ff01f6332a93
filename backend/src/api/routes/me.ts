import type { ApiDeps } from '../deps.js';
import { header, json, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { roleOf } from '../principal.js';

/** GET /v1/me → {username, groups, stations, role}. */
export function makeMeHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const p = await deps.verifier.verify(header(event, 'authorization'));
    return json(200, { username: p.username, groups: p.groups, stations: p.stations, role: roleOf(p) });
  });
}

export const handler = lambdaRoute(makeMeHandler);

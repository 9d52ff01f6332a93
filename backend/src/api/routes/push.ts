import { PushRequestSchema, type CommandResult, type PushResponseSchema } from '../../../../src/shared/sync/protocol.js';
import type { z } from 'zod';
import { issueEntitlement } from '../commands/issue-entitlement.js';
import { commitRejection, readCommandResult, replayed } from '../commands/record.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, header, json, parseJsonBody, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { holdsStation } from '../principal.js';

/**
 * POST /v1/sync/push PushRequest → PushResponse. Commands are applied in order, each exactly
 * once (durable command record); every command gets a result, a rejection included, so the
 * desk's queue never blocks. An infrastructure failure returns 500: the desk retries the same
 * ULIDs and gets the stored results for those already applied.
 */
export function makePushHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const principal = await deps.verifier.verify(header(event, 'authorization'));
    const req = parseJsonBody(event, PushRequestSchema);
    const foreign = req.commands.find((c) => !holdsStation(principal, c.station));
    if (foreign) throw new ApiError(403, 'forbidden_station', `you do not hold station ${foreign.station}`);
    const results: CommandResult[] = [];
    for (const env of req.commands) {
      switch (env.type) {
        case 'issueEntitlement':
          results.push(await issueEntitlement(deps, principal, env));
          break;
        default: {
          // requestApproval / decideApproval / addCaseNote arrive with later issues.
          const stored = await readCommandResult(deps.ctx, env.commandId);
          results.push(stored ? replayed(stored) : await commitRejection(deps.ctx, env, principal.username, [env.station], 'UNSUPPORTED_COMMAND', `${env.type} is not supported yet`));
        }
      }
    }
    const body: z.infer<typeof PushResponseSchema> = { results };
    return json(200, body);
  });
}

export const handler = lambdaRoute(makePushHandler);

import {
  PushRequestSchema,
  type CommandEnvelope,
  type CommandResult,
  type CommandType,
  type PushResponseSchema,
} from '../../../../src/shared/sync/protocol.js';
import type { z } from 'zod';
import type { Principal } from '../auth/verifier.js';
import { decideApproval, requestApproval } from '../commands/approvals.js';
import { addCaseNote, assignCase, claimCase, closeCase, releaseCase } from '../commands/case-commands.js';
import { issueEntitlement } from '../commands/issue-entitlement.js';
import { recordChoice } from '../commands/record-choice.js';
import { checkDesk } from '../commands/desk-check.js';
import { commitRejection, readCommandResult, replayed } from '../commands/record.js';
import type { CommandDeps } from '../commands/run.js';
import { voidIssuance } from '../commands/void-issuance.js';
import type { ApiDeps } from '../deps.js';
import { header, json, parseJsonBody, route, type ApiEvent, type ApiResult } from '../http.js';
import { lambdaRoute } from '../lambda-deps.js';
import { holdsStation } from '../principal.js';

type Handler = (deps: CommandDeps, principal: Principal, env: CommandEnvelope) => Promise<CommandResult>;

/** One handler per command type (the type checker keeps this complete). */
const HANDLERS: Record<CommandType, Handler> = {
  issueEntitlement,
  requestApproval,
  decideApproval,
  voidIssuance,
  claimCase,
  releaseCase,
  assignCase,
  closeCase,
  addCaseNote,
  recordChoice,
};

/**
 * POST /v1/sync/push PushRequest → PushResponse. Commands are applied in order, each exactly
 * once (durable command record); every command gets a result, a rejection included, so the
 * desk's queue never blocks. A command for a station the user does not hold is a committed
 * FORBIDDEN_STATION rejection for that command only (written to no station's log: the user
 * cannot read that log; the result is in this response and in any replay); the batch's other
 * commands are applied. Every command must be signed by an active enrolled desk for its author
 * (commands/desk-check.ts): DESK_NOT_ENROLLED, DESK_REVOKED, BAD_SIGNATURE and AUTHOR_MISMATCH
 * are committed rejections of that command only. An infrastructure failure returns 500: the desk retries the same ULIDs
 * and gets the stored results for those already applied.
 */
export function makePushHandler(deps: ApiDeps): (e: ApiEvent) => Promise<ApiResult> {
  return route(deps.log, async (event) => {
    const principal = await deps.verifier.verify(header(event, 'authorization'));
    const req = parseJsonBody(event, PushRequestSchema);
    const results: CommandResult[] = [];
    for (const env of req.commands) {
      // Who signed it: an active enrolled desk, for its author (or a supervisor it was released to).
      const desk = await checkDesk(deps.ctx, principal, env);
      if (!desk.ok) {
        results.push(
          await rejectOnce(
            deps,
            principal,
            env,
            holdsStation(principal, env.station) ? [env.station] : [],
            desk.code,
            desk.message,
          ),
        );
        continue;
      }
      if (!holdsStation(principal, env.station)) {
        results.push(
          await rejectOnce(deps, principal, env, [], 'FORBIDDEN_STATION', `you do not hold station ${env.station}`),
        );
        continue;
      }
      results.push(await HANDLERS[env.type](deps, principal, env));
    }
    const body: z.infer<typeof PushResponseSchema> = { results };
    return json(200, body);
  });
}

/** A rejection of the command, committed once: a command decided before gets its stored result. */
async function rejectOnce(
  deps: ApiDeps,
  principal: Principal,
  env: CommandEnvelope,
  stations: string[],
  code: string,
  message: string,
): Promise<CommandResult> {
  const stored = await readCommandResult(deps.ctx, env.commandId);
  return stored ? replayed(stored) : commitRejection(deps.ctx, env, principal.username, stations, code, message);
}

export const handler = lambdaRoute(makePushHandler);

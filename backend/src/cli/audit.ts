/**
 * `jetway audit verify CASE`: reads a case's audit trail from DynamoDB (the local cloud's, or the
 * table given by flags/env), prints every entry and checks the hash chain with the one shared
 * implementation (src/shared/audit.ts). Exit 0 when the chain verifies, 1 when it is broken or
 * missing, 2 on a usage error.
 */
import { z } from 'zod';
import { verifyAuditChain } from '../../../src/shared/audit.js';
import { readAuditTrail } from '../data/audit.js';
import { TABLE_OPTIONS, parseCommandArgs, withTableContext, type CliIo, type CliOpts } from './common.js';

export { resolveAuditContext } from './common.js';

export const AUDIT_USAGE = `usage: jetway audit verify <CASE-ID> [options]

Prints the case's audit trail (seq, time, actor, action) and verifies its hash chain.
Exit 0: verified; 1: broken, unreadable or no trail; 2: usage error.

options: --endpoint URL        DynamoDB endpoint (else $DYNAMODB_ENDPOINT, else the local cloud's)
         --table NAME          the physical table (else $TABLE_NAME)
         --table-prefix P      table prefix (else the local cloud's, from .jetway/cloud/cloud.json)
         --region R            AWS region (else $AWS_REGION)
`;

export async function runAuditCli(argv: string[], io: CliIo, opts: CliOpts = {}): Promise<number> {
  const parsed = parseCommandArgs('audit', AUDIT_USAGE, io, {
    args: argv,
    options: TABLE_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, caseId, ...extra] = positionals;
  if (sub !== 'verify' || !caseId || extra.length > 0) {
    io.stderr.write(AUDIT_USAGE);
    return 2;
  }
  return withTableContext('audit', v, io, opts, async (ctx) => {
    let trail;
    try {
      trail = await readAuditTrail(ctx, caseId);
    } catch (err) {
      // A stored entry that no longer fits the entry schema was altered too.
      if (err instanceof z.ZodError) {
        io.stdout.write(
          `BROKEN: an entry of ${caseId} is unreadable (${err.issues[0]?.path.join('.') ?? ''}: ${err.issues[0]?.message ?? 'invalid'})\n`,
        );
        return 1;
      }
      throw err;
    }
    if (trail.length === 0) {
      io.stdout.write(`no audit entries for ${caseId}\n`);
      return 1;
    }
    io.stdout.write(`audit trail of ${caseId}\n`);
    for (const e of trail)
      io.stdout.write(`${String(e.seq).padStart(4)}  ${e.at}  ${e.actor.padEnd(20)}  ${e.action}\n`);
    const verdict = verifyAuditChain(trail);
    if (verdict.ok) {
      io.stdout.write(`verified: ${verdict.entries} entries, head ${verdict.head}\n`);
      return 0;
    }
    io.stdout.write(`BROKEN at entry ${verdict.brokenAt}: ${verdict.reason}\n`);
    return 1;
  });
}

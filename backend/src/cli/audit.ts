/**
 * `jetway audit verify CASE`: reads a case's audit trail from DynamoDB (the local cloud's, or the
 * table given by flags/env), prints every entry and checks the hash chain with the one shared
 * implementation (src/shared/audit.ts). Exit 0 when the chain verifies, 1 when it is broken or
 * missing, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { verifyAuditChain } from '../../../src/shared/audit.js';
import { createDataContext, type DataContext } from '../data/client.js';
import { readAuditTrail } from '../data/audit.js';
import { findCloudFile } from '../simulator/brokers.js';

export interface AuditIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export const AUDIT_USAGE = `usage: jetway audit verify <CASE-ID> [options]

Prints the case's audit trail (seq, time, actor, action) and verifies its hash chain.
Exit 0: verified; 1: broken, unreadable or no trail; 2: usage error.

options: --endpoint URL        DynamoDB endpoint (else $DYNAMODB_ENDPOINT, else the local cloud's)
         --table NAME          the physical table (else $TABLE_NAME)
         --table-prefix P      table prefix (else the local cloud's, from .jetway/cloud/cloud.json)
         --region R            AWS region (else $AWS_REGION)
`;

const OPTIONS = {
  endpoint: { type: 'string' },
  table: { type: 'string' },
  'table-prefix': { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const CloudFileSchema = z.object({ dynamodbEndpoint: z.string().min(1), tablePrefix: z.string() }).loose();

/** Where the trail lives: flags, then env, then the running local cloud's cloud.json. */
export function resolveAuditContext(
  v: { endpoint?: string; table?: string; 'table-prefix'?: string; region?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): DataContext {
  let endpoint = v.endpoint ?? env.DYNAMODB_ENDPOINT;
  let prefix = v['table-prefix'];
  const table = v.table ?? env.TABLE_NAME;
  if (!endpoint || (prefix === undefined && !table)) {
    const file = findCloudFile(cwd);
    if (file) {
      const parsed = CloudFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success)
        throw new Error(`${file}: no dynamodbEndpoint/tablePrefix (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      endpoint ??= parsed.data.dynamodbEndpoint;
      prefix ??= parsed.data.tablePrefix;
    } else if (!endpoint && !table) {
      throw new Error(
        'no DynamoDB: pass --endpoint/--table, set DYNAMODB_ENDPOINT/TABLE_NAME, or start the local cloud (npm run cloud)',
      );
    }
  }
  const ctx = createDataContext({
    ...(endpoint ? { endpoint } : {}),
    ...(v.region ? { region: v.region } : {}),
    tablePrefix: prefix ?? '',
  });
  return table ? { ...ctx, table } : ctx;
}

export async function runAuditCli(
  argv: string[],
  io: AuditIo,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`jetway audit: ${(err as Error).message}\n${AUDIT_USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const [sub, caseId, ...extra] = positionals;
  if (sub !== 'verify' || !caseId || extra.length > 0) {
    io.stderr.write(AUDIT_USAGE);
    return 2;
  }
  let ctx: DataContext;
  try {
    ctx = resolveAuditContext(v, opts.env ?? process.env, opts.cwd ?? process.cwd());
  } catch (err) {
    io.stderr.write(`jetway audit: ${(err as Error).message}\n`);
    return 2;
  }
  try {
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
  } catch (err) {
    io.stderr.write(`jetway audit: ${(err as Error).message}\n`);
    return 1;
  } finally {
    ctx.doc.destroy();
  }
}

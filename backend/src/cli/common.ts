/**
 * What the `jetway` commands share: their output streams, argument parsing with the usage on error
 * and on --help, and the table options (--endpoint, --table, --table-prefix, --region) with the
 * DynamoDB context they resolve to.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { createDataContext, type DataContext } from '../data/client.js';
import { findCloudFile } from '../simulator/brokers.js';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface CliOpts {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The table options (plus --help) of every command that reads or writes the table. */
export const TABLE_OPTIONS = {
  endpoint: { type: 'string' },
  table: { type: 'string' },
  'table-prefix': { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `parseArgs` for `jetway <command>`: on a usage error prints the message and the usage to stderr
 * and returns exit code 2; on --help prints the usage to stdout and returns 0.
 */
export function parseCommandArgs<const T extends ParseArgsConfig>(
  command: string,
  usage: string,
  io: CliIo,
  config: T,
): ReturnType<typeof parseArgs<T>> | number {
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    io.stderr.write(`jetway ${command}: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(usage);
    return 0;
  }
  return parsed;
}

const CloudFileSchema = z.object({ dynamodbEndpoint: z.string().min(1), tablePrefix: z.string() }).loose();

/** Where the table lives: flags, then env, then the running local cloud's cloud.json. */
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

/**
 * Resolves the table from the table options and runs `run` on it, closing the client after.
 * A table that cannot be resolved is a usage error (exit 2); an error thrown by `run`, a failure
 * (exit 1); both print `jetway <command>: <message>` to stderr.
 */
export async function withTableContext(
  command: string,
  v: Parameters<typeof resolveAuditContext>[0],
  io: CliIo,
  opts: CliOpts,
  run: (ctx: DataContext) => Promise<number>,
): Promise<number> {
  let ctx: DataContext;
  try {
    ctx = resolveAuditContext(v, opts.env ?? process.env, opts.cwd ?? process.cwd());
  } catch (err) {
    io.stderr.write(`jetway ${command}: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    return await run(ctx);
  } catch (err) {
    io.stderr.write(`jetway ${command}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    ctx.doc.destroy();
  }
}

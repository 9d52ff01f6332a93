import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { formatMoney } from '../../../src/shared/money.js';
import {
  DEFAULT_POLICY_DOCUMENTS,
  PolicyInputError,
  defaultPolicySet,
  evaluate,
  explainDecision,
  parseClaimCase,
  parsePolicySet,
  type Decision,
  type PolicySet,
} from '../../../src/shared/policy/index.js';

/**
 * `jetway policy …` — evaluate one claim case or simulate a policy over many (docs/policy.md).
 * Exit codes: 0 ok, 1 some simulated lines were invalid, 2 usage or input error.
 */

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `Usage:
  jetway policy evaluate <case.json | -> [--explain] [--policy <file-or-dir>]... [--no-defaults]
                         [--store [--at <iso>] [table options]]
      Evaluate one claim case (JSON file, or - for stdin). Prints the Decision as JSON,
      or for a person with --explain.
  jetway policy simulate --cases <file.ndjson | -> [--policy <file-or-dir>]... [--no-defaults] [--table|--explain]
                         [--out <results.ndjson>] [--store [--at <iso>] [table options]]
      Evaluate one claim case per line; totals payable amounts by regime and currency (JSON,
      or a table with --table/--explain). Invalid lines are reported with their line number.
      --out also writes one result per case (NDJSON, in input order): the totals are their sum.

  --store decides with the policy store's published versions (docs/admin.md): for each case the
  version in force at its disrupted flight's scheduled departure, or at --at <iso> when given (what
  the rules of that instant say). The version used is printed (stderr; in --out, per case).
  Table options: --endpoint URL, --table-name NAME, --table-prefix P, --region R (else DYNAMODB_ENDPOINT /
  TABLE_NAME, else the running local cloud's).
  jetway policy list [--policy <file-or-dir>]... [--no-defaults]
      List the policy documents (id, version, effective dates, hash).

  --policy adds policy documents (a JSON file holding one document or an array, or a directory
  of such files) to the bundled defaults; --no-defaults uses only the given documents.
`;

interface Opts {
  positional: string[];
  policies: string[];
  cases: string | null;
  explain: boolean;
  table: boolean;
  noDefaults: boolean;
  help: boolean;
  out: string | null;
  store: boolean;
  at: string | null;
  db: { endpoint?: string; table?: string; 'table-prefix'?: string; region?: string };
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    positional: [],
    policies: [],
    cases: null,
    explain: false,
    table: false,
    noDefaults: false,
    help: false,
    out: null,
    store: false,
    at: null,
    db: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--explain') o.explain = true;
    else if (a === '--table') o.table = true;
    else if (a === '--no-defaults') o.noDefaults = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--policy') o.policies.push(value());
    else if (a.startsWith('--policy=')) o.policies.push(a.slice(9));
    else if (a === '--out') o.out = value();
    else if (a === '--store') o.store = true;
    else if (a === '--at') o.at = value();
    else if (a === '--endpoint' || a === '--table-prefix' || a === '--region') o.db[a.slice(2) as 'endpoint'] = value();
    else if (a === '--table-name') o.db.table = value();
    else if (a === '--cases') o.cases = value();
    else if (a.startsWith('--cases=')) o.cases = a.slice(8);
    else if (a.startsWith('--') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else o.positional.push(a);
  }
  return o;
}

async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function loadDocuments(p: string): Promise<unknown[]> {
  const st = await stat(p);
  const files = st.isDirectory()
    ? (await readdir(p))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => path.join(p, f))
    : [p];
  const docs: unknown[] = [];
  for (const f of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(f, 'utf8'));
    } catch (err) {
      throw new PolicyInputError(`policy file ${f}`, [{ path: '', message: `not JSON: ${(err as Error).message}` }]);
    }
    if (Array.isArray(parsed)) docs.push(...parsed);
    else docs.push(parsed);
  }
  return docs;
}

/**
 * The policy to decide a case with: the store's version in force at the case's departure (or --at)
 * with --store, else the bundled/given documents. Returns the label of the store version.
 */
type Chooser = (departure: string) => Promise<{ set: PolicySet; label: string | null }>;

async function chooser(o: Opts): Promise<{ choose: Chooser; close: () => void }> {
  if (o.at !== null && (!o.store || Number.isNaN(Date.parse(o.at)) || !/^\d{4}-\d{2}-\d{2}T/.test(o.at)))
    throw new UsageError(o.store ? `--at needs an ISO instant, e.g. 2026-12-03T00:00:00Z (got ${o.at})` : '--at selects a policy store version: add --store');
  if (!o.store) {
    const set = await policySet(o);
    return { choose: async () => ({ set, label: null }), close: () => undefined };
  }
  if (o.policies.length || o.noDefaults) throw new UsageError('--store decides with the store\'s versions: not with --policy/--no-defaults');
  const { resolveAuditContext } = await import('./audit.js');
  const { policyResolver } = await import('../data/policy-store.js');
  const ctx = resolveAuditContext(o.db, process.env, process.cwd());
  const resolve = await policyResolver(ctx);
  const at = o.at;
  return {
    choose: async (departure) => {
      const r = await resolve(at ?? departure);
      return { set: r.set, label: r.label };
    },
    close: () => ctx.doc.destroy(),
  };
}

const departureOf = (c: ReturnType<typeof parseClaimCase>): string => c.segments[c.disruptedSegment]?.scheduledDeparture ?? c.segments[0]!.scheduledDeparture;

async function policySet(o: Opts): Promise<PolicySet> {
  if (!o.policies.length && !o.noDefaults) return defaultPolicySet();
  const docs: unknown[] = o.noDefaults ? [] : [...DEFAULT_POLICY_DOCUMENTS];
  for (const p of o.policies) docs.push(...(await loadDocuments(p)));
  if (!docs.length) throw new UsageError('no policy documents (--no-defaults without --policy)');
  return parsePolicySet(docs);
}

function write(s: NodeJS.WritableStream, text: string): void {
  s.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Entry point called by bin/jetway.mjs with the arguments after `policy`; resolves to the exit code. */
export async function runPolicyCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const o = parseArgs(argv);
    const [cmd, ...rest] = o.positional;
    if (o.help || !cmd || cmd === 'help') {
      write(cmd || o.help ? io.stdout : io.stderr, USAGE);
      return cmd || o.help ? 0 : 2;
    }
    if (cmd === 'evaluate') return await evaluateCmd(rest, o, io);
    if (cmd === 'simulate') return await simulateCmd(o, io);
    if (cmd === 'list') return await listCmd(o, io);
    throw new UsageError(`unknown command "${cmd}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      write(io.stderr, `jetway policy: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof PolicyInputError) {
      write(io.stderr, `jetway policy: ${err.message}`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && e.code === 'ENOENT') {
      write(io.stderr, `jetway policy: no such file: ${e.path ?? ''}`);
      return 2;
    }
    write(io.stderr, `jetway policy: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

async function evaluateCmd(rest: string[], o: Opts, io: CliIo): Promise<number> {
  const src = rest[0];
  if (!src || rest.length > 1) throw new UsageError('evaluate takes exactly one case file (or - for stdin)');
  const text = src === '-' ? await readAll(io.stdin) : await readFile(src, 'utf8');
  const c = parseClaimCase(text);
  const { choose, close } = await chooser(o);
  try {
    const { set, label } = await choose(departureOf(c));
    const d = evaluate(c, set);
    if (label) io.stderr.write(`policy version ${label} (store, in force at ${o.at ?? departureOf(c)})\n`);
    write(io.stdout, o.explain ? `${label ? `Policy version ${label}.\n` : ''}${explainDecision(d)}` : JSON.stringify(d, null, 2));
    return 0;
  } finally {
    close();
  }
}

async function listCmd(o: Opts, io: CliIo): Promise<number> {
  const p = await policySet(o);
  write(io.stdout, JSON.stringify(p.documents, null, 2));
  return 0;
}

export interface SimulationSummary {
  lines: number;
  evaluated: number;
  invalid: { line: number; error: string }[];
  needsReview: number;
  /** Payable amounts (minor units) per regime, then per currency. */
  byRegime: Record<string, Record<string, number>>;
  /** Payable amounts (minor units) per currency. */
  byCurrency: Record<string, number>;
  /** Number of payable entitlements per regime and type. */
  entitlements: Record<string, Record<string, number>>;
}

const PROGRESS_EVERY = 10_000;

async function simulateCmd(o: Opts, io: CliIo): Promise<number> {
  if (!o.cases) throw new UsageError('simulate needs --cases <file.ndjson>');
  const { choose, close } = await chooser(o);
  const out = o.out ? createWriteStream(o.out) : null;
  if (out)
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
  const emit = async (line: string) => {
    if (out && !out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  let input: NodeJS.ReadableStream = io.stdin;
  if (o.cases !== '-') {
    const file = createReadStream(o.cases);
    // Surface a missing file as an input error before reading (readline would swallow it).
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', reject);
    });
    input = file;
  }
  const rl = createInterface({ input, crlfDelay: Infinity });
  const sum: SimulationSummary = {
    lines: 0,
    evaluated: 0,
    invalid: [],
    needsReview: 0,
    byRegime: {},
    byCurrency: {},
    entitlements: {},
  };
  const started = Date.now();
  for await (const line of rl) {
    sum.lines++;
    if (!line.trim()) continue;
    let d: Decision;
    let label: string | null;
    try {
      const c = parseClaimCase(line);
      const chosen = await choose(departureOf(c));
      label = chosen.label;
      d = evaluate(c, chosen.set);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      sum.invalid.push({ line: sum.lines, error });
      await emit(JSON.stringify({ line: sum.lines, error }));
      continue;
    }
    await emit(JSON.stringify(caseResult(sum.lines, d, label)));
    sum.evaluated++;
    if (d.needsReview.length) sum.needsReview++;
    for (const e of d.entitlements) {
      if (!e.payable || !e.amount) continue;
      const r = (sum.byRegime[e.regime] ??= {});
      r[e.amount.currency] = (r[e.amount.currency] ?? 0) + e.amount.amountMinor;
      sum.byCurrency[e.amount.currency] = (sum.byCurrency[e.amount.currency] ?? 0) + e.amount.amountMinor;
      const t = (sum.entitlements[e.regime] ??= {});
      t[e.type] = (t[e.type] ?? 0) + 1;
    }
    if (sum.lines % PROGRESS_EVERY === 0) {
      const s = (Date.now() - started) / 1000;
      io.stderr.write(
        `simulate: ${sum.lines} lines, ${sum.invalid.length} invalid, ${Math.round(sum.lines / Math.max(s, 0.001))} lines/s\n`,
      );
    }
  }
  close();
  if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  for (const x of sum.invalid.slice(0, 50)) io.stderr.write(`line ${x.line}: ${x.error}\n`);
  if (sum.invalid.length > 50) io.stderr.write(`… and ${sum.invalid.length - 50} more invalid lines\n`);
  write(io.stdout, o.table || o.explain ? simulationTable(sum) : JSON.stringify(sum, null, 2));
  return sum.invalid.length ? 1 : 0;
}

/**
 * One `--out` line: what the totals count for this case (payable amounts by regime and currency, and
 * the payable entitlements), so the totals are exactly the sum of the lines.
 */
export function caseResult(line: number, d: Decision, label: string | null) {
  const byRegime: Record<string, Record<string, number>> = {};
  const entitlements: string[] = [];
  for (const e of d.entitlements) {
    if (!e.payable || !e.amount) continue;
    const r = (byRegime[e.regime] ??= {});
    r[e.amount.currency] = (r[e.amount.currency] ?? 0) + e.amount.amountMinor;
    entitlements.push(`${e.regime}/${e.type}/${e.carePeriod} ${e.amount.amountMinor} ${e.amount.currency}`);
  }
  return {
    line,
    caseId: d.caseId,
    ...(label ? { version: label } : {}),
    policyVersion: d.policyVersion,
    primaryRegime: d.primaryRegime,
    needsReview: d.needsReview.length > 0,
    byRegime,
    entitlements,
  };
}

/** The simulation totals as a table for a person. */
export function simulationTable(s: SimulationSummary): string {
  const rows: string[][] = [['REGIME', 'CURRENCY', 'TOTAL', 'ENTITLEMENTS']];
  for (const regime of Object.keys(s.byRegime).sort()) {
    const n = Object.values(s.entitlements[regime] ?? {}).reduce((a, b) => a + b, 0);
    for (const [cur, minor] of Object.entries(s.byRegime[regime]!).sort())
      rows.push([regime, cur, formatMoney({ amountMinor: minor, currency: cur }), String(n)]);
  }
  rows.push(['', '', '', '']);
  for (const [cur, minor] of Object.entries(s.byCurrency).sort())
    rows.push(['ALL', cur, formatMoney({ amountMinor: minor, currency: cur }), '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const body = rows
    .map((r) =>
      r
        .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  return `${body}\n\n${s.evaluated} cases evaluated, ${s.invalid.length} invalid lines, ${s.needsReview} need review (of ${s.lines} lines).`;
}

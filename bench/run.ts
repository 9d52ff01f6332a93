/**
 * `npm run bench` runs every bench/<name>.ts; `npm run bench -- NAME [NAME…]` runs some. A NAME
 * also selects its group: `desk` runs bench/desk.ts (if any) and every bench/desk-*.ts (each file
 * keeps its own figures; e.g. desk-sync.ts reports desk.initial_sync_*).
 * Each bench module's default export returns { figureName: { value, unit, target } }.
 * Results merge into bench/results/latest.json (figures not re-run are kept, with their time)
 * and the README's figures table between the bench markers is rewritten.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Figure {
  value: number;
  unit: string;
  target: string;
  measuredAt?: string;
}
type BenchFn = () => Promise<Record<string, Figure>>;

const root = path.resolve(import.meta.dirname, '..');
const benchDir = path.join(root, 'bench');
const resultsFile = path.join(benchDir, 'results', 'latest.json');
const readme = path.join(root, 'README.md');

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

function available(): string[] {
  return fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

function updateReadme(figures: Record<string, Figure>, m: Record<string, unknown>): void {
  if (!fs.existsSync(readme)) return;
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  const rows = Object.entries(figures)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, f]) => `| \`${k}\` | ${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit} | ${f.target} | ${f.measuredAt?.slice(0, 10) ?? ''} |`);
  const table = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}.`,
    '',
    '| figure | measured | target | date |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
  fs.writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const all = available();
  const group = (a: string) => all.filter((n) => n === a || n.startsWith(`${a}-`));
  const unknown = args.filter((a) => group(a).length === 0);
  if (unknown.length) {
    console.error(`unknown bench: ${unknown.join(', ')}; available: ${all.join(', ')}`);
    return 2;
  }
  const names = args.length ? [...new Set(args.flatMap(group))] : all;
  const previous = fs.existsSync(resultsFile)
    ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { figures?: Record<string, Figure> })
    : {};
  const figures: Record<string, Figure> = { ...(previous.figures ?? {}) };
  let failed = 0;
  for (const name of names) {
    const started = Date.now();
    console.log(`bench ${name}: running…`);
    try {
      const mod = (await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href)) as { default: BenchFn };
      const out = await mod.default();
      for (const [k, f] of Object.entries(out)) {
        figures[k] = { ...f, measuredAt: new Date().toISOString() };
        console.log(`  ${k}: ${f.value} ${f.unit} (target ${f.target})`);
      }
      console.log(`bench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      failed++;
      console.error(`bench ${name}: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  const m = machine();
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify({ machine: m, figures }, null, 2)}\n`);
  updateReadme(figures, m);
  console.log(`wrote ${path.relative(root, resultsFile)}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawCase } from './helpers.js';
import { runCli as run } from './run-cli.js';


const dir = mkdtempSync(path.join(tmpdir(), 'jetway-policy-cli-'));
const caseFile = path.join(dir, 'case.json');
const eu600 = rawCase({ route: 'FRA-JFK', arr: 300, dep: 300, cause: 'MECHANICAL', caseId: 'C-1' });
writeFileSync(caseFile, JSON.stringify(eu600));

describe('jetway policy evaluate', () => {
  it('prints the decision as JSON from a file', async () => {
    const r = await run(['evaluate', caseFile]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.caseId).toBe('C-1');
    expect(d.primaryRegime).toBe('EU261');
    expect(d.totals).toEqual([{ amountMinor: 60000, currency: 'EUR' }]);
  });

  it('reads the case from stdin with -', async () => {
    const r = await run(
      ['evaluate', '-'],
      JSON.stringify(rawCase({ route: 'YYZ-YVR', carrier: 'AC', arr: 400, cause: 'CREW' })),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).totals).toEqual([{ amountMinor: 70000, currency: 'CAD' }]);
  });

  it('--explain prints it for a person', async () => {
    const r = await run(['evaluate', caseFile, '--explain']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Primary regime: EU261');
    expect(r.out).toContain('EU261 cash: 600.00 EUR');
    expect(r.out).toContain('EU261.STURGEON');
    expect(r.out).toContain('Total payable: 600.00 EUR');
  });

  it('rejects an invalid case with the path and exit code 2', async () => {
    const r = await run(['evaluate', '-'], JSON.stringify({ ...eu600, kind: 'LATE' }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('kind');
    expect(r.out).toBe('');
  });

  it('reports a missing file', async () => {
    const r = await run(['evaluate', path.join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });

  it('uses an extra policy file (--policy) for the evaluation', async () => {
    const fixture = path.join(import.meta.dirname, 'fixtures', 'eu261-council-2025.json');
    const future = rawCase({ route: 'FRA-JFK', date: '2099-03-01T10:00:00Z', arr: 300, cause: 'MECHANICAL' });
    const r = await run(['evaluate', '-', '--policy', fixture], JSON.stringify(future));
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.policyVersion).toContain('eu261@2099.0-council-2025');
    expect(d.totals).toEqual([]);
  });

  it('unknown command → usage, exit 2', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage');
  });
});

describe('jetway policy simulate', () => {
  const lines = [
    JSON.stringify(rawCase({ route: 'FRA-JFK', arr: 300, cause: 'MECHANICAL' })), // EU261 €600
    JSON.stringify(rawCase({ route: 'CDG-AMS', carrier: 'AF', arr: 200, cause: 'MECHANICAL' })), // EU261 €250
    '{"kind": "DELAY"}', // invalid: line 3
    '',
    JSON.stringify(rawCase({ route: 'YYZ-YVR', carrier: 'AC', arr: 400, cause: 'CREW' })), // APPR CA$700
    'not json', // invalid: line 6
    JSON.stringify(rawCase({ route: 'PHX-OAK', carrier: 'SW', dep: 130, tier: 'A-LIST', cause: 'WEATHER' })), // goodwill $20
  ];
  const casesFile = path.join(dir, 'cases.ndjson');
  writeFileSync(casesFile, lines.join('\n') + '\n');

  it('totals payable amounts by regime and currency and reports invalid lines by number', async () => {
    const r = await run(['simulate', '--cases', casesFile]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s.evaluated).toBe(4);
    expect(s.byRegime.EU261).toEqual({ EUR: 85000 });
    expect(s.byRegime.APPR).toEqual({ CAD: 70000 });
    expect(s.byRegime.goodwill).toEqual({ USD: 2000 });
    expect(s.byCurrency).toEqual({ EUR: 85000, CAD: 70000, USD: 2000 });
    expect(s.invalid.map((x: { line: number }) => x.line)).toEqual([3, 6]);
    expect(r.err).toContain('line 3:');
    expect(r.err).toContain('line 6:');
  });

  it('--table prints a human table', async () => {
    const r = await run(['simulate', '--cases', casesFile, '--table']);
    expect(r.out).toMatch(/EU261\s+EUR\s+850\.00 EUR/);
    expect(r.out).toMatch(/APPR\s+CAD\s+700\.00 CAD/);
    expect(r.out).toContain('4 cases evaluated, 2 invalid lines');
  });

  it('reads cases from stdin and shows progress on stderr for large inputs', async () => {
    const one = JSON.stringify(rawCase({ route: 'CDG-AMS', carrier: 'AF', arr: 200, cause: 'MECHANICAL' }));
    const r = await run(['simulate', '--cases', '-'], `${Array.from({ length: 20_000 }, () => one).join('\n')}\n`);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.evaluated).toBe(20_000);
    expect(s.byRegime.EU261).toEqual({ EUR: 20_000 * 25000 });
    expect(r.err).toContain('simulate: 10000 lines');
    expect(r.err).toContain('simulate: 20000 lines');
  });

  it('needs --cases', async () => {
    const r = await run(['simulate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--cases');
  });
});

describe('jetway policy list', () => {
  it('lists the bundled documents with hashes', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.out) as { id: string; hash: string }[];
    expect(docs.map((d) => d.id)).toEqual(
      expect.arrayContaining([
        'eu261',
        'uk261',
        'appr',
        'us-dot',
        'montreal',
        'shy',
        'india-car',
        'israel-asl',
        'brazil-anac',
        'goodwill',
        'reference',
      ]),
    );
    expect(docs.every((d) => d.hash.length === 64)).toBe(true);
  });
});

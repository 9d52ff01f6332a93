import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawCase } from './helpers.js';
import { runCli as run } from './run-cli.js';

// `jetway policy simulate --out` (issue #9): one result per case next to the totals, which are their sum.


const dir = mkdtempSync(path.join(tmpdir(), 'jetway-policy-out-'));

describe('jetway policy simulate --out', () => {
  it('writes one NDJSON result per case (invalid lines too); the totals are the sum of the results', async () => {
    const lines = [
      JSON.stringify(rawCase({ route: 'FRA-JFK', arr: 300, cause: 'MECHANICAL', caseId: 'A' })),
      JSON.stringify(rawCase({ route: 'CDG-AMS', carrier: 'AF', arr: 200, cause: 'MECHANICAL', caseId: 'B' })),
      'not json',
      JSON.stringify(rawCase({ route: 'YYZ-YVR', carrier: 'AC', arr: 400, cause: 'CREW', caseId: 'C' })),
      JSON.stringify(rawCase({ route: 'PHX-OAK', carrier: 'SW', dep: 130, tier: 'A-LIST', cause: 'WEATHER', caseId: 'D' })),
    ];
    const cases = path.join(dir, 'cases.ndjson');
    const out = path.join(dir, 'results.ndjson');
    writeFileSync(cases, `${lines.join('\n')}\n`);
    const r = await run(['simulate', '--cases', cases, '--out', out]);
    expect(r.code).toBe(1);
    const totals = JSON.parse(r.out) as { byRegime: Record<string, Record<string, number>>; evaluated: number };
    const results = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; caseId?: string; error?: string; byRegime?: Record<string, Record<string, number>> });
    expect(results.map((x) => x.line)).toEqual([1, 2, 3, 4, 5]);
    expect(results[2]).toMatchObject({ line: 3, error: expect.stringContaining('not JSON') });
    expect(results.filter((x) => !x.error).map((x) => x.caseId)).toEqual(['A', 'B', 'C', 'D']);
    const sum: Record<string, Record<string, number>> = {};
    for (const x of results)
      for (const [regime, cur] of Object.entries(x.byRegime ?? {}))
        for (const [c, v] of Object.entries(cur)) (sum[regime] ??= {})[c] = (sum[regime][c] ?? 0) + v;
    expect(sum).toEqual(totals.byRegime);
    expect(totals.evaluated).toBe(4);
  });

  it('--at selects a policy store version: without --store it is a usage error', async () => {
    const r = await run(['evaluate', '-', '--at', '2026-12-03T00:00:00Z'], JSON.stringify(rawCase({ route: 'FRA-JFK', arr: 300 })));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--at selects a policy store version');
  });
});

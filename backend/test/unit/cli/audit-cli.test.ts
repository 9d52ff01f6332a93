import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAuditContext, runAuditCli } from '../../../src/cli/audit.js';
import { captureCli } from '../../helpers/cli.js';

/** `jetway audit verify`: where it reads from and its usage errors (the chain itself: backend money-controls.test.ts, on DynamoDB Local). */
const run = (argv: string[], env: NodeJS.ProcessEnv = {}, cwd = '/') =>
  captureCli((io) => runAuditCli(argv, io, { env, cwd }));

describe('jetway audit verify: arguments and where the table is', () => {
  it.each([
    [['verify'], 'no case id'],
    [['check', 'CASE-1'], 'an unknown subcommand'],
    [['verify', 'CASE-1', 'CASE-2'], 'two case ids'],
    [['verify', 'CASE-1', '--nope'], 'an unknown flag'],
  ])('%j (%s) is a usage error, exit 2', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: jetway audit verify');
  });

  it('without flags, env or a running local cloud it says how to point it at a table (exit 2)', async () => {
    const r = await run(['verify', 'CASE-1'], {}, mkdtempSync(path.join(tmpdir(), 'jetway-audit-')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--endpoint|npm run cloud/);
  });

  it('reads the endpoint and table prefix from the local cloud’s .jetway/cloud/cloud.json, searched upwards; flags win', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'jetway-audit-'));
    mkdirSync(path.join(root, '.jetway', 'cloud'), { recursive: true });
    writeFileSync(
      path.join(root, '.jetway', 'cloud', 'cloud.json'),
      JSON.stringify({ dynamodbEndpoint: 'http://127.0.0.1:8123', tablePrefix: 'demo_' }),
    );
    const sub = path.join(root, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const fromFile = resolveAuditContext({}, {}, sub);
    expect(fromFile.table).toBe('demo_jetway');
    const flagged = resolveAuditContext({ endpoint: 'http://127.0.0.1:9', 'table-prefix': 'x_' }, {}, sub);
    expect(flagged.table).toBe('x_jetway');
    const named = resolveAuditContext({ endpoint: 'http://127.0.0.1:9', table: 'Prod-Main' }, {}, sub);
    expect(named.table).toBe('Prod-Main');
    for (const c of [fromFile, flagged, named]) c.doc.destroy();
  });
});

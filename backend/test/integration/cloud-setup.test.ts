/**
 * scripts/setup-services.mjs: idempotent on a warm cache, and loud (with what to do) when a
 * prerequisite is missing. Runs the real script in child processes with a controlled PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const script = path.join(repoRoot, 'scripts', 'setup-services.mjs');

function binDirWith(tools: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jetway-bin-'));
  for (const t of tools) {
    const which = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (which) symlinkSync(which, path.join(dir, t));
  }
  return dir;
}

describe('npm run setup', () => {
  it('on a warm cache: reports both services cached and exits 0 (run it twice)', () => {
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, [script], { cwd: repoRoot, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/dynamodb-local: cached/);
      expect(r.stdout).toMatch(/kafka 3\.9\.1: cached/);
    }
  });

  it('without java: fails with how to install it', () => {
    const r = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: binDirWith([]), JETWAY_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'jetway-cache-')) },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: java was not found on PATH.*openjdk-17/s);
  });

  it('without mvn (and no Kafka cache): fails with how to install it or use KAFKA_BROKERS', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'jetway-cache-'));
    // A DynamoDB Local cache is present, so only the Kafka fetch needs a tool that is missing.
    mkdirSync(path.join(cache, 'dynamodb-local', 'DynamoDBLocal_lib'), { recursive: true });
    writeFileSync(path.join(cache, 'dynamodb-local', 'DynamoDBLocal.jar'), '');
    const r = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: binDirWith(['java']), JETWAY_CACHE_DIR: cache },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: mvn was not found on PATH.*apt-get install -y maven.*KAFKA_BROKERS/s);
  });
});

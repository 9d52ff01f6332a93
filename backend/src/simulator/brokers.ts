/**
 * Where to produce: `--brokers` (comma-separated) wins, then $KAFKA_BROKERS, then the running
 * local cloud's `.jetway/cloud/cloud.json` (`kafkaBrokers`), searched from the working directory
 * upwards.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const CloudFileSchema = z.object({ kafkaBrokers: z.array(z.string().min(1)).min(1) }).loose();
const splitList = (s: string): string[] =>
  s
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);

export function findCloudFile(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.jetway', 'cloud', 'cloud.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

export function resolveBrokers(opts: { flag?: string; env?: NodeJS.ProcessEnv; cwd?: string }): {
  brokers: string[];
  from: string;
} {
  if (opts.flag) return { brokers: splitList(opts.flag), from: '--brokers' };
  const env = opts.env ?? process.env;
  if (env.KAFKA_BROKERS) return { brokers: splitList(env.KAFKA_BROKERS), from: 'KAFKA_BROKERS' };
  const file = findCloudFile(opts.cwd ?? process.cwd());
  if (file) {
    const parsed = CloudFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(`${file}: no kafkaBrokers list (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return { brokers: parsed.data.kafkaBrokers, from: file };
  }
  throw new Error(
    'no Kafka brokers: pass --brokers host:port, set KAFKA_BROKERS, or start the local cloud (npm run cloud)',
  );
}

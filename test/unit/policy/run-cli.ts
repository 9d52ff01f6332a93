import { PassThrough } from 'node:stream';
import { runPolicyCli } from '../../../backend/src/cli/policy.js';

/** Runs `jetway policy <argv>` with `stdinText` on stdin; its exit code and what it wrote. */
export async function runCli(argv: string[], stdinText = ''): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdin.end(stdinText);
  const code = await runPolicyCli(argv, { stdin, stdout, stderr });
  return { code, out, err };
}

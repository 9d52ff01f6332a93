import { PassThrough } from 'node:stream';

export interface CliStreams {
  stdin: PassThrough;
  stdout: PassThrough;
  stderr: PassThrough;
}

/** Runs a `jetway` command on in-memory streams (`stdinText` on stdin): its exit code and what it wrote. */
export async function captureCli(
  run: (io: CliStreams) => Promise<number>,
  stdinText = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdin.end(stdinText);
  const code = await run({ stdin, stdout, stderr });
  return { code, out, err };
}

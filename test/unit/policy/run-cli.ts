import { captureCli } from '../../../backend/test/helpers/cli.js';
import { runPolicyCli } from '../../../backend/src/cli/policy.js';

/** Runs `jetway policy <argv>` with `stdinText` on stdin; its exit code and what it wrote. */
export const runCli = (argv: string[], stdinText = '') => captureCli((io) => runPolicyCli(argv, io), stdinText);

/**
 * Turns `cdk deploy --outputs-file cdk-outputs.json` into the environment the desk reads to talk
 * to a deployed stack (docs/deploy.md):
 *   npx tsx backend/infra/desk-env.ts cdk-outputs.json [StackName] > .env.aws
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const StackOutputsSchema = z
  .object({
    ApiUrl: z.url(),
    UserPoolId: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/),
    UserPoolClientId: z.string().min(1),
    Region: z.string().min(1),
  })
  .loose();

/** The desk's variables from one stack's outputs (`{ StackName: { ApiUrl, … } }`). */
export function deskEnvFromOutputs(outputs: unknown, stackName?: string): Record<string, string> {
  const all = z.record(z.string(), z.unknown()).parse(outputs);
  const names = Object.keys(all).filter((n) => !stackName || n === stackName);
  if (names.length !== 1) {
    throw new Error(
      stackName
        ? `no stack ${stackName} in the outputs`
        : `outputs hold ${names.length} stacks (${names.join(', ')}): name one`,
    );
  }
  const o = StackOutputsSchema.parse(all[names[0]!]);
  return {
    JETWAY_API_URL: o.ApiUrl.replace(/\/$/, ''),
    JETWAY_COGNITO_REGION: o.Region,
    JETWAY_COGNITO_USER_POOL_ID: o.UserPoolId,
    JETWAY_COGNITO_CLIENT_ID: o.UserPoolClientId,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, stack] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: desk-env.ts <cdk-outputs.json> [StackName]\n');
    process.exit(2);
  }
  const env = deskEnvFromOutputs(JSON.parse(readFileSync(file, 'utf8')), stack);
  for (const [k, v] of Object.entries(env)) process.stdout.write(`${k}=${v}\n`);
}

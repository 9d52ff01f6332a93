import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InfraConfigSchema, type InfraConfig } from '../../../infra/config.js';
import { JetwayStack, type JetwayStackProps } from '../../../infra/jetway-stack.js';

export const MSK_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/ops/0b1c2d3e-1111-2222-3333-444455556666-7';

/**
 * Synthesizes the stack in memory. Bundling is skipped (`aws:cdk:bundling-stacks: []`): these
 * tests check the template; the real esbuild bundling is exercised by synth-cli.test.ts.
 */
export function synth(
  config: Partial<InfraConfig> = {},
  extra: Partial<JetwayStackProps> = {},
): { template: Template; stack: JetwayStack } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'jetway-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new JetwayStack(app, 'JetwayTest', {
    config: InfraConfigSchema.parse(config),
    env: { account: '123456789012', region: 'eu-west-1' },
    ...extra,
  });
  return { template: Template.fromStack(stack), stack };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
export const resourcesOf = (t: Template, type: string): Resources => t.findResources(type) as Resources;

/** The logical id of the Lambda function built for manifest handler `name`. */
export function functionIdFor(t: Template, name: string): string {
  const ids = Object.keys(resourcesOf(t, 'AWS::Lambda::Function')).filter((id) => id.startsWith(`${name}Fn`));
  if (ids.length !== 1) throw new Error(`expected one function for ${name}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

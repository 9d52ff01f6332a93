/**
 * cdk-nag AwsSolutions on the whole app (infra/nag.ts): every finding is fixed or acknowledged
 * with a reason, in every shape of the stack a deployment can take; and the checks really run
 * (a resource that breaks a rule fails the synth). The real `cdk synth` (synth-cli.test.ts)
 * runs them too, through infra/app.ts.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { InfraConfigSchema, type InfraConfig } from '../../../infra/config.js';
import { JetwayStack } from '../../../infra/jetway-stack.js';
import { addNagChecks } from '../../../infra/nag.js';
import { MSK_ARN } from './synth-helper.js';

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}

/** Synthesizes with the checks on; returns the findings left open (none when the synth passes). */
function nagFindings(config: Partial<InfraConfig>, extra?: (stack: JetwayStack) => void, env = { account: '123456789012', region: 'eu-west-1' }): string[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'jetway-nag-'));
  // Bundling skipped: the checks read the template, not the bundles.
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new JetwayStack(app, 'JetwayNag', { config: InfraConfigSchema.parse(config), env });
  extra?.(stack);
  addNagChecks(app);
  try {
    app.synth();
    return [];
  } catch (err) {
    const report = path.join(outdir, 'validation-report.json');
    if (!existsSync(report)) throw err;
    const r = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: { violations: Violation[] }[] };
    return r.pluginReports.flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)));
  }
}

const VPC = { ingestVpcId: 'vpc-0abc', ingestSubnetIds: ['subnet-1', 'subnet-2'], ingestSecurityGroupIds: ['sg-1'] };

describe('cdk-nag AwsSolutions: no finding left open', { timeout: 180_000 }, () => {
  it.each<[string, Partial<InfraConfig>]>([
    ['bare (no MSK, no SES identity)', {}],
    ['MSK with IAM auth, ingest in the VPC', { mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098', ...VPC }],
    ['MSK without auth, one SES identity, alarm e-mail, prod', { stage: 'prod', mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9094', mskAuth: 'none', sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example-airline.com', alarmEmail: 'ops@example-airline.com' }],
  ])('%s', (_name, config) => {
    expect(nagFindings(config)).toEqual([]);
  });

  it('without an account and region in the environment (a plain `cdk synth`)', () => {
    expect(nagFindings({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098' }, undefined, {} as never)).toEqual([]);
  });

  it('the checks run: a topic that accepts plain HTTP fails the synth', () => {
    const findings = nagFindings({}, (stack) => new sns.Topic(stack, 'OpenTopic'));
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SNS3 at JetwayNag\/OpenTopic/)]));
  });
});

/**
 * CDK app entry: `npx cdk synth --app 'npx tsx infra/app.ts'` from backend/ (npm run synth -w backend).
 * Region/account come from the CLI environment (CDK_DEFAULT_*); context keys are in config.ts.
 * The synth runs cdk-nag's AwsSolutions checks (nag.ts) and fails on a finding left open.
 */
import { App } from 'aws-cdk-lib';
import { readInfraConfig } from './config.js';
import { JetwayStack } from './jetway-stack.js';
import { addNagChecks } from './nag.js';

const app = new App();
const config = readInfraConfig((key) => app.node.tryGetContext(key));
new JetwayStack(app, `Jetway-${config.stage}`, {
  config,
  description: 'Jetway: disruption desk backend (API, ingest, workflows, data, auth)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// cdk-nag AwsSolutions: a finding neither fixed nor acknowledged (with its reason) fails the synth.
addNagChecks(app);
app.synth();

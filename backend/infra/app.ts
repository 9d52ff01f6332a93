/**
 * CDK app entry: `npx cdk synth --app 'npx tsx infra/app.ts'` from backend/ (npm run synth -w backend).
 * Region/account come from the CLI environment (CDK_DEFAULT_*); context keys are in config.ts.
 */
import { App } from 'aws-cdk-lib';
import { readInfraConfig } from './config.js';
import { JetwayStack } from './jetway-stack.js';

const app = new App();
const config = readInfraConfig((key) => app.node.tryGetContext(key));
new JetwayStack(app, `Jetway-${config.stage}`, {
  config,
  description: 'Jetway: disruption desk backend (API, ingest, workflows, data, auth)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();

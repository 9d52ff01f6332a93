/**
 * cdk-nag's AwsSolutions rule pack on the CDK app (infra/app.ts, so every `cdk synth`/`deploy`
 * checks it; backend/test/unit/infra/nag.test.ts fails `npm test` on any finding left). A
 * finding is fixed where it can be; the rest are acknowledged next to the resource, each with its
 * reason (`Validations.of(construct).acknowledge`).
 */
import { Stack, Token, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** An ARN of this stack as cdk-nag prints it in a finding id (`arn:<AWS::Partition>:states:eu-west-1:…`). */
export function nagArn(stack: Stack, service: string, rest: string): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${rest}`;
}

import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { nagArn } from '../nag.js';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Lets a notifying function send e-mail through SES (one identity, from context, else the
 * account's identities) and SMS through SNS. SMS publishing to phone numbers has no resource
 * ARN, so SNS is denied topic publishing instead: the function can text, not broadcast.
 */
export function grantNotify(fn: lambda.IFunction, opts: { sesIdentityArn?: string }): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [opts.sesIdentityArn ?? stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
    }),
  );
  if (!opts.sesIdentityArn) {
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'ses', 'identity/*')}]`,
      reason: 'No sesIdentityArn in the CDK context: any verified SES identity of the account may be the sender. Set sesIdentityArn to scope it to one (docs/deploy.md).',
    });
  }
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['sns:Publish'],
      resources: [stack.formatArn({ service: 'sns', resource: '*' })],
    }),
  );
}

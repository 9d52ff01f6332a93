import { describe, expect, it } from 'vitest';
import { USER_ADMIN_ACTIONS } from '../../../infra/handler-policy.js';
import { functionIdFor, resourcesOf, synth } from './synth-helper.js';

// Issue #9: the admin API's grants — Cognito user administration on the pool only, async invocation of
// the simulation job function only; the job and the other API functions get neither.
const { template } = synth();
const fns = resourcesOf(template, 'AWS::Lambda::Function');
const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));

function statementsOf(name: string): { Action: string | string[]; Resource: unknown }[] {
  const roleId = (fns[functionIdFor(template, name)]!.Properties!.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return policies
    .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}
const actions = (name: string) => statementsOf(name).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('admin API grants', () => {
  it('ApiAdmin administers users on the pool and invokes the simulation job; it writes the table', () => {
    const a = actions('ApiAdmin');
    for (const x of [...USER_ADMIN_ACTIONS, 'lambda:InvokeFunction', 'dynamodb:PutItem', 'dynamodb:Query']) expect(a).toContain(x);
    expect(a).not.toContain('cognito-idp:AdminDeleteUser');
    expect(a).not.toContain('cognito-idp:*');
    const cognito = statementsOf('ApiAdmin').find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('cognito-idp:AdminAddUserToGroup'))!;
    expect(JSON.stringify(cognito.Resource)).toContain('UserPool');
    const invoke = statementsOf('ApiAdmin').find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('lambda:InvokeFunction'))!;
    expect(JSON.stringify(invoke.Resource)).toContain(functionIdFor(template, 'JobPolicySimulation'));
    const env = (fns[functionIdFor(template, 'ApiAdmin')]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.POLICY_SIMULATION_FUNCTION)).toContain(functionIdFor(template, 'JobPolicySimulation'));
  });

  it('no other function gets user administration or the job invocation', () => {
    for (const name of ['ApiSyncPush', 'ApiSyncPull', 'ApiMe', 'JobPolicySimulation', 'WfEvaluatePassengers']) {
      const a = actions(name);
      expect(a, name).not.toContain('cognito-idp:AdminUpdateUserAttributes');
      expect(a, name).not.toContain('lambda:InvokeFunction');
    }
  });
});

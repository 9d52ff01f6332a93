import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATE_MACHINES_DIR } from '../../../infra/paths.js';
import { MSK_ARN, functionIdFor, resourcesOf, synth } from './synth-helper.js';

/**
 * The approval workflow in the CDK app (issue #8): statemachines/approval.asl.json is a state
 * machine; push may start it and complete its task tokens; RegisterApprovalToken may complete
 * tokens; the escalation may read the supervisors group and send e-mail; nobody else may.
 */
const { template } = synth({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098' });
const fns = resourcesOf(template, 'AWS::Lambda::Function');
const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
const approvalId = Object.keys(machines).find(
  (id) => machines[id]!.Properties!.StateMachineName === 'jetway-dev-approval',
)!;
const disruptionId = Object.keys(machines).find(
  (id) => machines[id]!.Properties!.StateMachineName === 'jetway-dev-disruption',
)!;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const roleOf = (fnId: string) => (fns[fnId]!.Properties!.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
function statementsOf(handler: string): Statement[] {
  const role = roleOf(functionIdFor(template, handler));
  return policies
    .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}
const allows = (handler: string, action: string): Statement[] =>
  statementsOf(handler).filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action));
const envOf = (handler: string) =>
  (fns[functionIdFor(template, handler)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;

describe('approval state machine', () => {
  it('exists next to the disruption workflow, loaded from approval.asl.json', () => {
    expect(approvalId).toBeDefined();
    expect(disruptionId).toBeDefined();
    expect(machines[approvalId]!.Properties!.DefinitionS3Location).toBeDefined();
  });
  it('binds its four task handlers by ARN and may invoke exactly them', () => {
    const subs = machines[approvalId]!.Properties!.DefinitionSubstitutions as Record<
      string,
      { 'Fn::GetAtt': [string, string] }
    >;
    const bound = ['WfRegisterApprovalToken', 'WfEscalateApproval', 'WfExpireApproval', 'WfMarkApprovalFailed'];
    expect(Object.keys(subs).sort()).toEqual(bound.map((b) => `${b}Arn`).sort());
    for (const b of bound) expect(subs[`${b}Arn`]!['Fn::GetAtt']).toEqual([functionIdFor(template, b), 'Arn']);
    const smRole = (machines[approvalId]!.Properties!.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const invoked = policies
      .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === smRole))
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r));
    for (const b of bound) expect(invoked.some((r) => r.includes(functionIdFor(template, b)))).toBe(true);
    expect(invoked.some((r) => r.includes(functionIdFor(template, 'WfEvaluatePassengers')))).toBe(false);
  });
});

describe('who may do what with it', () => {
  it('push starts approvals (APPROVAL_STATE_MACHINE_ARN) and nothing else', () => {
    expect(envOf('ApiSyncPush').APPROVAL_STATE_MACHINE_ARN).toEqual({ Ref: approvalId });
    const starts = allows('ApiSyncPush', 'states:StartExecution').flatMap((s) => [s.Resource].flat());
    expect(starts).toEqual([{ Ref: approvalId }]);
  });
  it('ingest starts the disruption workflow, never approvals', () => {
    const starts = allows('IngestFlightOperations', 'states:StartExecution').flatMap((s) => [s.Resource].flat());
    expect(starts).toEqual([{ Ref: disruptionId }]);
    expect(envOf('IngestFlightOperations').APPROVAL_STATE_MACHINE_ARN).toBeUndefined();
  });
  it.each(['ApiSyncPush', 'WfRegisterApprovalToken'])('%s completes task tokens of the approval workflow only', (h) => {
    const res = allows(h, 'states:SendTaskSuccess').flatMap((s) => [s.Resource].flat());
    expect(res).toHaveLength(1);
    // By name (a reference would make RegisterApprovalToken ↔ state machine a dependency cycle).
    expect(JSON.stringify(res[0])).toMatch(/:stateMachine:jetway-dev-approval"/);
  });
  it.each(['ApiSyncPull', 'ApiMe', 'WfEscalateApproval', 'WfExpireApproval', 'WfEvaluatePassengers'])(
    '%s completes no task tokens',
    (h) => {
      expect(allows(h, 'states:SendTaskSuccess')).toEqual([]);
    },
  );
  it('the escalation reads the supervisors group of the pool and sends e-mail', () => {
    const list = allows('WfEscalateApproval', 'cognito-idp:ListUsersInGroup');
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list[0]!.Resource)).toMatch(/AuthUserPool/);
    expect(envOf('WfEscalateApproval').COGNITO_USER_POOL_ID).toBeDefined();
    expect(envOf('WfEscalateApproval').EMAIL_FROM).toBeDefined();
    expect(allows('WfEscalateApproval', 'ses:SendEmail')).not.toEqual([]);
  });
  it.each(['ApiSyncPush', 'ApiSyncPull', 'WfExpireApproval', 'WfRegisterApprovalToken'])(
    '%s cannot list users',
    (h) => {
      expect(allows(h, 'cognito-idp:ListUsersInGroup')).toEqual([]);
    },
  );
});

describe('the template has no dependency cycle', () => {
  it('Ref / Fn::GetAtt / DependsOn form a DAG', () => {
    const all = template.toJSON().Resources as Record<string, { DependsOn?: string | string[] }>;
    const edges = new Map<string, Set<string>>();
    const refs = (v: unknown, out: Set<string>) => {
      if (Array.isArray(v)) v.forEach((x) => refs(x, out));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'Ref' && typeof x === 'string' && all[x]) out.add(x);
          else if (k === 'Fn::GetAtt' && Array.isArray(x) && all[x[0] as string]) out.add(x[0] as string);
          else refs(x, out);
        }
      }
    };
    for (const [id, r] of Object.entries(all)) {
      const out = new Set<string>([r.DependsOn ?? []].flat());
      refs(r, out);
      edges.set(id, out);
    }
    const state = new Map<string, 1 | 2>();
    const cycle: string[] = [];
    const visit = (id: string): boolean => {
      if (state.get(id) === 2) return false;
      if (state.get(id) === 1) return (cycle.push(id), true);
      state.set(id, 1);
      for (const n of edges.get(id) ?? []) if (visit(n)) return (cycle.push(id), true);
      state.set(id, 2);
      return false;
    };
    for (const id of edges.keys()) if (visit(id)) break;
    expect(cycle).toEqual([]);
  });
});

describe('approval.asl.json waits', () => {
  type Wait = {
    Resource: string;
    Parameters: { FunctionName: string; Payload: Record<string, string> };
    HeartbeatSecondsPath: string;
    TimeoutSecondsPath: string;
    Catch: { ErrorEquals: string[]; Next: string }[];
  };
  const def = JSON.parse(readFileSync(path.join(STATE_MACHINES_DIR, 'approval.asl.json'), 'utf8')) as {
    States: Record<string, Wait & { Parameters: Record<string, unknown> }>;
  };
  const timing = def.States.Timing!.Parameters.Payload as Record<string, string>;
  it.each([
    ['AwaitDecision', 'pending', 'EscalateApproval', '$.escalateAfterSeconds'],
    ['AwaitDecisionEscalated', 'escalated', 'ExpireApproval', '$.expireAfterSeconds'],
  ])(
    '%s: .waitForTaskToken with heartbeat at the deadline and a longer timeout; a timeout goes to %s',
    (name, phase, next, deadline) => {
      const w = def.States[name]!;
      expect(w.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(w.Parameters.FunctionName).toBe('${WfRegisterApprovalTokenArn}');
      expect(w.Parameters.Payload).toMatchObject({ 'taskToken.$': '$$.Task.Token', phase });
      // Both paths resolve the same against the state input (Step Functions) and the effective
      // input, i.e. after Parameters (aws-local-stepfunctions): the value sits under $.Payload in both.
      for (const p of [w.HeartbeatSecondsPath, w.TimeoutSecondsPath]) {
        const key = p.replace(/^\$\.Payload\./, '');
        expect(p).toBe(`$.Payload.${key}`);
        expect(w.Parameters.Payload[`${key}.$`]).toBe(p);
        expect(timing[`${key}.$`]).toBeDefined();
      }
      const hb = w.HeartbeatSecondsPath.replace('$.Payload.', '');
      const to = w.TimeoutSecondsPath.replace('$.Payload.', '');
      expect(timing[`${hb}.$`]).toBe(deadline);
      expect(timing[`${to}.$`]).toBe(`States.MathAdd(${deadline}, 60)`); // heartbeat < timeout, as Step Functions requires
      expect(w.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: next });
      expect(w.Catch.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'MarkApprovalFailed' });
    },
  );
});

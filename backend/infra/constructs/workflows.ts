import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkMachine, type Machine } from '../asl-rules.js';
import { nagArn } from '../nag.js';

/** Every `*.asl.json` in a folder, by workflow name (`disruption.asl.json` → `disruption`). */
export function listStateMachineFiles(dir: string): { name: string; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.asl.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.asl.json'.length), file: path.join(dir, f) }));
}

/** The `${Name}` placeholders a definition uses (DefinitionSubstitutions keys). */
export function substitutionKeys(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))].sort();
}

/** Whether a definition holds a Distributed Map (its state machine starts child executions). */
export function hasDistributedMap(m: Machine): boolean {
  return Object.values(m.States).some(
    (s) =>
      (s.Type === 'Map' && s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') ||
      [s.ItemProcessor, s.Iterator, ...(s.Branches ?? [])].some((x) => x !== undefined && hasDistributedMap(x)),
  );
}

/** `disruption` → `Disruption`, `approval-wait` → `ApprovalWait` (construct ids, outputs). */
export const pascal = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** `disruption` → `DISRUPTION_STATE_MACHINE_ARN`: the env var starters read. */
export const stateMachineArnEnv = (name: string): string =>
  `${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_STATE_MACHINE_ARN`;

/**
 * One Standard state machine per ASL file, loaded unchanged with DefinitionBody.fromFile (the
 * local cloud runs the same files). Each `${<Handler>Arn}` placeholder is substituted with that
 * manifest handler's function ARN, and the state machine may invoke exactly those functions.
 * A placeholder with no handler, or a Task without timeout/specific retry/catch, fails the synth.
 */
export class JetwayWorkflows extends Construct {
  readonly stateMachines = new Map<string, sfn.StateMachine>();

  constructor(
    scope: Construct,
    id: string,
    props: {
      dir: string;
      namePrefix: string;
      functions: ReadonlyMap<string, lambda.IFunction>;
      logRetention: logs.RetentionDays;
    },
  ) {
    super(scope, id);
    for (const { name, file } of listStateMachineFiles(props.dir)) {
      const substitutions: Record<string, string> = {};
      const invoked: lambda.IFunction[] = [];
      const text = readFileSync(file, 'utf8');
      const machine = JSON.parse(text) as Machine;
      const problems = checkMachine(machine);
      if (problems.length) throw new Error(`${path.basename(file)} breaks the Task rules:\n  ${problems.join('\n  ')}`);
      for (const key of substitutionKeys(text)) {
        const fn = key.endsWith('Arn') ? props.functions.get(key.slice(0, -3)) : undefined;
        if (!fn) throw new Error(`${path.basename(file)}: placeholder \${${key}} names no handler in src/handlers.ts`);
        substitutions[key] = fn.functionArn;
        invoked.push(fn);
      }
      const logGroup = new logs.LogGroup(this, `${pascal(name)}Logs`, {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const sm = new sfn.StateMachine(this, pascal(name), {
        stateMachineName: `${props.namePrefix}${name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromFile(file),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        // Every state transition, without the data (inputs and outputs carry passenger data).
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      });
      Validations.of(sm).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing (xray:PutTraceSegments, GetSamplingRules, …) and CloudWatch Logs log delivery (logs:CreateLogDelivery, …) have no resource-level permissions; CDK adds exactly those.',
      });
      // The functions themselves (unqualified ARNs, as the definitions name them), not `:*`.
      if (invoked.length > 0)
        sm.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...new Set(invoked)].map((f) => f.functionArn) }));
      if (hasDistributedMap(machine)) this.grantChildExecutions(sm, `${props.namePrefix}${name}`);
      this.stateMachines.set(name, sm);
    }
  }

  /**
   * A Distributed Map runs its iterations as child executions of its own state machine: the role
   * may start them and describe/stop them, on this state machine only. By name, not by reference
   * (the role's policy is created before the state machine it names).
   */
  private grantChildExecutions(sm: sfn.StateMachine, stateMachineName: string): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    sm.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn('stateMachine', stateMachineName)] }));
    sm.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [arn('execution', `${stateMachineName}/*`)],
      }),
    );
    Validations.of(sm).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'states', `execution:${stateMachineName}/*`)}]`,
      reason: "The Distributed Map's child executions of this state machine: their names are made by Step Functions at run time.",
    });
  }
}

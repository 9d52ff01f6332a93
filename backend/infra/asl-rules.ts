/**
 * House rules for Step Functions Task states (STYLE.md) and Distributed Maps, checked by the CDK app before it builds a
 * state machine and by backend/test/unit/infra/asl.test.ts on every *.asl.json.
 */
export interface Retrier {
  ErrorEquals: string[];
}
export interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  MaxConcurrency?: number;
  ItemProcessor?: Machine & { ProcessorConfig?: { Mode?: string; ExecutionType?: string } };
  Iterator?: Machine;
  Branches?: Machine[];
}
export interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

/**
 * Error names a retrier must never list: a conditional-check failure is a decision ("already
 * issued", "version moved"), not a transient fault, and retrying it repeats the rejected write.
 * `States.ALL` and `States.TaskFailed` match every task error, conditional-check ones included.
 */
export const NEVER_RETRY = [
  'States.ALL',
  'States.TaskFailed',
  'DynamoDB.ConditionalCheckFailedException',
  'ConditionalCheckFailedException',
  'ConditionalCheckFailed',
];

/**
 * The house rules for Task states (STYLE.md): TimeoutSeconds; a specific Retry; a Catch into a
 * compensating state. A Task inside a Map/Parallel may leave catching to its enclosing state (the
 * error fails the iteration, and the Map's Catch routes it); the compensating Task itself (a Catch
 * target whose Next is a Fail state) has nowhere further to go and needs no Catch.
 */
export function checkMachine(m: Machine, where = '', enclosingCatches = false): string[] {
  const problems: string[] = [];
  const catchTargets = new Set(Object.values(m.States).flatMap((s) => (s.Catch ?? []).map((c) => c.Next)));
  for (const [name, s] of Object.entries(m.States)) {
    const at = `${where}${name}`;
    if (s.Type === 'Task') {
      if (s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined)
        problems.push(`${at}: no TimeoutSeconds`);
      if (!s.Retry?.length) problems.push(`${at}: no Retry`);
      for (const r of s.Retry ?? []) {
        for (const e of r.ErrorEquals) if (NEVER_RETRY.includes(e)) problems.push(`${at}: retries ${e}`);
      }
      const compensating = catchTargets.has(name) && s.Next !== undefined && m.States[s.Next]?.Type === 'Fail';
      if (!s.Catch?.length && !enclosingCatches && !compensating) problems.push(`${at}: no Catch`);
    }
    for (const c of s.Catch ?? []) if (!m.States[c.Next]) problems.push(`${at}: Catch → unknown state ${c.Next}`);
    // A Distributed Map runs up to 10,000 child executions at once by default: every one of them
    // a Lambda writing to the table. Its fan-out is bounded on purpose.
    if (s.Type === 'Map' && s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
      const mc = s.MaxConcurrency;
      if (mc === undefined || mc < 1 || mc > 1000) problems.push(`${at}: a Distributed Map needs a MaxConcurrency of 1–1000`);
      if (!s.Catch?.length && !enclosingCatches) problems.push(`${at}: no Catch`);
    }
    const inner = [s.ItemProcessor, s.Iterator, ...(s.Branches ?? [])].filter((x): x is Machine => x !== undefined);
    for (const sub of inner) problems.push(...checkMachine(sub, `${at}/`, Boolean(s.Catch?.length)));
  }
  return problems;
}

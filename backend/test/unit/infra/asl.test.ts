import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { listStateMachineFiles } from '../../../infra/constructs/workflows.js';
import { STATE_MACHINES_DIR } from '../../../infra/paths.js';

// asl-validator ships no types; its default export validates a definition object.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (d: unknown) => { isValid: boolean; errors: unknown[] };

interface Retrier {
  ErrorEquals: string[];
}
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: Machine;
  Iterator?: Machine;
  Branches?: Machine[];
}
interface Machine {
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
      if (s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) problems.push(`${at}: no TimeoutSeconds`);
      if (!s.Retry?.length) problems.push(`${at}: no Retry`);
      for (const r of s.Retry ?? []) {
        for (const e of r.ErrorEquals) if (NEVER_RETRY.includes(e)) problems.push(`${at}: retries ${e}`);
      }
      const compensating = catchTargets.has(name) && s.Next !== undefined && m.States[s.Next]?.Type === 'Fail';
      if (!s.Catch?.length && !enclosingCatches && !compensating) problems.push(`${at}: no Catch`);
    }
    for (const c of s.Catch ?? []) if (!m.States[c.Next]) problems.push(`${at}: Catch → unknown state ${c.Next}`);
    const inner = [s.ItemProcessor, s.Iterator, ...(s.Branches ?? [])].filter((x): x is Machine => x !== undefined);
    for (const sub of inner) problems.push(...checkMachine(sub, `${at}/`, Boolean(s.Catch?.length)));
  }
  return problems;
}

const files = listStateMachineFiles(STATE_MACHINES_DIR);

describe('every ASL file', () => {
  it('there is at least one', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files.map((f) => [f.name, f.file] as const))('%s is valid ASL and follows the Task rules', (_name, file) => {
    const definition = JSON.parse(readFileSync(file, 'utf8')) as Machine;
    const result = aslValidator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    expect(checkMachine(definition)).toEqual([]);
  });
});

describe('the Task rule checker catches violations', () => {
  const task = (over: Partial<State>): Machine => ({
    StartAt: 'T',
    States: {
      T: { Type: 'Task', TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }], End: true, ...over },
      Undo: { Type: 'Task', TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }], Next: 'Failed' },
      Failed: { Type: 'Fail' },
    },
  });
  it.each([
    ['no timeout', { TimeoutSeconds: undefined }, /no TimeoutSeconds/],
    ['no retry', { Retry: undefined }, /no Retry/],
    ['retry everything', { Retry: [{ ErrorEquals: ['States.ALL'] }] }, /retries States.ALL/],
    ['retry conditional-check failures', { Retry: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'] }] }, /retries DynamoDB.Conditional/],
    ['retry the custom conditional error', { Retry: [{ ErrorEquals: ['ConditionalCheckFailed'] }] }, /retries ConditionalCheckFailed/],
    ['no catch', { Catch: undefined }, /T: no Catch/],
  ])('%s', (_n, over, problem) => {
    expect(checkMachine(task(over)).join('\n')).toMatch(problem);
  });
  it('a well-formed machine passes (compensating task exempt from Catch)', () => {
    expect(checkMachine(task({}))).toEqual([]);
  });
  it('a Task in a Map without Catch is flagged unless the Map catches', () => {
    const inner = task({ Catch: undefined });
    const map = (catches: boolean): Machine => ({
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: { StartAt: 'T', States: { T: inner.States.T! } }, End: true, ...(catches ? { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }] } : {}) },
        F: { Type: 'Fail' },
      },
    });
    expect(checkMachine(map(false))).toEqual(['M/T: no Catch']);
    expect(checkMachine(map(true))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { listStateMachineFiles } from '../../../infra/constructs/workflows.js';
import { STATE_MACHINES_DIR } from '../../../infra/paths.js';
import { checkMachine, type Machine, type State } from '../../../infra/asl-rules.js';

// asl-validator ships no types; its default export validates a definition object.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (d: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

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
      T: {
        Type: 'Task',
        TimeoutSeconds: 5,
        Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Undo' }],
        End: true,
        ...over,
      },
      Undo: { Type: 'Task', TimeoutSeconds: 5, Retry: [{ ErrorEquals: ['Lambda.ServiceException'] }], Next: 'Failed' },
      Failed: { Type: 'Fail' },
    },
  });
  it.each([
    ['no timeout', { TimeoutSeconds: undefined }, /no TimeoutSeconds/],
    ['no retry', { Retry: undefined }, /no Retry/],
    ['retry everything', { Retry: [{ ErrorEquals: ['States.ALL'] }] }, /retries States.ALL/],
    [
      'retry conditional-check failures',
      { Retry: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'] }] },
      /retries DynamoDB.Conditional/,
    ],
    [
      'retry the custom conditional error',
      { Retry: [{ ErrorEquals: ['ConditionalCheckFailed'] }] },
      /retries ConditionalCheckFailed/,
    ],
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
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'T', States: { T: inner.States.T! } },
          End: true,
          ...(catches ? { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }] } : {}),
        },
        F: { Type: 'Fail' },
      },
    });
    expect(checkMachine(map(false))).toEqual(['M/T: no Catch']);
    expect(checkMachine(map(true))).toEqual([]);
  });
  it('a Distributed Map needs a bounded MaxConcurrency and a Catch', () => {
    const inner = task({ Catch: undefined }).States.T!;
    const dmap = (over: Partial<State>): Machine => ({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'T', States: { T: inner } },
          MaxConcurrency: 8,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          End: true,
          ...over,
        },
        F: { Type: 'Fail' },
      },
    });
    expect(checkMachine(dmap({}))).toEqual([]);
    expect(checkMachine(dmap({ MaxConcurrency: undefined }))).toEqual(['M: a Distributed Map needs a MaxConcurrency of 1–1000']);
    expect(checkMachine(dmap({ MaxConcurrency: 0 }))).toEqual(['M: a Distributed Map needs a MaxConcurrency of 1–1000']);
    expect(checkMachine(dmap({ Catch: undefined }))).toEqual(['M: no Catch', 'M/T: no Catch']);
  });
});

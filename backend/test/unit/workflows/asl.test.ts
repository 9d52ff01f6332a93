import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { HANDLERS } from '../../../src/handlers.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/workflows/statemachines');
const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));

type Validate = (d: unknown) => { isValid: boolean; errors: unknown[] };
type State = { Type: string; Resource?: string; Parameters?: { FunctionName?: string }; TimeoutSeconds?: number; TimeoutSecondsPath?: string; HeartbeatSecondsPath?: string; Next?: string; Retry?: { ErrorEquals: string[] }[]; Catch?: unknown[]; ItemProcessor?: { States: Record<string, State> } };

function tasks(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([n, s]) => [[n, s] as [string, State], ...(s.ItemProcessor ? tasks(s.ItemProcessor.States) : [])]).filter(([, s]) => s.Type === 'Task');
}

describe.each(files)('%s', (file) => {
  const def = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { States: Record<string, State> };

  it('is valid ASL', () => {
    const mod = createRequire(import.meta.url)('asl-validator') as { validator?: Validate } & Validate;
    const res = (mod.validator ?? mod)(def);
    expect(res.errors).toEqual([]);
    expect(res.isValid).toBe(true);
  });

  it('every Task has a timeout and specific retries (none on conditional-check failures)', () => {
    const t = tasks(def.States);
    expect(t.length).toBeGreaterThan(0);
    for (const [name, s] of t) {
      // A callback wait takes its timeout (and heartbeat) from the input.
      if (s.TimeoutSecondsPath) expect(s.TimeoutSecondsPath, name).toMatch(/^\$\./);
      else expect(s.TimeoutSeconds, name).toBeGreaterThan(0);
      for (const r of s.Retry ?? []) {
        expect(r.ErrorEquals, name).not.toContain('States.ALL');
        expect(r.ErrorEquals.join(), name).not.toMatch(/ConditionalCheck/);
      }
    }
  });

  it('every Task state is bound to a handler in the manifest, by an ARN substitution', () => {
    for (const [name, s] of tasks(def.States)) {
      const h = HANDLERS.find((x) => x.kind === 'workflow-task' && x.states?.includes(name));
      expect(h, name).toBeDefined();
      // `.waitForTaskToken` callbacks invoke the handler through the Lambda integration.
      if (s.Resource?.startsWith('arn:aws:states:::lambda:invoke')) expect(s.Parameters?.FunctionName, name).toBe(`\${${h!.name}Arn}`);
      else expect(s.Resource).toBe(`\${${h!.name}Arn}`);
    }
  });

  it('top-level Task and Map states catch into a compensating state', () => {
    // The compensating Task (its Next is a Fail state) has nowhere further to go.
    const compensating = (s: State) => s.Next !== undefined && def.States[s.Next]?.Type === 'Fail';
    for (const [name, s] of Object.entries(def.States)) {
      if ((s.Type === 'Task' || s.Type === 'Map') && !compensating(s)) expect(s.Catch, name).toBeDefined();
    }
  });
});

/**
 * The disruption workflow's fan-out: a Distributed Map in AWS (child Express executions, bounded
 * concurrency), the same state run as an inline Map by the local cloud (ARCHITECTURE.md stand-in).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISRUPTION_ASL_PATH, inlineDistributedMaps, loadDisruptionDefinition } from '../../../src/workflows/local-runner.js';

type MapState = {
  Type: string;
  ItemsPath?: string;
  MaxConcurrency?: number;
  Label?: string;
  ToleratedFailurePercentage?: number;
  Catch?: unknown[];
  ItemProcessor: { ProcessorConfig: Record<string, unknown>; StartAt: string; States: Record<string, unknown> };
} & Record<string, unknown>;
type Def = { StartAt: string; States: Record<string, MapState> };

const file = JSON.parse(readFileSync(DISRUPTION_ASL_PATH, 'utf8')) as Def;

describe('disruption.asl.json fan-out', () => {
  it('EvaluateBatches is a Distributed Map of Express children with bounded concurrency and no tolerated failures', () => {
    const m = file.States.EvaluateBatches!;
    expect(m.Type).toBe('Map');
    expect(m.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    expect(m.ItemsPath).toBe('$.page.batches');
    expect(m.MaxConcurrency).toBeGreaterThan(1);
    expect(m.MaxConcurrency).toBeLessThanOrEqual(40);
    expect(m.ToleratedFailurePercentage).toBe(0);
    expect(m.Catch).toBeDefined();
  });

  it('pages bookings in pages the Map splits into batches the evaluate task accepts', () => {
    const p = (file.States.LoadBookingsPage as unknown as { Parameters: { pageSize: number; batchSize: number } }).Parameters;
    expect(p.pageSize).toBeLessThanOrEqual(1000);
    expect(p.batchSize).toBeLessThanOrEqual(100);
  });
});

describe('the local stand-in: a Distributed Map runs inline', () => {
  it('same items, concurrency, processor states and Catch; only the distributed-only fields go', () => {
    const local = loadDisruptionDefinition() as Def;
    const m = local.States.EvaluateBatches!;
    const aws = file.States.EvaluateBatches!;
    expect(m.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(m.ItemsPath).toBe(aws.ItemsPath);
    expect(m.MaxConcurrency).toBe(aws.MaxConcurrency);
    expect(m.Catch).toEqual(aws.Catch);
    expect(m.ItemProcessor.StartAt).toBe(aws.ItemProcessor.StartAt);
    expect(Object.keys(m.ItemProcessor.States)).toEqual(Object.keys(aws.ItemProcessor.States));
    expect(m).not.toHaveProperty('Label');
    expect(m).not.toHaveProperty('ToleratedFailurePercentage');
    expect(JSON.stringify(local)).not.toMatch(/DISTRIBUTED|\$\{/);
  });

  it('leaves the input untouched and nested Maps are converted too', () => {
    const nested = {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Inner',
            States: { Inner: { Type: 'Map', MaxConcurrency: 2, Label: 'x', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
          },
          End: true,
        },
      },
    };
    const before = JSON.stringify(nested);
    const out = inlineDistributedMaps(nested) as unknown as { States: { Outer: { ItemProcessor: { States: { Inner: MapState } } } } };
    expect(JSON.stringify(nested)).toBe(before);
    expect(out.States.Outer.ItemProcessor.States.Inner.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(out.States.Outer.ItemProcessor.States.Inner).not.toHaveProperty('Label');
  });

  it.each(['ItemReader', 'ItemBatcher', 'ResultWriter'])('refuses a Distributed Map with %s (an inline Map would hand its iterations other input)', (field) => {
    const m = { StartAt: 'M', States: { M: { Type: 'Map', [field]: {}, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } };
    expect(() => inlineDistributedMaps(m)).toThrow(new RegExp(`M: the local inline Map cannot stand in for ${field}`));
  });
});

import { describe, expect, it } from 'vitest';
import { MSK_ARN, functionIdFor, resourcesOf, synth } from './synth-helper.js';

// Synthesizes a whole stack: seconds on a busy 2-core machine.
describe('MSK event source: partial batch responses', { timeout: 60_000 }, () => {
  it('reports batch item failures, in provisioned mode (what Kafka error handling controls need)', () => {
    const { template } = synth({ mskClusterArn: MSK_ARN, mskBootstrapServers: 'b-1.ops:9098' });
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties!.FunctionName as { Ref?: string }).Ref === functionIdFor(template, 'IngestFlightOperations'),
    );
    expect(mappings).toHaveLength(1);
    const p = mappings[0]!.Properties!;
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.ProvisionedPollerConfig).toMatchObject({ MinimumPollers: 1 });
  });
});

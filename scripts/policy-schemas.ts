/**
 * Writes the JSON Schemas of the policy engine's formats, generated from the zod schemas in
 * src/shared/policy/schema.ts, to docs/schemas/. Run: npm run policy:schemas
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ClaimCaseSchema, DecisionSchema, PolicyDocumentSchema } from '../src/shared/policy/schema.js';

const out = path.resolve(import.meta.dirname, '..', 'docs', 'schemas');
mkdirSync(out, { recursive: true });
const schemas: [string, z.ZodType, 'input' | 'output', string][] = [
  ['claim-case', ClaimCaseSchema, 'input', 'Jetway claim case: input of the policy engine (jetway policy evaluate).'],
  ['decision', DecisionSchema, 'output', 'Jetway policy decision: output of the policy engine.'],
  [
    'policy-document',
    PolicyDocumentSchema,
    'input',
    'Jetway policy document (resources/policies/*.json): one versioned, effective-dated document.',
  ],
];
for (const [name, schema, io, description] of schemas) {
  const json = {
    ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }),
    $id: `https://jetway.example/schemas/${name}.schema.json`,
    title: name,
    description,
  };
  const file = path.join(out, `${name}.schema.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

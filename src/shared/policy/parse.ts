import { PolicyInputError, formatPath } from './errors.js';
import { fastClaimCase, fastClaimCaseParsed } from './fastparse.js';
import { ClaimCaseSchema, type ClaimCase } from './schema.js';

/**
 * Parse a claim case (an object, or JSON text). Throws PolicyInputError whose message names the path of
 * every bad field, e.g. `claim case: segments[0].origin: IATA airport code, 3 capital letters`.
 * Valid input takes a hand-written fast path (fastparse.ts); anything else is parsed by the zod schema,
 * which is the reference for both acceptance and error messages.
 */
export function parseClaimCase(x: unknown): ClaimCase {
  let v = x;
  let c: ClaimCase | null;
  if (typeof x === 'string') {
    try {
      v = JSON.parse(x);
    } catch (err) {
      throw new PolicyInputError('claim case', [{ path: '', message: `not JSON: ${(err as Error).message}` }]);
    }
    c = fastClaimCaseParsed(v); // plain data objects: the keys are read in one pass
  } else c = fastClaimCase(v);
  if (!c) {
    const r = ClaimCaseSchema.safeParse(v);
    if (!r.success)
      throw new PolicyInputError(
        'claim case',
        r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      );
    c = r.data;
  }
  if (c.disruptedSegment >= c.segments.length)
    throw new PolicyInputError('claim case', [
      { path: 'disruptedSegment', message: `must be < ${c.segments.length} (number of segments)` },
    ]);
  for (let i = 1; i < c.segments.length; i++)
    if (c.segments[i]!.origin !== c.segments[i - 1]!.destination)
      throw new PolicyInputError('claim case', [
        {
          path: `segments[${i}].origin`,
          message: `must equal segments[${i - 1}].destination (${c.segments[i - 1]!.destination})`,
        },
      ]);
  return c;
}

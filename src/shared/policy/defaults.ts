import appr from '../../../resources/policies/appr.json' with { type: 'json' };
import brazil from '../../../resources/policies/brazil-anac.json' with { type: 'json' };
import eu261 from '../../../resources/policies/eu261.json' with { type: 'json' };
import goodwill from '../../../resources/policies/goodwill.json' with { type: 'json' };
import india from '../../../resources/policies/india-car.json' with { type: 'json' };
import israel from '../../../resources/policies/israel-asl.json' with { type: 'json' };
import montreal from '../../../resources/policies/montreal.json' with { type: 'json' };
import reference from '../../../resources/policies/reference.json' with { type: 'json' };
import shy from '../../../resources/policies/shy.json' with { type: 'json' };
import uk261 from '../../../resources/policies/uk261.json' with { type: 'json' };
import usDot from '../../../resources/policies/us-dot.json' with { type: 'json' };
import { parsePolicySet, type PolicySet } from './compile.js';

/** The bundled default policy documents (resources/policies), imported at build time: no file I/O. */
export const DEFAULT_POLICY_DOCUMENTS: readonly unknown[] = [
  reference,
  eu261,
  uk261,
  appr,
  usDot,
  montreal,
  shy,
  india,
  israel,
  brazil,
  goodwill,
];

let cached: PolicySet | null = null;

/** The bundled defaults as a PolicySet (parsed once, then shared; a PolicySet is immutable). */
export function defaultPolicySet(): PolicySet {
  if (!cached) cached = parsePolicySet([...DEFAULT_POLICY_DOCUMENTS]);
  return cached;
}

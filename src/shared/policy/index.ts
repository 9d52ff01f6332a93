/**
 * The compensation policy engine (pure: no I/O, no clock). Interfaces agreed in the team plan:
 * parseClaimCase, parsePolicySet, defaultPolicySet, evaluate. See docs/policy.md.
 */
export { parseClaimCase } from './parse.js';
export { parsePolicySet } from './compile.js';
export type { PolicySet, ActivePolicy, PolicyDocumentInfo, CarrierRef, CauseRef } from './compile.js';
export { defaultPolicySet, DEFAULT_POLICY_DOCUMENTS } from './defaults.js';
export { evaluate } from './engine.js';
export { explainDecision } from './explain.js';
export { PolicyInputError } from './errors.js';
export { canonicalJson, sha256Hex } from './hash.js';
export {
  ClaimCaseSchema,
  DecisionSchema,
  PolicyDocumentSchema,
  SegmentSchema,
  DisruptionKinds,
  CauseCategories,
  type ClaimCase,
  type Decision,
  type DecisionEntitlement,
  type RegimeOutcome,
  type Clause,
  type PolicyDocument,
  type RegimeSpec,
  type RoleLimits,
  type MoneyControls,
  MoneyControlsSchema,
  type Segment,
  type DisruptionKind,
  type CauseCategory,
} from './schema.js';
export * from './controls.js';
export * from './care.js';

/**
 * Domain entities → the policy engine's ClaimCase: the shared module (src/shared/policy/claim-from-domain.ts),
 * so the desk's preview builds exactly the case the workflow decides.
 */
export { toClaimCase } from '../../../src/shared/policy/claim-from-domain.js';

import { minorExponent, type Money } from '../money.js';
import { thousands } from './engine.js';
import type { Decision } from './schema.js';

function mins(v: number | null): string {
  if (v === null) return 'unknown';
  const a = Math.abs(v);
  const m = a % 60;
  const t = Math.floor(a / 60) + (m < 10 ? ' h 0' : ' h ') + m + ' min';
  return v < 0 ? '-' + t : t;
}

/** `12345 EUR` → `123.45 EUR` with integer arithmetic (same output as money.formatMoney, faster). */
function formatMoney(m: Money): string {
  const e = minorExponent(m.currency);
  if (e === 0) return `${m.amountMinor} ${m.currency}`;
  const p = 10 ** e;
  const frac = String(m.amountMinor % p);
  return `${Math.floor(m.amountMinor / p)}.${frac.length < e ? '0'.repeat(e - frac.length) + frac : frac} ${m.currency}`;
}

/** A decision for a person (agent, passenger, auditor): what is owed, under which rule, and why. */
export function explainDecision(d: Decision): string {
  const f = d.facts;
  let out = `Decision${d.caseId ? ` for case ${d.caseId}` : ''} — policy ${d.policyVersion} (in force on ${d.policyDate})\n`;
  out += `Journey ${f.origin} → ${f.destination}, ${f.distanceKm === null ? 'distance unknown' : `${thousands(f.distanceKm)} km`}, carrier ${f.liableCarrier}; `;
  out += `arrival delay ${mins(f.arrivalDelayMinutes)}, departure delay ${mins(f.departureDelayMinutes)}; cause ${f.causeCode ?? 'not given'} (${f.causeCategory}).\n\n`;
  out += `Primary regime: ${d.primaryRegime ?? 'none'}. ${d.primaryReason}\n`;
  if (d.needsReview.length) {
    out += '\nNEEDS REVIEW — missing or uncertain data:\n';
    for (const r of d.needsReview) out += `  ! ${r}\n`;
  }
  out += '\nEntitlements:\n';
  if (!d.entitlements.length) out += '  (none)\n';
  let lastClauses: unknown = null;
  for (const e of d.entitlements) {
    let flags = '';
    if (e.automatic) flags += 'automatic';
    if (!e.payable) flags += (flags ? ', ' : '') + 'NOT PAYABLE';
    if (e.carePeriod !== 'EVENT') flags += (flags ? ', ' : '') + e.carePeriod;
    out += `  • ${e.regime} ${e.type}: ${e.amount ? formatMoney(e.amount) : 'in kind'}${flags ? ` [${flags}]` : ''}\n`;
    // clauses[0] is the scope clause, shown once per regime below; the periods of one care entitlement
    // (D1, D2, …) share their clauses, shown once.
    if (e.clauses === lastClauses) continue;
    lastClauses = e.clauses;
    for (let i = 1; i < e.clauses.length; i++) out += `      ${e.clauses[i]!.id}: ${e.clauses[i]!.reason}\n`;
  }
  out += '\nRegimes evaluated:\n';
  let notApplicable = '';
  for (const r of d.regimes) {
    if (r.applies === false) {
      // Out of scope: one line for all of them (the decision JSON keeps each reason).
      notApplicable = notApplicable ? notApplicable + ', ' + r.regime : r.regime;
      continue;
    }
    const state = r.applies === null ? 'UNDECIDED' : 'applies';
    out += `  - ${r.regime} (${r.policy}): ${state}${r.primary ? ', PRIMARY' : ''}${r.cash ? `, compensation ${formatMoney(r.cash)}` : ''}\n      ${r.reason}\n`;
    for (let i = 1; i < r.clauses.length; i++) out += `      ${r.clauses[i]!.id}: ${r.clauses[i]!.reason}\n`;
  }
  if (notApplicable) out += `  - not applicable to this journey (no scope rule matches): ${notApplicable}\n`;
  const totals = d.totals;
  if (totals.length) {
    out += '\nTotal payable: ' + formatMoney(totals[0]!);
    for (let i = 1; i < totals.length; i++) out += ' + ' + formatMoney(totals[i]!);
    out += '\n';
  }
  return out;
}

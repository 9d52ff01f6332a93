import type { ValidationIssue } from './admin-contract.js';
import { parsePolicySet } from './compile.js';
import { PolicyInputError, formatPath } from './errors.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { PolicyDocumentSchema, type AmountSpec, type CompRow, type PolicyDocument, type RegimeSpec } from './schema.js';

/**
 * Validation of a policy version's content (the admin API's `validate`, and the gate of `publish`):
 *   1. schema — each document with the engine's zod schema (PolicyDocumentSchema);
 *   2. engine — parsePolicySet on the whole list (references, duplicate versions, dates);
 *   3. semantic checks the engine does not make: a document changed under an id@version already
 *      published (`version_reused`, error), amounts in a currency the regime does not use
 *      (`currency_not_used`, error), role limits above their caps (`role_limit_above_cap`, error),
 *      rows an earlier row always pre-empts (`unreachable_rule`, warning) and rows an earlier row
 *      pre-empts for part of their range although they pay more (`overlapping_rule`, warning).
 * Every issue carries the JSON path of the field in the content (`content[3].regimes[0].currency`).
 * Pure; no I/O.
 */
export interface ValidateOptions {
  /** `id@version` → SHA-256 of the canonical parsed document, of every published version's documents. */
  publishedHashes?: ReadonlyMap<string, string>;
}

export function docHash(doc: PolicyDocument): string {
  return sha256Hex(canonicalJson(doc));
}

export function validatePolicyContent(content: readonly unknown[], opts: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const docs: { doc: PolicyDocument; i: number }[] = [];
  content.forEach((raw, i) => {
    const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
    const r = PolicyDocumentSchema.safeParse(raw);
    if (!r.success) {
      for (const x of r.error.issues)
        issues.push({ severity: 'error', code: 'schema', path: join(`content[${i}]`, formatPath(x.path)), document: id, message: x.message });
      return;
    }
    docs.push({ doc: r.data, i });
  });
  if (issues.length) return issues;

  try {
    parsePolicySet([...content]);
  } catch (err) {
    if (!(err instanceof PolicyInputError)) throw err;
    const m = /^policy document \[(\d+)\]/.exec(err.message);
    const prefix = m ? `content[${m[1]}]` : 'content';
    for (const x of err.issues)
      issues.push({ severity: 'error', code: 'engine', path: enginePath(prefix, x.path, docs), document: null, message: `${err.message.split(':')[0]}: ${x.message}` });
  }

  for (const { doc, i } of docs) {
    const base = `content[${i}]`;
    const prev = opts.publishedHashes?.get(`${doc.id}@${doc.version}`);
    if (prev !== undefined && prev !== docHash(doc))
      issues.push({
        severity: 'error',
        code: 'version_reused',
        path: `${base}.version`,
        document: doc.id,
        message: `${doc.id}@${doc.version} is already published with other content: give the changed document a new version`,
      });
    (doc.regimes ?? []).forEach((r, ri) => checkRegime(r, `${base}.regimes[${ri}]`, doc.id, issues));
    if (doc.roles) checkRoles(doc, base, issues);
  }
  return issues;
}

function join(a: string, b: string): string {
  if (!b) return a;
  return b.startsWith('[') ? `${a}${b}` : `${a}.${b}`;
}

/** Engine paths look like `[3](eu261@4).regimes[0]…` or a bare field; make them content paths. */
function enginePath(prefix: string, p: string, docs: { doc: PolicyDocument; i: number }[]): string {
  const m = /^\[(\d+)\]\([^)]*\)(.*)$/.exec(p);
  if (m) {
    const idx = docs[Number(m[1])]?.i ?? Number(m[1]);
    return join(`content[${idx}]`, m[2]!.replace(/^\./, ''));
  }
  return join(prefix, p);
}

function currenciesOf(r: RegimeSpec): Set<string> {
  const s = new Set([r.currency]);
  if (r.payIn) {
    s.add(r.payIn.currency);
    for (const c of r.payIn.rateKey.split('/')) s.add(c);
  }
  return s;
}

function checkAmount(a: AmountSpec | null | undefined, path: string, r: RegimeSpec, doc: string, issues: ValidationIssue[]): void {
  if (!a?.currency) return;
  const used = currenciesOf(r);
  if (!used.has(a.currency))
    issues.push({
      severity: 'error',
      code: 'currency_not_used',
      path: `${path}.amount.currency`,
      document: doc,
      message: `${a.currency} is not a currency of regime ${r.regime} (it uses ${[...used].join(', ')})`,
    });
}

function checkRegime(r: RegimeSpec, base: string, doc: string, issues: ValidationIssue[]): void {
  r.compensation.forEach((t, ti) => {
    t.rows.forEach((row, k) => checkAmount(row.amount, `${base}.compensation[${ti}].rows[${k}]`, r, doc, issues));
    checkShadowing(t.rows, `${base}.compensation[${ti}].rows`, doc, issues);
  });
  r.assistance.forEach((row, k) => checkAmount(row.amount, `${base}.assistance[${k}]`, r, doc, issues));
  // Assistance: the first matching row per entitlement type wins, so shadowing is per type.
  const byType = new Map<string, number[]>();
  r.assistance.forEach((row, k) => byType.set(row.type, [...(byType.get(row.type) ?? []), k]));
  for (const idx of byType.values())
    checkShadowing(
      idx.map((k) => r.assistance[k]!),
      `${base}.assistance`,
      doc,
      issues,
      idx,
    );
}

type Row = Pick<CompRow, 'kinds' | 'bands' | 'causes' | 'notCauses' | 'tiers' | 'notTiers' | 'carrierSizes' | 'choice' | 'volunteer' | 'overnight' | 'when' | 'id'> & {
  amount?: AmountSpec | null;
};
const SET_FIELDS = ['kinds', 'bands', 'causes', 'tiers', 'carrierSizes', 'choice'] as const;
const NEG_FIELDS = ['notCauses', 'notTiers'] as const;

/** True when every case `inner` matches, `outer` matches too, ignoring numeric conditions. */
function coversNonNumeric(outer: Row, inner: Row): boolean {
  for (const f of SET_FIELDS) {
    const o = outer[f] as readonly string[] | undefined;
    if (!o) continue;
    const n = inner[f] as readonly string[] | undefined;
    if (!n || !n.every((x) => o.includes(x))) return false;
  }
  for (const f of NEG_FIELDS) {
    const o = outer[f] as readonly string[] | undefined;
    if (!o) continue;
    const n = inner[f] as readonly string[] | undefined;
    if (!n || !o.every((x) => n.includes(x))) return false;
  }
  for (const f of ['volunteer', 'overnight'] as const) if (outer[f] !== undefined && outer[f] !== inner[f]) return false;
  return true;
}

interface Interval {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}
/** The numeric interval each metric is restricted to; null when a condition is not a plain bound (ifMissing match). */
function intervals(r: Row): Map<string, Interval> | null {
  const m = new Map<string, Interval>();
  for (const c of r.when ?? []) {
    if (c.ifMissing === 'match') return null;
    const cur = m.get(c.metric) ?? { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };
    if (c.op === '>=' || c.op === '>') {
      const inc = c.op === '>=';
      if (c.value > cur.lo || (c.value === cur.lo && !inc)) Object.assign(cur, { lo: c.value, loIn: inc });
    } else {
      const inc = c.op === '<=';
      if (c.value < cur.hi || (c.value === cur.hi && !inc)) Object.assign(cur, { hi: c.value, hiIn: inc });
    }
    m.set(c.metric, cur);
  }
  return m;
}
const FULL: Interval = { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };
function contains(o: Interval, n: Interval): boolean {
  const loOk = o.lo < n.lo || (o.lo === n.lo && (o.loIn || !n.loIn));
  const hiOk = o.hi > n.hi || (o.hi === n.hi && (o.hiIn || !n.hiIn));
  return loOk && hiOk;
}
function intersects(a: Interval, b: Interval): boolean {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  if (lo < hi) return true;
  if (lo > hi) return false;
  const inA = (a.lo < lo || a.loIn) && (a.hi > hi || a.hiIn);
  const inB = (b.lo < lo || b.loIn) && (b.hi > hi || b.hiIn);
  return inA && inB;
}

function checkShadowing(rows: readonly Row[], base: string, doc: string, issues: ValidationIssue[], index?: number[]): void {
  const at = (k: number) => `${base}[${index ? index[k] : k}]`;
  for (let j = 1; j < rows.length; j++) {
    const rj = rows[j]!;
    const ij = intervals(rj);
    if (!ij) continue;
    for (let i = 0; i < j; i++) {
      const ri = rows[i]!;
      if (!coversNonNumeric(ri, rj)) continue;
      const ii = intervals(ri);
      if (!ii) continue;
      const metrics = new Set([...ii.keys(), ...ij.keys()]);
      let covers = true;
      let meets = true;
      let ladder = true;
      for (const mName of metrics) {
        const a = ii.get(mName) ?? FULL;
        const b = ij.get(mName) ?? FULL;
        if (!contains(a, b)) covers = false;
        if (!intersects(a, b)) meets = false;
        // A first-match ladder: the later row's range contains the earlier one's (`< 360` then `< 720`).
        if (!contains(b, a)) ladder = false;
      }
      if (covers) {
        issues.push({
          severity: 'warning',
          code: 'unreachable_rule',
          path: at(j),
          document: doc,
          message: `row ${rj.id} can never apply: row ${ri.id} (${at(i)}) comes first and matches every case it matches`,
        });
        break;
      }
      // Rows on different metrics (notice vs delay) compose legal clauses; only same-metric overlaps are reported.
      const sameMetrics = ii.size === ij.size && [...ii.keys()].every((k) => ij.has(k));
      if (meets && !ladder && sameMetrics) {
        issues.push({
          severity: 'warning',
          code: 'overlapping_rule',
          path: at(j),
          document: doc,
          message: `row ${rj.id} overlaps row ${ri.id} (${at(i)}) and neither range contains the other: where both match, ${ri.id} (first) applies`,
        });
      }
    }
  }
}

function checkRoles(doc: PolicyDocument, base: string, issues: ValidationIssue[]): void {
  const roles = doc.roles!;
  const order = ['agent', 'supervisor', 'admin'] as const;
  for (const role of order) {
    const l = roles[role];
    if (!l) continue;
    for (const [cur, cap] of Object.entries(l.offlineCap)) {
      const limit = l.approvalLimit[cur];
      if (limit !== undefined && cap > limit)
        issues.push({
          severity: 'error',
          code: 'role_limit_above_cap',
          path: `${base}.roles.${role}.offlineCap.${cur}`,
          document: doc.id,
          message: `${role}'s offline cap ${cap} ${cur} is above its approval limit ${limit} ${cur}`,
        });
    }
    if (l.dailyLimit)
      for (const [cur, limit] of Object.entries(l.approvalLimit)) {
        const day = l.dailyLimit[cur];
        if (day !== undefined && limit > day)
          issues.push({
            severity: 'error',
            code: 'role_limit_above_cap',
            path: `${base}.roles.${role}.approvalLimit.${cur}`,
            document: doc.id,
            message: `${role}'s approval limit ${limit} ${cur} is above its daily limit ${day} ${cur}`,
          });
      }
  }
  // A lower role may not be allowed more than the role that approves it.
  for (let k = 0; k + 1 < order.length; k++) {
    const lo = roles[order[k]!];
    const hi = roles[order[k + 1]!];
    if (!lo || !hi) continue;
    for (const [cur, v] of Object.entries(lo.approvalLimit)) {
      const cap = hi.approvalLimit[cur];
      if (cap !== undefined && v > cap)
        issues.push({
          severity: 'error',
          code: 'role_limit_above_cap',
          path: `${base}.roles.${order[k]}.approvalLimit.${cur}`,
          document: doc.id,
          message: `${order[k]}'s approval limit ${v} ${cur} is above the ${order[k + 1]}'s ${cap} ${cur}`,
        });
    }
  }
}

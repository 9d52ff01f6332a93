import { carrierByIata } from '../reference/carriers.js';
import { PolicyInputError, formatPath } from './errors.js';
import { canonicalJson, sha256Hex } from './hash.js';
import {
  CauseCategories,
  DisruptionKinds,
  Metrics,
  PolicyDocumentSchema,
  type AmountSpec,
  type AssistanceRow,
  type Band,
  type CauseCategory,
  type Clause,
  type CompRow,
  type Condition,
  type DisruptionKind,
  type PolicyDocument,
  type RegimeOutcome,
  type RegimeSpec,
  type RoleLimits,
  type MoneyControls,
  type ScopeRule,
  type YieldRule,
} from './schema.js';

/**
 * Policy documents → a PolicySet: validated, hashed, immutable per id+version, and precompiled
 * (metrics as indexes, templates pre-split, bands resolved per set) so evaluation does no parsing.
 */

export const METRIC_INDEX: Record<string, number> = Object.fromEntries(Metrics.map((m, i) => [m, i]));

export interface CompiledCondition {
  metric: number;
  metricName: string;
  op: 0 | 1 | 2 | 3; // >= > < <=
  opText: string;
  value: number;
  ifMissing: 'fail' | 'match' | 'review';
  /** Precomputed clause-input key and text, e.g. `arrivalDelayMin.threshold` → `>= 180`. */
  thresholdKey: string;
  thresholdText: string;
}

/** Template variables, by code (the engine memoises each one per evaluation). */
export const TEMPLATE_VARS = [
  'distanceKm',
  'band',
  'arrivalDelay',
  'compensableDelay',
  'departureDelay',
  'notice',
  'rerouteArrivalDelay',
  'rerouteDepartureDelay',
  'block',
  'cause',
  'tier',
  'carrier',
  'origin',
  'destination',
] as const;
const VAR_CODE = new Map<string, number>(TEMPLATE_VARS.map((v, i) => [v, i]));

/** A template split into literal parts and variable codes: parts[0] code[0] parts[1] code[1] … parts[n]. */
export interface Template {
  parts: string[];
  /** Variable code per gap; -1 = unknown name, rendered literally as `{name}`. */
  codes: number[];
  names: string[];
}

export interface CompiledRowBase {
  id: string;
  reason: Template;
  kinds: ReadonlySet<DisruptionKind> | null;
  bands: ReadonlySet<string> | null;
  causes: ReadonlySet<CauseCategory> | null;
  notCauses: ReadonlySet<CauseCategory> | null;
  /** causes / notCauses as bit masks over CAUSE_BIT (0 when the set is null). */
  causeMask: number;
  notCauseMask: number;
  tiers: ReadonlySet<string> | null;
  notTiers: ReadonlySet<string> | null;
  carrierSizes: ReadonlySet<string> | null;
  choice: ReadonlySet<string> | null;
  volunteer: boolean | undefined;
  overnight: boolean | undefined;
  when: CompiledCondition[];
  /** Static clauses (court cases, notes), frozen and shared by every decision that cites them. */
  refs: readonly Clause[];
  // The fields below belong to particular row kinds; every compiled row carries all of them so that all
  // rows share one object shape (monomorphic property access in the engine's hot loop).
  amount: AmountSpec | null;
  percent: number;
  type: string;
  automatic: boolean;
  period: 'EVENT' | 'PER_DAY' | 'PER_NIGHT';
  maxPeriods: number;
  causeNotes: { id: string; reason: string; causes: ReadonlySet<CauseCategory>; causeMask: number }[];
  /** Bit of this row's entitlement type within its regime (first match per type wins). */
  typeBit: number;
}
export type CompiledCompRow = CompiledRowBase;
export type CompiledAdjustment = CompiledRowBase;
export type CompiledAssistance = CompiledRowBase;
export interface CompiledTable {
  id: string;
  type: string;
  bandSet: string;
  rows: CompiledCompRow[];
  adjustments: CompiledAdjustment[];
  /** rows / adjustments that can match each disruption kind, in order (precomputed index). */
  rowsByKind: Record<string, CompiledCompRow[]>;
  adjustmentsByKind: Record<string, CompiledAdjustment[]>;
  /** The same lists indexed by KIND_INDEX (an array load instead of a keyed property load in the hot loop). */
  rowsByKindIndex: CompiledCompRow[][];
  adjustmentsByKindIndex: CompiledAdjustment[][];
  automatic: boolean;
  compensation: boolean;
  limit: boolean;
  /** Some row measures the compensable delay (partial attribution applies to this table). */
  usesCompensable: boolean;
  /** The table's band set resolved at compile time (null: none); isDefault when it is the `default` set. */
  bandList: CompiledBand[] | null;
  bandIsDefault: boolean;
}
/** Scope rule with its country groups as bit masks (see ActivePolicy.countryMask). */
export interface CompiledScope {
  rule: ScopeRule;
  /** Engine-private cache: the shared outcome when the regime is in scope but has no rule for a kind. */
  notCovered: Record<string, RegimeOutcome>;
  id: string;
  reason: string;
  rank: number;
  kinds: readonly DisruptionKind[] | null;
  /** kinds as a mask over KIND_INDEX bits (all bits when kinds is null). */
  kindMask: number;
  carriers: readonly string[] | null;
  international: boolean | null;
  dep: number;
  arr: number;
  touches: number;
  licence: number;
  clauseIds: string;
  /** Engine-private memo: the primary reason when this rule's regime is the only payer, or pays nothing but governs care. */
  onlyPayerReason: string | null;
  careReason: string | null;
}
export interface CompiledBand {
  band: Band;
  id: string;
  label: string;
  clause: string;
  maxKm: number;
  minKmExclusive: number;
  betweenA: number;
  betweenB: number;
  touches: number;
  notTouches: number;
}

export interface CompiledRegime {
  spec: RegimeSpec;
  regime: string;
  title: string;
  currency: string;
  policy: string; // id@version
  scope: CompiledScope[];
  bands: Record<string, CompiledBand[]>;
  defaultBands: CompiledBand[] | null;
  payIn: RegimeSpec['payIn'] | null;
  partialAttribution: RegimeSpec['partialAttribution'] | null;
  antiDoubleDip: RegimeSpec['antiDoubleDip'] | null;
  tables: CompiledTable[];
  assistance: CompiledAssistance[];
  assistanceByKind: Record<string, CompiledAssistance[]>;
  /** assistanceByKind indexed by KIND_INDEX. */
  assistanceByKindIndex: CompiledAssistance[][];
  /** Which kinds any table or assistance row can produce something for (fast skip). */
  kinds: ReadonlySet<DisruptionKind> | null;
  /** kinds as a mask over KIND_INDEX bits (all bits when kinds is null). */
  kindMask: number;
  notApplicableReason: string;
  undecidedReason: string;
  /** Frozen outcome shared by every decision where the regime does not apply (no allocation per evaluation). */
  notApplicable: Readonly<RegimeOutcome>;
  /** Engine-private cache slot (the shared work item for "does not apply"). */
  notApplicableWork: unknown;
}

/** A carrier as the engine sees it: the maintained dataset merged with our own classification. */
export interface CarrierRef {
  name: string;
  /** Licence country (ISO 3166-1 alpha-2); null when neither the dataset nor our classification has it. */
  country: string | null;
  /** APPR large / small; null when we have not classified the carrier. */
  size: 'large' | 'small' | null;
  /** Where the country came from: our classification (`policy`) or the dataset (`dataset`). */
  source: 'policy' | 'dataset';
}
export interface CauseRef {
  category: 'within_control' | 'within_control_safety' | 'extraordinary';
  label: string;
  evidence?: string | undefined;
}

/** The merged view of the documents in force at one instant. */
export interface ActivePolicy {
  key: string;
  policyVersion: string;
  policies: { id: string; version: string; hash: string }[];
  groups: Map<string, ReadonlySet<string>>;
  /** Country → bit mask of the country groups (in force) it belongs to. */
  countryMask: Map<string, number>;
  /** Our own carrier classification (reference document `carriers`); see carrierRef for the merged view. */
  carriers: Map<
    string,
    { name?: string | undefined; country?: string | undefined; size?: 'large' | 'small' | undefined }
  >;
  /** Cache of carrierRef (dataset + classification), per designator. */
  carrierCache: Map<string, CarrierRef | null>;
  causes: Map<string, CauseRef>;
  roles: Partial<Record<'agent' | 'supervisor' | 'admin', RoleLimits>>;
  moneyControls: MoneyControls | null;
  /** Tie-break order of regimes. */
  precedence: string[];
  /** Rules by which a regime yields to others that pay compensation (reference `precedence.yields`). */
  yields: YieldRule[];
  regimes: CompiledRegime[];
  /** Engine-private cache of reference data per airport code (airport, country-group mask, distances). */
  airportInfo: Map<string, unknown>;
}

export interface PolicyDocumentInfo {
  id: string;
  version: string;
  hash: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  notInForce: boolean;
  description: string | null;
}

/** A validated, precompiled set of policy documents (all versions). */
export interface PolicySet {
  readonly documents: readonly PolicyDocumentInfo[];
  /** The raw validated documents, e.g. for publishing or simulation. */
  readonly raw: readonly PolicyDocument[];
  /** Documents in force at an instant (ISO string or epoch ms), merged and compiled; cached. */
  at(instant: string | number): ActivePolicy;
  /** Approval limits and offline caps per role (agent/supervisor/admin) in force at an instant. */
  roleLimits(instant: string | number): Partial<Record<'agent' | 'supervisor' | 'admin', RoleLimits>>;
  /** Money controls in force at an instant (null when no document in force defines them). */
  moneyControls(instant: string | number): MoneyControls | null;
}

/**
 * The carrier `code` under the policy in force: the maintained dataset (name, country) merged with our own
 * classification in the reference document (size; name and country where they override the dataset).
 * null when neither knows the designator. Cached per ActivePolicy.
 */
export function carrierRef(a: ActivePolicy, code: string): CarrierRef | null {
  let c = a.carrierCache.get(code);
  if (c === undefined) {
    const own = a.carriers.get(code);
    const data = carrierByIata(code);
    c =
      own || data
        ? {
            name: own?.name ?? data?.name ?? code,
            country: own?.country ?? data?.country ?? null,
            size: own?.size ?? null,
            source: own?.country ? 'policy' : 'dataset',
          }
        : null;
    a.carrierCache.set(code, c);
  }
  return c;
}

interface StoredDoc {
  doc: PolicyDocument;
  hash: string;
  fromMs: number;
  toMs: number;
}

function compileTemplate(s: string): Template {
  const split = s.split(/\{(\w+)\}/);
  const parts: string[] = [];
  const codes: number[] = [];
  const names: string[] = [];
  for (let i = 0; i < split.length; i++) {
    if (i % 2 === 0) parts.push(split[i]!);
    else {
      names.push(split[i]!);
      codes.push(VAR_CODE.get(split[i]!) ?? -1);
    }
  }
  return { parts, codes, names };
}

const OPS = { '>=': 0, '>': 1, '<': 2, '<=': 3 } as const;

function compileConditions(c: Condition[] | undefined): CompiledCondition[] {
  return (c ?? []).map((x) => ({
    metric: METRIC_INDEX[x.metric]!,
    metricName: x.metric,
    op: OPS[x.op],
    opText: x.op,
    value: x.value,
    ifMissing: x.ifMissing,
    thresholdKey: `${x.metric}.threshold`,
    thresholdText: `${x.op} ${x.value}`,
  }));
}

/** Cause category → its bit (rows test the case's category with one AND instead of a Set lookup). */
export const CAUSE_BIT: ReadonlyMap<string, number> = new Map(CauseCategories.map((c, i) => [c, 1 << i]));
function causeMask(a: readonly string[] | undefined): number {
  let m = 0;
  for (const c of a ?? []) m |= CAUSE_BIT.get(c)!;
  return m;
}

function set<T>(a: readonly T[] | undefined): ReadonlySet<T> | null {
  return a && a.length ? new Set(a) : null;
}

function compileRowBase(r: {
  id: string;
  reason: string;
  kinds?: DisruptionKind[] | undefined;
  bands?: string[] | undefined;
  causes?: CauseCategory[] | undefined;
  notCauses?: CauseCategory[] | undefined;
  tiers?: string[] | undefined;
  notTiers?: string[] | undefined;
  carrierSizes?: ('large' | 'small')[] | undefined;
  choice?: ('reroute' | 'refund' | 'none')[] | undefined;
  volunteer?: boolean | undefined;
  overnight?: boolean | undefined;
  when?: Condition[] | undefined;
  refs?: { id: string; reason: string }[] | undefined;
}): CompiledRowBase {
  return {
    id: r.id,
    reason: compileTemplate(r.reason),
    kinds: set(r.kinds),
    bands: set(r.bands),
    causes: set(r.causes),
    notCauses: set(r.notCauses),
    causeMask: causeMask(r.causes),
    notCauseMask: causeMask(r.notCauses),
    tiers: set(r.tiers),
    notTiers: set(r.notTiers),
    carrierSizes: set(r.carrierSizes),
    choice: set(r.choice),
    volunteer: r.volunteer,
    overnight: r.overnight,
    when: compileConditions(r.when),
    refs: (r.refs ?? []).map((x) =>
      Object.freeze({ id: x.id, reason: x.reason, inputs: Object.freeze({}) as Clause['inputs'] }),
    ),
    amount: null,
    percent: 0,
    type: '',
    automatic: false,
    period: 'EVENT',
    maxPeriods: 1,
    causeNotes: [],
    typeBit: 0,
  };
}

function maskOf(gi: Map<string, number>, names: readonly string[] | undefined): number {
  let m = 0;
  for (const n of names ?? []) m |= 1 << gi.get(n)!;
  return m;
}

/** Disruption kind → its index in DisruptionKinds (for the per-kind lists indexed by number). */
export const KIND_INDEX: ReadonlyMap<string, number> = new Map(DisruptionKinds.map((k, i) => [k, i]));

function kindMask(kinds: Iterable<string> | null): number {
  if (!kinds) return (1 << DisruptionKinds.length) - 1;
  let m = 0;
  for (const k of kinds) {
    const i = KIND_INDEX.get(k);
    if (i !== undefined) m |= 1 << i;
  }
  return m;
}

function byKindIndex<T>(by: Record<string, T[]>): T[][] {
  return DisruptionKinds.map((k) => by[k]!);
}

function byKind<T extends CompiledRowBase>(rows: T[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const k of DisruptionKinds) out[k] = rows.filter((r) => !r.kinds || r.kinds.has(k));
  return out;
}

function compileRegime(spec: RegimeSpec, policy: string, gi: Map<string, number>): CompiledRegime {
  const tables: CompiledTable[] = spec.compensation.map((t) => ({
    id: t.id,
    type: t.type,
    bandSet: t.bandSet,
    rows: t.rows.map((r: CompRow) => {
      const c = compileRowBase(r);
      c.amount = r.amount;
      return c;
    }),
    adjustments: t.adjustments.map((a) => {
      const c = compileRowBase(a);
      c.percent = a.percent;
      return c;
    }),
    automatic: t.automatic,
    compensation: t.compensation,
    limit: t.limit,
    rowsByKind: {},
    adjustmentsByKind: {},
    rowsByKindIndex: [],
    adjustmentsByKindIndex: [],
    bandList: null,
    bandIsDefault: t.bandSet === 'default',
    usesCompensable: t.rows.some((r) => (r.when ?? []).some((w) => w.metric === 'compensableDelayMin')),
  }));
  const compiledBands: Record<string, CompiledBand[]> = Object.fromEntries(
    Object.entries(spec.bands).map(([k, bs]) => [
      k,
      bs.map((band) => ({
        band,
        id: band.id,
        label: band.label,
        clause: band.clause,
        maxKm: band.maxKm ?? Infinity,
        minKmExclusive: band.minKmExclusive ?? -Infinity,
        betweenA: band.between ? maskOf(gi, [band.between[0]]) : 0,
        betweenB: band.between ? maskOf(gi, [band.between[1]]) : 0,
        touches: band.touches ? maskOf(gi, [band.touches]) : 0,
        notTouches: band.notTouches ? maskOf(gi, [band.notTouches]) : 0,
      })),
    ]),
  );
  for (const t of tables) {
    t.bandList = compiledBands[t.bandSet] ?? null;
    t.rowsByKind = byKind(t.rows);
    t.adjustmentsByKind = byKind(t.adjustments);
    t.rowsByKindIndex = byKindIndex(t.rowsByKind);
    t.adjustmentsByKindIndex = byKindIndex(t.adjustmentsByKind);
  }
  const typeBits = new Map<string, number>();
  for (const a of spec.assistance) if (!typeBits.has(a.type)) typeBits.set(a.type, 1 << typeBits.size);
  if (typeBits.size > 30)
    throw new PolicyInputError(`regime ${spec.regime}`, [
      { path: 'assistance', message: 'at most 30 entitlement types' },
    ]);
  const assistance: CompiledAssistance[] = spec.assistance.map((a: AssistanceRow) => {
    const c = compileRowBase(a);
    c.type = a.type;
    c.amount = a.amount;
    c.automatic = a.automatic;
    c.period = a.period;
    c.maxPeriods = a.maxPeriods;
    c.causeNotes = (a.causeNotes ?? []).map((n) => ({
      id: n.id,
      reason: n.reason,
      causes: new Set(n.causes),
      causeMask: causeMask(n.causes),
    }));
    c.typeBit = typeBits.get(a.type)!;
    return c;
  });
  const assistanceByKind = byKind(assistance);
  let kinds: Set<DisruptionKind> | null = new Set();
  for (const r of [...tables.flatMap((t) => t.rows), ...assistance]) {
    if (!r.kinds) {
      kinds = null;
      break;
    }
    for (const k of r.kinds) kinds.add(k);
  }
  return {
    spec,
    regime: spec.regime,
    title: spec.title,
    currency: spec.currency,
    policy,
    scope: spec.scope.map((rule) => ({
      rule,
      notCovered: {},
      id: rule.id,
      reason: rule.reason,
      rank: rule.rank,
      kinds: rule.kinds ?? null,
      kindMask: kindMask(rule.kinds ?? null),
      carriers: rule.carriers ?? null,
      international: rule.international ?? null,
      dep: maskOf(gi, rule.departureIn),
      arr: maskOf(gi, rule.arrivalIn),
      touches: maskOf(gi, rule.touches),
      licence: maskOf(gi, rule.carrierLicenceIn),
      clauseIds: rule.id,
      onlyPayerReason: null,
      careReason: null,
    })),
    bands: compiledBands,
    defaultBands: compiledBands.default ?? null,
    payIn: spec.payIn ?? null,
    partialAttribution: spec.partialAttribution ?? null,
    antiDoubleDip: spec.antiDoubleDip ?? null,
    tables,
    assistance,
    assistanceByKind,
    assistanceByKindIndex: byKindIndex(assistanceByKind),
    kinds,
    kindMask: kindMask(kinds),
    notApplicableReason: `${spec.title} does not apply: the journey matches none of its scope rules (${spec.scope.map((s) => s.id).join(', ')}).`,
    undecidedReason: `Cannot decide whether ${spec.title} applies: a datum is missing (see needs review).`,
    notApplicableWork: null,
    notApplicable: Object.freeze({
      regime: spec.regime,
      title: spec.title,
      applies: false,
      reason: `${spec.title} does not apply: the journey matches none of its scope rules (${spec.scope.map((s) => s.id).join(', ')}).`,
      policy,
      band: null,
      primary: false,
      cash: null,
      clauses: Object.freeze([]) as unknown as RegimeOutcome['clauses'],
    }),
  };
}

function dateMs(d: string): number {
  return Date.parse(`${d}T00:00:00Z`);
}

/** Group names and band sets a document refers to must exist somewhere in the set. */
function checkReferences(docs: StoredDoc[]): void {
  const groups = new Set<string>();
  for (const { doc } of docs) for (const g of Object.keys(doc.countryGroups ?? {})) groups.add(g);
  const issues: { path: string; message: string }[] = [];
  docs.forEach(({ doc }, di) => {
    (doc.regimes ?? []).forEach((r, ri) => {
      const base = `[${di}](${doc.id}@${doc.version}).regimes[${ri}]`;
      const need = (g: string, p: string): void => {
        if (!groups.has(g)) issues.push({ path: p, message: `unknown country group "${g}"` });
      };
      r.scope.forEach((s, si) => {
        for (const k of ['departureIn', 'arrivalIn', 'touches', 'carrierLicenceIn'] as const)
          (s[k] ?? []).forEach((g, gi) => need(g, `${base}.scope[${si}].${k}[${gi}]`));
      });
      for (const [setName, bands] of Object.entries(r.bands))
        bands.forEach((b, bi) => {
          const p = `${base}.bands.${setName}[${bi}]`;
          if (b.between) b.between.forEach((g, gi) => need(g, `${p}.between[${gi}]`));
          if (b.touches) need(b.touches, `${p}.touches`);
          if (b.notTouches) need(b.notTouches, `${p}.notTouches`);
        });
      r.compensation.forEach((t, ti) => {
        const bs = r.bands[t.bandSet];
        const usesBands = t.rows.some((x) => x.bands) || t.adjustments.some((x) => x.bands);
        if (usesBands && !bs)
          issues.push({ path: `${base}.compensation[${ti}].bandSet`, message: `unknown band set "${t.bandSet}"` });
        if (bs) {
          const ids = new Set(bs.map((b) => b.id));
          [...t.rows, ...t.adjustments].forEach((x, xi) =>
            (x.bands ?? []).forEach((b) => {
              if (!ids.has(b))
                issues.push({ path: `${base}.compensation[${ti}].rows[${xi}].bands`, message: `unknown band "${b}"` });
            }),
          );
        }
      });
      if (r.assistance.some((a) => a.bands) && !r.bands.default)
        issues.push({ path: `${base}.assistance`, message: 'rows use bands but there is no "default" band set' });
    });
  });
  if (issues.length) throw new PolicyInputError('policy document references', issues);
}

/**
 * Validate policy documents and build a PolicySet. Throws PolicyInputError naming the path of the first
 * bad field, or when two different documents share an id+version (a published version is immutable).
 * Identical duplicates are accepted once.
 */
export function parsePolicySet(docs: unknown[]): PolicySet {
  if (!Array.isArray(docs))
    throw new PolicyInputError('policy set', [{ path: '', message: 'expected an array of documents' }]);
  const stored: StoredDoc[] = [];
  const seen = new Map<string, StoredDoc>();
  docs.forEach((raw, i) => {
    const r = PolicyDocumentSchema.safeParse(raw);
    if (!r.success) {
      const id = raw && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : '?';
      throw new PolicyInputError(
        `policy document [${i}] (${id})`,
        r.error.issues.map((x) => ({ path: formatPath(x.path), message: x.message })),
      );
    }
    const doc = r.data;
    const hash = sha256Hex(canonicalJson(doc));
    const key = `${doc.id}@${doc.version}`;
    const prev = seen.get(key);
    if (prev) {
      if (prev.hash !== hash)
        throw new PolicyInputError(`policy document [${i}]`, [
          {
            path: 'version',
            message: `${key} is already published with different content (hash ${prev.hash.slice(0, 12)} vs ${hash.slice(0, 12)}); publish a new version instead`,
          },
        ]);
      return;
    }
    const fromMs = dateMs(doc.effectiveFrom);
    const toMs = doc.effectiveTo ? dateMs(doc.effectiveTo) : Infinity;
    if (!(toMs > fromMs))
      throw new PolicyInputError(`policy document [${i}] (${key})`, [
        { path: 'effectiveTo', message: 'must be after effectiveFrom' },
      ]);
    const s = { doc, hash, fromMs, toMs };
    seen.set(key, s);
    stored.push(s);
  });
  checkReferences(stored);
  // Country groups become bits of a 31-bit mask so scope and band tests are integer ANDs.
  const groupNames = [...new Set(stored.flatMap((x) => Object.keys(x.doc.countryGroups ?? {})))].sort();
  if (groupNames.length > 31)
    throw new PolicyInputError('policy set', [
      { path: 'countryGroups', message: `at most 31 country groups (got ${groupNames.length})` },
    ]);
  const gi = new Map(groupNames.map((g, i) => [g, i]));

  // Versions of one id: sorted by effectiveFrom; each is in force until its effectiveTo or the next one's start.
  const byId = new Map<string, StoredDoc[]>();
  for (const s of stored) {
    const l = byId.get(s.doc.id) ?? [];
    l.push(s);
    byId.set(s.doc.id, l);
  }
  const lists = [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, l] of lists) {
    l.sort((a, b) => a.fromMs - b.fromMs);
    for (let i = 1; i < l.length; i++)
      if (l[i]!.fromMs === l[i - 1]!.fromMs)
        throw new PolicyInputError(`policy ${id}`, [
          {
            path: 'effectiveFrom',
            message: `versions ${l[i - 1]!.doc.version} and ${l[i]!.doc.version} start on the same date`,
          },
        ]);
  }
  const pick = (l: StoredDoc[], t: number): number => {
    let found = -1;
    for (let i = 0; i < l.length; i++) {
      const s = l[i]!;
      const next = l[i + 1];
      const end = Math.min(s.toMs, next ? next.fromMs : Infinity);
      if (s.fromMs <= t && t < end) found = i;
    }
    return found;
  };

  const cache = new Map<string, ActivePolicy>();
  const compiledRegimes = new Map<StoredDoc, CompiledRegime[]>();

  const build = (chosen: StoredDoc[], key: string): ActivePolicy => {
    const groups = new Map<string, ReadonlySet<string>>();
    const carriers: ActivePolicy['carriers'] = new Map();
    const causes = new Map<string, CauseRef>();
    let roles: ActivePolicy['roles'] = {};
    let moneyControls: MoneyControls | null = null;
    let precedence: string[] = [];
    let yields: YieldRule[] = [];
    const regimes: CompiledRegime[] = [];
    for (const s of chosen) {
      const d = s.doc;
      for (const [g, cs] of Object.entries(d.countryGroups ?? {})) groups.set(g, new Set(cs));
      for (const [c, ref] of Object.entries(d.carriers ?? {})) carriers.set(c, ref);
      for (const [c, ref] of Object.entries(d.causes ?? {})) causes.set(c.toUpperCase(), ref);
      if (d.roles) roles = { ...roles, ...d.roles };
      if (d.moneyControls) moneyControls = d.moneyControls;
      if (d.precedence) {
        precedence = Array.isArray(d.precedence) ? d.precedence : d.precedence.order;
        yields = Array.isArray(d.precedence) ? [] : d.precedence.yields;
      }
      let cr = compiledRegimes.get(s);
      if (!cr) {
        cr = (d.regimes ?? []).map((r) => compileRegime(r, `${d.id}@${d.version}`, gi));
        compiledRegimes.set(s, cr);
      }
      regimes.push(...cr);
    }
    const countryMask = new Map<string, number>();
    for (const [g, cs] of groups) for (const c of cs) countryMask.set(c, (countryMask.get(c) ?? 0) | (1 << gi.get(g)!));
    const rank = (r: string): number => {
      const i = precedence.indexOf(r);
      return i < 0 ? precedence.length : i;
    };
    regimes.sort((a, b) => rank(a.regime) - rank(b.regime));
    // Shared by every decision made under this ActivePolicy: frozen.
    const policies = Object.freeze(
      chosen.map((s) => Object.freeze({ id: s.doc.id, version: s.doc.version, hash: s.hash })),
    ) as ActivePolicy['policies'];
    return {
      key,
      policyVersion: policies.map((p) => `${p.id}@${p.version}`).join('+'),
      policies,
      groups,
      countryMask,
      carriers,
      carrierCache: new Map(),
      causes,
      roles,
      moneyControls,
      precedence,
      yields,
      regimes,
      airportInfo: new Map(),
    };
  };

  // The chosen versions only change at version boundaries: cache one ActivePolicy per interval between
  // consecutive boundaries and find the interval by binary search (no allocation per evaluation).
  const bounds = [...new Set(stored.flatMap((s) => [s.fromMs, s.toMs]).filter((x) => Number.isFinite(x)))].sort(
    (x, y) => x - y,
  );
  const perInterval: (ActivePolicy | undefined)[] = new Array(bounds.length + 1);
  const at = (instant: string | number): ActivePolicy => {
    const t = typeof instant === 'number' ? instant : Date.parse(instant);
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bounds[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const hit = perInterval[lo];
    if (hit) return hit;
    const chosen: StoredDoc[] = [];
    let key = '';
    for (const [, l] of lists) {
      const i = pick(l, t);
      key += `${i},`;
      if (i >= 0) chosen.push(l[i]!);
    }
    let a = cache.get(key);
    if (!a) {
      a = build(chosen, key);
      cache.set(key, a);
    }
    if (!Number.isNaN(t)) perInterval[lo] = a;
    return a;
  };

  return {
    documents: stored.map((s) => ({
      id: s.doc.id,
      version: s.doc.version,
      hash: s.hash,
      effectiveFrom: s.doc.effectiveFrom,
      effectiveTo: s.doc.effectiveTo ?? null,
      notInForce: s.doc.notInForce ?? false,
      description: s.doc.description ?? null,
    })),
    raw: stored.map((s) => s.doc),
    at,
    roleLimits: (instant) => at(instant).roles,
    moneyControls: (instant) => at(instant).moneyControls,
  };
}

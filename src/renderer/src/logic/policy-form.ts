import { minorExponent } from '../../../shared/money.js';
import type { ValidationIssue } from '../../../shared/policy/admin-contract.js';
import { formatPath } from '../../../shared/policy/errors.js';

/**
 * The policy draft FORM (issue #9): the common edits of a policy version's content, found by
 * walking the documents (no field list to keep in step with resources/policies): amounts of
 * compensation and care rows, their time thresholds, the goodwill rules, care values, and role
 * approval limits / offline caps / daily limits. Each field carries its JSON path in the content
 * (`content[3].regimes[0].assistance[2].amount.fixed`, the admin API's path format), so a
 * validation issue lands on its input. Pure.
 */
export type FormSection = 'goodwill' | 'compensation' | 'care' | 'thresholds' | 'careValues' | 'roles';

export const FORM_SECTIONS: readonly { id: FormSection; title: string; hint: string }[] = [
  { id: 'goodwill', title: 'Goodwill rules', hint: 'The airline’s own commitments: meal, hotel and transport vouchers and their thresholds.' },
  { id: 'compensation', title: 'Compensation amounts', hint: 'Cash owed by each regime, per row (distance band, delay, notice).' },
  { id: 'care', title: 'Care amounts', hint: 'Meal, hotel and transport amounts of the regimes’ care rows.' },
  { id: 'thresholds', title: 'Thresholds', hint: 'Delays (minutes) from which a regime row applies.' },
  { id: 'careValues', title: 'Care values', hint: 'What an in-kind voucher counts against limits, per currency.' },
  { id: 'roles', title: 'Role limits and offline caps', hint: 'Approval limit, offline cap and daily limit per role and currency.' },
];

export interface FormField {
  /** Path in the version's content, as segments and as the admin API writes it. */
  path: (string | number)[];
  key: string;
  section: FormSection;
  /** The document it belongs to (index in the content, id). */
  doc: number;
  docId: string;
  /** What the input is named by (its accessible name starts with it). */
  label: string;
  detail: string;
  /** The rule (or limit table row) the field belongs to: fields of one group show together. */
  group: string;
  groupLabel: string;
  /** The input's caption inside its group (`amount`, `from`, `reason`, a currency). */
  short: string;
  kind: 'money' | 'minutes' | 'text';
  currency: string | null;
  /** The stored value: minor units or minutes; a string when the admin typed something that is not a number. */
  value: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');

export const pathKey = (path: readonly (string | number)[]): string => formatPath(path);

function ruleFields(out: FormField[], rows: unknown[], base: (string | number)[], ctx: { doc: number; docId: string; regime: string; currency: string; goodwill: boolean; money: FormSection }) {
  rows.forEach((row, i) => {
    if (!isObj(row)) return;
    const p = [...base, i];
    const id = str(row.id) || `#${i + 1}`;
    const what = [str(row.type), arr(row.kinds).map(String).join('/'), arr(row.bands).map(String).join('/'), arr(row.tiers).map(String).join('/')].filter(Boolean).join(' · ');
    const amount = isObj(row.amount) ? row.amount : null;
    if (amount && 'fixed' in amount)
      out.push({ path: [...p, 'amount', 'fixed'], key: pathKey([...p, 'amount', 'fixed']), section: ctx.goodwill ? 'goodwill' : ctx.money, doc: ctx.doc, docId: ctx.docId, label: id, detail: `${ctx.regime} · ${what}`, group: pathKey(p), groupLabel: id, short: 'amount', kind: 'money', currency: str(amount.currency) || ctx.currency, value: amount.fixed });
    if (ctx.goodwill && typeof row.reason === 'string')
      out.push({ path: [...p, 'reason'], key: pathKey([...p, 'reason']), section: 'goodwill', doc: ctx.doc, docId: ctx.docId, label: `${id} reason`, detail: `${ctx.regime} · ${what}`, group: pathKey(p), groupLabel: id, short: 'reason (what the passenger reads)', kind: 'text', currency: null, value: row.reason });
    arr(row.when).forEach((w, wi) => {
      if (!isObj(w) || !str(w.metric).endsWith('Min') || !('value' in w)) return;
      const wp = [...p, 'when', wi, 'value'];
      out.push({ path: wp, key: pathKey(wp), section: ctx.goodwill ? 'goodwill' : 'thresholds', doc: ctx.doc, docId: ctx.docId, label: `${id} from`, detail: `${ctx.regime} · ${what}`, group: pathKey(p), groupLabel: id, short: `from: ${str(w.metric).replace(/Min$/, '')} ${str(w.op)}`, kind: 'minutes', currency: null, value: w.value });
    });
  });
}

/** Every form field of a version's content, in document order. */
export function policyFormFields(content: readonly unknown[]): FormField[] {
  const out: FormField[] = [];
  content.forEach((d, di) => {
    if (!isObj(d)) return;
    const docId = str(d.id) || `document ${di + 1}`;
    arr(d.regimes).forEach((r, ri) => {
      if (!isObj(r)) return;
      const regime = str(r.regime);
      const ctx = { doc: di, docId, regime, currency: str(r.currency), goodwill: regime === 'goodwill' || docId === 'goodwill' };
      arr(r.compensation).forEach((c, ci) => {
        if (isObj(c)) ruleFields(out, arr(c.rows), ['content', di, 'regimes', ri, 'compensation', ci, 'rows'], { ...ctx, money: 'compensation' });
      });
      ruleFields(out, arr(r.assistance), ['content', di, 'regimes', ri, 'assistance'], { ...ctx, money: 'care' });
    });
    const careValues = isObj(d.moneyControls) && isObj(d.moneyControls.careValues) ? d.moneyControls.careValues : null;
    if (careValues)
      for (const [type, byCur] of Object.entries(careValues))
        if (isObj(byCur))
          for (const [cur, v] of Object.entries(byCur)) {
            const p = ['content', di, 'moneyControls', 'careValues', type, cur];
            out.push({ path: p, key: pathKey(p), section: 'careValues', doc: di, docId, label: type, detail: 'value of an in-kind voucher', group: pathKey(p.slice(0, -1)), groupLabel: type, short: cur, kind: 'money', currency: cur, value: v });
          }
    if (isObj(d.roles))
      for (const [role, limits] of Object.entries(d.roles))
        if (isObj(limits))
          for (const [limit, byCur] of Object.entries(limits))
            if (isObj(byCur))
              for (const [cur, v] of Object.entries(byCur)) {
                const p = ['content', di, 'roles', role, limit, cur];
                out.push({ path: p, key: pathKey(p), section: 'roles', doc: di, docId, label: `${role} · ${limit}`, detail: role, group: pathKey(p.slice(0, -1)), groupLabel: `${role} · ${limit}`, short: cur, kind: 'money', currency: cur, value: v });
              }
  });
  return out;
}

/** `content[...]` path segments → a copy of the content with that value set (immutably). */
export function setAtPath(content: readonly unknown[], path: readonly (string | number)[], value: unknown): unknown[] {
  const [head, ...rest] = path[0] === 'content' ? path.slice(1) : path;
  const set = (node: unknown, seg: string | number | undefined, tail: readonly (string | number)[]): unknown => {
    if (seg === undefined) return value;
    if (Array.isArray(node) && typeof seg === 'number') {
      const copy = [...node];
      copy[seg] = set(node[seg], tail[0], tail.slice(1));
      return copy;
    }
    const o = isObj(node) ? node : {};
    return { ...o, [seg]: set(o[seg], tail[0], tail.slice(1)) };
  };
  return set(content, head, rest) as unknown[];
}

/** What an input shows: minor units as major (`15.00`), minutes as is, anything else as typed. */
const exponent = (currency: string | null): number => (currency && /^[A-Z]{3}$/.test(currency) ? minorExponent(currency) : 2);

export function fieldText(f: Pick<FormField, 'kind' | 'value' | 'currency'>): string {
  if (typeof f.value === 'number') {
    if (f.kind !== 'money') return String(f.value);
    const e = exponent(f.currency);
    return (f.value / 10 ** e).toFixed(e);
  }
  if (f.value === null || f.value === undefined) return '';
  return String(f.value);
}

/** What typing `text` stores: minor units / minutes when it is a number, else the text (the schema then refuses it at its path). */
export function parseFieldText(kind: FormField['kind'], text: string, currency: string | null = null): unknown {
  if (kind === 'text') return text;
  const t = text.trim();
  if (t === '' || !/^-?\d+(\.\d*)?$/.test(t)) return t;
  const n = Number(t);
  return kind === 'money' ? Math.round(n * 10 ** exponent(currency)) : n;
}

/**
 * A document edited through the form keeps no id@version of a published document (the backend
 * refuses that with `version_reused`): its version gets the draft's suffix once, `2026.1` → `2026.1-d3`.
 */
export function bumpedVersion(version: string, draft: number): string {
  const suffix = `-d${draft}`;
  return version.endsWith(suffix) ? version : `${version.replace(/-d\d+$/, '')}${suffix}`;
}

/** An issue as the console lists it: the backend's codes plus the console's own text check. */
export type ConsoleIssue = Omit<ValidationIssue, 'code'> & { code: ValidationIssue['code'] | 'reason_amount' };

const SYMBOL_CURRENCIES: Record<string, string[]> = { $: ['USD', 'CAD'], '€': ['EUR'], '£': ['GBP'] };

/**
 * A rule's `reason` is what the passenger reads; when it names an amount (`a $15 meal voucher`) and
 * the rule's amount says otherwise, the explanation and the voucher disagree. A warning at the
 * amount's path (the form shows it at that input) until the reason is updated too.
 */
export function reasonAmountWarnings(content: readonly unknown[]): ConsoleIssue[] {
  const out: ConsoleIssue[] = [];
  for (const f of policyFormFields(content)) {
    if (f.kind !== 'money' || typeof f.value !== 'number' || f.path.at(-2) !== 'amount') continue;
    const row = f.path.slice(0, -2).reduce<unknown>((node, seg) => (node as Record<string | number, unknown> | undefined)?.[seg], { content });
    const reason = isObj(row) ? str(row.reason) : '';
    // `$1,800` and `€250.50` too: thousands separators dropped before comparing.
    const named = [...reason.matchAll(/([$€£])\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)(?!\d|,\d)/g)].filter((m) => SYMBOL_CURRENCIES[m[1]!]?.includes(f.currency ?? ''));
    if (named.length === 0) continue;
    const major = f.value / 10 ** exponent(f.currency);
    if (named.some((m) => Number(m[2]!.replaceAll(',', '')) === major)) continue;
    out.push({
      severity: 'warning',
      code: 'reason_amount',
      path: f.key,
      document: f.docId,
      message: `the reason passengers read says ${named.map((m) => `${m[1]}${m[2]}`).join(', ')}, the amount is ${fieldText(f)} ${f.currency}: update the reason too`,
    });
  }
  return out;
}

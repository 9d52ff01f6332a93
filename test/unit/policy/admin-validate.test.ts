import { describe, expect, it } from 'vitest';
import { diffPolicyContent } from '../../../src/shared/policy/admin-diff.js';
import { docHash, validatePolicyContent } from '../../../src/shared/policy/admin-validate.js';
import { DEFAULT_POLICY_DOCUMENTS, PolicyDocumentSchema } from '../../../src/shared/policy/index.js';

// The admin API's validation and diff (issue #9): every issue names the JSON path of the bad field.

type Doc = Record<string, unknown> & { id: string };
const bundled = () => structuredClone([...DEFAULT_POLICY_DOCUMENTS]) as Doc[];
const idx = (docs: Doc[], id: string) => docs.findIndex((d) => d.id === id);

describe('validatePolicyContent', () => {
  it('the bundled documents have no issue', () => {
    expect(validatePolicyContent(bundled())).toEqual([]);
  });

  it('schema errors carry the content path', () => {
    const docs = bundled();
    const i = idx(docs, 'eu261');
    (docs[i] as unknown as { regimes: { currency: string }[] }).regimes[0]!.currency = 'euro';
    expect(validatePolicyContent(docs)).toEqual([expect.objectContaining({ severity: 'error', code: 'schema', path: `content[${i}].regimes[0].currency`, document: 'eu261' })]);
  });

  it('an amount in a currency the regime does not use', () => {
    const docs = bundled();
    const i = idx(docs, 'goodwill');
    const g = docs[i] as unknown as { version: string; regimes: { assistance: { amount: { fixed: number; currency?: string } | null }[] }[] };
    g.regimes[0]!.assistance[0]!.amount!.currency = 'EUR';
    expect(validatePolicyContent(docs)).toContainEqual(
      expect.objectContaining({ code: 'currency_not_used', path: `content[${i}].regimes[0].assistance[0].amount.currency` }),
    );
  });

  it('role limits above their caps', () => {
    const docs = bundled();
    const i = idx(docs, 'reference');
    const roles = (docs[i] as unknown as { roles: Record<string, { approvalLimit: Record<string, number>; offlineCap: Record<string, number> }> }).roles;
    roles.agent!.approvalLimit.EUR = roles.supervisor!.approvalLimit.EUR! + 1;
    roles.agent!.offlineCap.EUR = roles.agent!.approvalLimit.EUR + 1;
    const issues = validatePolicyContent(docs).filter((x) => x.code === 'role_limit_above_cap');
    expect(issues.map((x) => x.path).sort()).toEqual([`content[${i}].roles.agent.approvalLimit.EUR`, `content[${i}].roles.agent.offlineCap.EUR`]);
  });

  it('an unreachable row and an overlapping row are warnings with their path', () => {
    const docs = bundled();
    const i = idx(docs, 'goodwill');
    const g = docs[i] as unknown as { regimes: { assistance: Record<string, unknown>[] }[] };
    const a = g.regimes[0]!.assistance;
    // A copy of the hotel row after it can never apply.
    const hotel = a.findIndex((r) => r.type === 'hotel');
    a.push({ ...structuredClone(a[hotel]!), id: 'GOODWILL.HOTEL.COPY' });
    // Two transport rows on overlapping delay ranges, neither containing the other.
    a.push({ id: 'T.A', reason: 'x', type: 'limo', when: [{ metric: 'departureDelayMin', op: '>=', value: 60 }, { metric: 'departureDelayMin', op: '<', value: 180 }] });
    a.push({ id: 'T.B', reason: 'x', type: 'limo', when: [{ metric: 'departureDelayMin', op: '>=', value: 120 }, { metric: 'departureDelayMin', op: '<', value: 240 }] });
    const issues = validatePolicyContent(docs);
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'unreachable_rule', path: `content[${i}].regimes[0].assistance[${a.length - 3}]` }));
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'overlapping_rule', path: `content[${i}].regimes[0].assistance[${a.length - 1}]` }));
    expect(issues.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('a changed document under a published id@version', () => {
    const published = new Map(bundled().map((d) => { const p = PolicyDocumentSchema.parse(d); return [`${p.id}@${p.version}`, docHash(p)]; }));
    const docs = bundled();
    const i = idx(docs, 'goodwill');
    (docs[i] as { description?: string }).description = 'changed';
    expect(validatePolicyContent(docs, { publishedHashes: published })).toEqual([expect.objectContaining({ code: 'version_reused', path: `content[${i}].version` })]);
    expect(validatePolicyContent(bundled(), { publishedHashes: published })).toEqual([]);
  });
});

describe('diffPolicyContent', () => {
  it('lists field paths per document; documents matched by id', () => {
    const a = bundled();
    const b = bundled();
    const g = b[idx(b, 'goodwill')] as unknown as { version: string; regimes: { currency: string }[] };
    g.version = '9';
    g.regimes[0]!.currency = 'CAD';
    b.splice(idx(b, 'shy'), 1);
    const d = diffPolicyContent(a, b);
    expect(d.truncated).toBe(false);
    expect(d.entries.map((e) => `${e.document}:${e.path}:${e.change}`).sort()).toEqual(['goodwill:regimes[0].currency:changed', 'goodwill:version:changed', 'shy::removed']);
    expect(diffPolicyContent(a, a).entries).toEqual([]);
  });
});

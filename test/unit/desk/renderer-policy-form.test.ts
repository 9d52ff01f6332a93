import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePolicyContent } from '../../../src/shared/policy/admin-validate.js';
import { locateJsonPaths, rangeForIssue } from '../../../src/renderer/src/logic/json-locate.js';
import { bumpedVersion, fieldText, parseFieldText, policyFormFields, reasonAmountWarnings, setAtPath } from '../../../src/renderer/src/logic/policy-form.js';

const dir = path.resolve(import.meta.dirname, '../../../resources/policies');
const bundled = (): unknown[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown);

describe('policy form fields', () => {
  it('finds the goodwill meal, care values and role limits with the admin API path format', () => {
    // Prepare
    const content = bundled();
    const goodwill = content.findIndex((d) => (d as { id: string }).id === 'goodwill');
    // Act
    const fields = policyFormFields(content);
    // Assess
    const meal = fields.find((f) => f.label === 'GOODWILL.MEAL.CANCEL' && f.kind === 'money');
    expect(meal).toMatchObject({ section: 'goodwill', currency: 'USD', value: 1500, key: `content[${goodwill}].regimes[0].assistance[5].amount.fixed` });
    expect(fields.some((f) => f.section === 'roles' && f.label === 'agent · offlineCap' && f.currency === 'EUR')).toBe(true);
    expect(fields.some((f) => f.section === 'careValues' && f.label === 'meal')).toBe(true);
    expect(fields.some((f) => f.section === 'compensation' && f.detail.startsWith('EU261'))).toBe(true);
    expect(fields.some((f) => f.section === 'thresholds' && f.kind === 'minutes')).toBe(true);
  });

  it('an invalid form value is refused by the validator at the field’s own path', () => {
    // Prepare
    const content = bundled();
    const meal = policyFormFields(content).find((f) => f.label === 'GOODWILL.MEAL.CANCEL' && f.kind === 'money')!;
    // Act
    const edited = setAtPath(content, meal.path, parseFieldText('money', '-5', 'USD'));
    const issues = validatePolicyContent(edited);
    // Assess
    expect(issues.some((i) => i.severity === 'error' && i.path === meal.key)).toBe(true);
    expect(validatePolicyContent(setAtPath(content, meal.path, 3000)).filter((i) => i.severity === 'error')).toEqual([]);
    expect((content[meal.doc] as { regimes: { assistance: { amount: { fixed: number } }[] }[] }).regimes[0]!.assistance[5]!.amount.fixed).toBe(1500);
  });

  it.each([
    ['money', '30', 'USD', 3000],
    ['money', '12.345', 'USD', 1235],
    ['money', '1500', 'JPY', 1500],
    ['minutes', '180', null, 180],
    ['money', 'abc', 'USD', 'abc'],
  ] as const)('%s text %s (%s) is stored as %s', (kind, text, currency, stored) => {
    expect(parseFieldText(kind, text, currency)).toBe(stored);
  });

  it('shows minor units as major and bumps a document version once per draft', () => {
    expect(fieldText({ kind: 'money', value: 1500, currency: 'USD' })).toBe('15.00');
    expect(bumpedVersion('2026.1', 3)).toBe('2026.1-d3');
    expect(bumpedVersion('2026.1-d3', 3)).toBe('2026.1-d3');
    expect(bumpedVersion('2026.1-d3', 4)).toBe('2026.1-d4');
  });
});

describe('reasons that name another amount', () => {
  it('warns at the amount until the reason passengers read names the new amount', () => {
    // Prepare
    const content = bundled();
    const meal = policyFormFields(content).find((f) => f.label === 'GOODWILL.MEAL.CANCEL' && f.kind === 'money')!;
    const reason = policyFormFields(content).find((f) => f.label === 'GOODWILL.MEAL.CANCEL reason')!;
    const raised = setAtPath(content, meal.path, 3000);
    // Act
    const before = reasonAmountWarnings(content);
    const stale = reasonAmountWarnings(raised);
    const fixed = reasonAmountWarnings(setAtPath(raised, reason.path, 'Your flight was cancelled: a $30 meal voucher while we rebook you.'));
    // Assess
    // The bundled reasons agree with their amounts (`$1,800`, `€300, half of €600` included).
    expect(before).toEqual([]);
    expect(stale.filter((w) => w.path === meal.key)).toMatchObject([{ severity: 'warning', code: 'reason_amount' }]);
    expect(fixed.filter((w) => w.path === meal.key)).toEqual([]);
  });
});

describe('JSON path locations (lint marks)', () => {
  it('maps an issue path to its key and value, falling back to the nearest parent', () => {
    // Prepare
    const text = JSON.stringify([{ id: 'a', regimes: [{ currency: 'EUR', rows: [1, 2] }] }], null, 2);
    // Act
    const map = locateJsonPaths(text);
    const cur = rangeForIssue(map, 'content[0].regimes[0].currency')!;
    const missing = rangeForIssue(map, 'content[0].regimes[0].payIn')!;
    // Assess
    expect(text.slice(cur.from, cur.to)).toBe('"EUR"');
    expect(text.slice(cur.keyFrom, cur.keyTo)).toBe('"currency"');
    expect(text.slice(missing.from, missing.to)).toContain('"currency"');
    expect(text.slice(map.get('[0].regimes[0].rows[1]')!.from, map.get('[0].regimes[0].rows[1]')!.to)).toBe('2');
  });

  it('stops quietly at a syntax error', () => {
    expect(() => locateJsonPaths('[{"a": 1,, }]')).not.toThrow();
    expect(locateJsonPaths('[{"a": 1,, }]').get('[0].a')).toBeDefined();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ago, bootstrapLabel, commandLabel, entitlementLabel, money, num, time } from '../../../src/renderer/src/format.js';
import { i18n, resources } from '../../../src/renderer/src/i18n/index.js';

const SUMMER = '2025-07-01T15:30:00Z';

afterEach(async () => {
  await i18n.changeLanguage('en');
});

/** Every key path of a nested bundle, e.g. `ago.now`. */
function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('format.ts follows the desk language', () => {
  it('English: the formats the desk always used', async () => {
    await i18n.changeLanguage('en');
    expect(money({ amountMinor: 1500, currency: 'USD' })).toBe('15.00 USD');
    expect(money({ amountMinor: 123456789, currency: 'EUR' })).toBe('1,234,567.89 EUR');
    expect(money({ amountMinor: 5000, currency: 'JPY' })).toBe('5,000 JPY');
    expect(money(null)).toBe('—');
    expect(time(SUMMER, 'LHR')).toBe('07-01 16:30');
    expect(entitlementLabel('meal')).toBe('Meal voucher');
    expect(commandLabel('voidIssuance')).toBe('Void');
    expect(bootstrapLabel('PHX', 12400, 100000)).toBe('Loading PHX: 12,400 of 100,000');
    expect(ago(null)).toBe('never');
    expect(ago(new Date(Date.now() - 120_000).toISOString())).toBe('2 min ago');
  });

  it('Spanish: comma decimals, day/month, Spanish words', async () => {
    await i18n.changeLanguage('es');
    expect(money({ amountMinor: 1500, currency: 'USD' })).toBe('15,00 USD');
    expect(money({ amountMinor: 123456789, currency: 'EUR' })).toBe('1.234.567,89 EUR');
    expect(num(12400)).toBe('12.400');
    expect(time(SUMMER, 'LHR')).toBe('01/07 16:30');
    expect(time(SUMMER)).toBe('01/07 15:30Z');
    expect(entitlementLabel('meal')).toBe('Vale de comida');
    expect(entitlementLabel('new_type')).toBe('new type');
    expect(commandLabel('voidIssuance')).toBe('Anulación');
    expect(commandLabel('somethingNew')).toBe('somethingNew');
    expect(bootstrapLabel('PHX', 12400, 100000)).toBe('Cargando PHX: 12.400 de 100.000');
    expect(ago(new Date(Date.now() - 120_000).toISOString())).toBe('hace 2 min');
  });

  it('every namespace exists in both languages with the same keys', () => {
    expect(Object.keys(resources.en ?? {}).sort()).toEqual(Object.keys(resources.es ?? {}).sort());
    // humanize keeps its English in code (logic/humanize.ts, the table of codes); Spanish
    // translates those codes too, so Spanish may hold more keys there, never fewer.
    const englishInCode = new Set(['humanize']);
    for (const ns of Object.keys(resources.en ?? {})) {
      const en = keys(resources.en?.[ns]).sort();
      const es = keys(resources.es?.[ns]).sort();
      expect({ ns, missingInSpanish: en.filter((k) => !es.includes(k)) }).toEqual({ ns, missingInSpanish: [] });
      if (!englishInCode.has(ns)) expect({ ns, keys: es }).toEqual({ ns, keys: en });
    }
  });
});

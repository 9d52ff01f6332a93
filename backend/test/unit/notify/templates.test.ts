import { describe, expect, it } from 'vitest';
import type { Flight } from '../../../../src/shared/domain/index.js';
import { delayBucket, materialChanges } from '../../../src/notify/changes.js';
import { emailText, noticeLanguage, renderNotice, smsText, type NoticeFacts, type NoticeTopic } from '../../../src/notify/templates/render.js';
import { LANGUAGES, RESOURCES } from '../../../src/notify/templates/strings.js';

const facts: NoticeFacts = {
  passengerName: 'Ana García',
  flight: { carrier: 'IB', number: '3166', origin: 'MAD', destination: 'FRA', scheduledDeparture: '2026-12-05T09:00:00Z', estimatedDeparture: '2026-12-05T11:10:00Z', gate: 'C7', terminal: '4' },
  delayMinutes: 130,
  entitlementType: 'meal',
  voucherSerial: 'V-0001',
  amount: { amountMinor: 1500, currency: 'EUR' },
  reason: 'printed twice',
  regime: 'EU261',
};
const TOPICS: NoticeTopic[] = ['disruption:DELAY', 'disruption:CANCELLATION', 'disruption:DIVERSION', 'disruption:GATE_CHANGE', 'voucher', 'void', 'approval:denied'];

describe('notification templates (i18next, one source per language)', () => {
  it('every language has exactly the English keys', () => {
    const en = Object.keys(RESOURCES.en.translation).sort();
    for (const l of LANGUAGES) expect(Object.keys(RESOURCES[l].translation).sort(), l).toEqual(en);
  });

  it.each(LANGUAGES.flatMap((l) => TOPICS.map((t) => [l, t] as const)))('%s %s renders with every placeholder filled', (lang, topic) => {
    const n = renderNotice(topic, facts, lang);
    const text = `${n.subject}\n${emailText(n)}\n${smsText(topic, facts, lang)}`;
    expect(text).not.toMatch(/\{\{|\}\}|\bundefined\b|\bnull\b/);
    expect(text).toContain('IB3166');
  });

  it('the Art 14 written notice goes with EU261/UK261 disruption notices only', () => {
    expect(renderNotice('disruption:CANCELLATION', facts, 'de').rights).toMatch(/^Ihre Rechte nach der Verordnung \(EG\) Nr\. 261\/2004 \(Hinweis nach Artikel 14\)/);
    expect(renderNotice('disruption:DELAY', { ...facts, regime: 'UK261' }, 'en').rights).toContain('Civil Aviation Authority');
    expect(renderNotice('disruption:DELAY', { ...facts, regime: 'US_DOT' }, 'en').rights).toBeNull();
    expect(renderNotice('voucher', facts, 'en').rights).toBeNull();
    expect(smsText('disruption:CANCELLATION', facts, 'fr')).toContain('Au titre du EU261');
  });

  it('times are local to the departure airport; money has the language\'s digits and the ISO code', () => {
    const es = renderNotice('disruption:DELAY', facts, 'es');
    expect(es.body).toContain('10:00');
    expect(es.body).toContain('12:10');
    expect(renderNotice('voucher', facts, 'de').body).toContain('Betrag: 15,00 EUR');
    expect(renderNotice('voucher', facts, 'en').body).toContain('Amount: 15.00 EUR');
  });

  it('language preferences: a regional variant uses its language; others fall back to English', () => {
    expect(noticeLanguage('es-MX')).toBe('es');
    expect(noticeLanguage('FR')).toBe('fr');
    expect(noticeLanguage('nl')).toBe('en');
    expect(noticeLanguage(null)).toBe('en');
  });
});

describe('material changes', () => {
  const flight: Flight = {
    id: 'F1', carrier: 'IB', number: '3166', origin: 'MAD', destination: 'FRA', scheduledDeparture: '2026-12-05T09:00:00Z', scheduledArrival: '2026-12-05T11:30:00Z',
    estimatedDeparture: null, estimatedArrival: null, actualDeparture: null, actualArrivalDoorOpen: null, status: 'SCHEDULED', gate: 'B12', terminal: '4', aircraft: null, delayMinutes: 0, version: 1,
  };
  const disruption = (over: Record<string, unknown>) => ({ id: 'D', flightId: 'F1', kind: 'DELAY', delayMinutes: 0, delayCategory: null, causeCode: null, causeDetail: null, urgent: false, eventIds: [], detectedAt: '2026-12-05T07:00:00Z', version: 1, aspects: {}, ...over }) as never;

  it('a delay is news when it crosses a threshold, not every minute', () => {
    expect([29, 30, 59, 60, 119, 120, 179, 180, 301].map(delayBucket)).toEqual([null, 30, 30, 60, 60, 120, 120, 180, 300]);
    expect(materialChanges({ ...flight, status: 'DELAYED', delayMinutes: 135 }, disruption({ delayMinutes: 135 })).map((c) => c.changeId)).toEqual(['F1:DELAY:120']);
    expect(materialChanges({ ...flight, status: 'DELAYED', delayMinutes: 150 }, disruption({ delayMinutes: 150 })).map((c) => c.changeId)).toEqual(['F1:DELAY:120']);
    expect(materialChanges({ ...flight, status: 'DELAYED', delayMinutes: 20 }, disruption({ delayMinutes: 20 }))).toEqual([]);
  });

  it('a cancellation supersedes the rest; a gate or terminal other than planned is news', () => {
    expect(materialChanges({ ...flight, status: 'CANCELLED', delayMinutes: 200 }, disruption({ kind: 'CANCELLATION', delayMinutes: 200 })).map((c) => c.changeId)).toEqual(['F1:CANCELLATION']);
    const moved = disruption({ kind: 'GATE_CHANGE', aspects: { gate: { at: 'x', gate: 'C7', terminal: '4' }, base: { gate: 'B12', terminal: '4' } } });
    expect(materialChanges({ ...flight, gate: 'C7' }, moved).map((c) => c.changeId)).toEqual(['F1:GATE:C7:4']);
    const back = disruption({ kind: 'GATE_CHANGE', aspects: { gate: { at: 'y', gate: 'B12', terminal: '4' }, base: { gate: 'B12', terminal: '4' } } });
    expect(materialChanges(flight, back)).toEqual([]);
  });
});

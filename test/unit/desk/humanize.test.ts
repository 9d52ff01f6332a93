import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../../src/renderer/src/i18n/index.js';
import {
  carePeriodLabel,
  causeDetailLabel,
  causeLabel,
  duration,
  eventSourceLabel,
  policyVersionLabel,
  regimeLabel,
  rejectionLabel,
  reviewReasonLabel,
} from '../../../src/renderer/src/logic/humanize.js';
import { flightSeverity } from '../../../src/renderer/src/logic/flight-severity.js';

afterEach(async () => {
  await i18n.changeLanguage('en');
});

const FULL_ID =
  'reference@2026.2+eu261@2024.1+uk261@2024.1+appr@2022.1+us-dot@2025.1+montreal@2024.1+shy@2012.1+india-car@2016.1+israel-asl@2024.1+brazil-anac@2016.1+goodwill@2026.1';

describe('humanize: every raw code in words, the code kept for the tooltip', () => {
  it.each([
    ['WEATHER', 'Weather'],
    ['MECHANICAL', 'Technical problem with the aircraft'],
    ['41', 'Aircraft defect'],
    ['93', 'Late inbound aircraft'],
    ['SOMETHING_NEW', 'something new'],
  ])('cause %s → %s', (code, text) => {
    expect(causeLabel(code)).toEqual({ text, raw: code });
  });

  it('IATA delay codes with minutes ("41:300") become causes with durations; free text is kept', () => {
    expect(causeDetailLabel('41:300')).toEqual({ text: 'Aircraft defect 5 h', raw: '41:300' });
    expect(causeDetailLabel('41:300,93:20').text).toBe('Aircraft defect 5 h · Late inbound aircraft 20 min');
    expect(causeDetailLabel('Thunderstorms over DFW').text).toBe('Thunderstorms over DFW');
  });

  it('durations', () => {
    expect([duration(45), duration(120), duration(200)]).toEqual(['45 min', '2 h', '3 h 20 min']);
  });

  it.each([
    ['EVENT', 'once'],
    ['D1', 'day 1'],
    ['N2', 'night 2'],
    ['day1', 'day 1'],
    ['EVENT/D1', 'once · day 1'],
  ])('care period %s → %s', (raw, text) => {
    expect(carePeriodLabel(raw)).toEqual({ text, raw });
  });

  it('event sources, rejection codes and needs-review reasons', () => {
    expect(eventSourceLabel('operations_center')).toEqual({ text: 'Operations control centre', raw: 'operations_center' });
    expect(eventSourceLabel('crew_app').text).toBe('crew app');
    expect(rejectionLabel('LIMIT_EXCEEDED')).toEqual({ text: 'Above your issue limit', raw: 'LIMIT_EXCEEDED' });
    expect(rejectionLabel('NEW_RULE').text).toBe('new rule');
    expect(regimeLabel('US_DOT')).toEqual({ text: 'US DOT', raw: 'US_DOT' });
    expect(regimeLabel('goodwill').text).toBe('Goodwill');
    expect(reviewReasonLabel('cause').text).toBe('the delay cause');
    expect(reviewReasonLabel('ticketPrice').text).toBe('the ticket price');
    expect(reviewReasonLabel('seatPitch').text).toBe('seat pitch');
  });

  it('policy version: "EU261 v3, published 2 Dec", the 11-part id only in the tooltip', () => {
    const h = policyVersionLabel({ policyVersion: FULL_ID, regime: 'EU261', setVersion: 3, publishedAt: '2026-12-02T09:00:00Z' });
    expect(h.text).toBe('EU261 v3, published 2 Dec');
    expect(h.raw.split('\n')).toHaveLength(11);
    expect(h.text).not.toContain('@');
  });

  it('policy version without a store version names the regime’s own document version', () => {
    expect(policyVersionLabel({ policyVersion: FULL_ID, regime: 'EU261' }).text).toBe('EU261 2024.1');
    expect(policyVersionLabel({ policyVersion: FULL_ID, regime: 'US_DOT' }).text).toBe('US DOT 2025.1');
    expect(policyVersionLabel({ policyVersion: FULL_ID, regime: 'MC99' }).text).toBe('Montreal Convention 2024.1');
    expect(policyVersionLabel({ policyVersion: null, regime: null, label: 'v4' }).text).toBe('policy v4');
    expect(policyVersionLabel({ policyVersion: FULL_ID, regime: null, label: 'bundled' }).text).toBe('EU261 built-in');
  });

  it('follows the desk language (Spanish), English for a code not yet translated', async () => {
    await i18n.changeLanguage('es');
    expect(causeLabel('WEATHER').text).toBe('Meteorología');
    expect(carePeriodLabel('N2').text).toBe('noche 2');
    expect(causeLabel('42').text).toBe('Scheduled maintenance, late release');
  });
});

describe('flightSeverity: what the badge says', () => {
  it.each([
    [{ status: 'CANCELLED', delayMinutes: 0 }, 'cancelled'],
    [{ status: 'DIVERTED', delayMinutes: 0 }, 'diverted'],
    [{ status: 'DELAYED', delayMinutes: 180 }, 'delay3h'],
    [{ status: 'DELAYED', delayMinutes: 179 }, 'delay2h'],
    [{ status: 'DELAYED', delayMinutes: 120 }, 'delay2h'],
    [{ status: 'DELAYED', delayMinutes: 45 }, 'minor'],
    [{ status: 'ARRIVED', delayMinutes: 0, disruption: { delayMinutes: 200 } }, 'delay3h'],
    [{ status: 'ARRIVED', delayMinutes: 0 }, 'none'],
    [{ status: 'SCHEDULED', delayMinutes: 0, disruption: null }, 'none'],
  ] as const)('%o → %s', (f, level) => {
    expect(flightSeverity(f)).toBe(level);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultPolicySet, evaluate } from '../../../src/shared/policy/index.js';
import { allClauseIds, entitlement, makeCase, payableCash, type CaseSpec } from './helpers.js';

/**
 * Table-driven cases across every bundled regime, the CJEU cases named in RULES.md, the boundaries
 * (3 h 00 / 2 h 59, notice exactly 14 days, re-routing exactly 4 h 00) and every currency.
 */

interface Expect {
  /** Payable cash of a regime in minor units (null = no payable cash), with currency. */
  cash?: [regime: string, minor: number | null, currency?: string];
  /** Entitlements that must exist: amount in minor units, or 'in-kind' (null amount). */
  ent?: [regime: string, type: string, minor: number | 'in-kind', currency?: string][];
  none?: [regime: string, type: string][];
  clause?: string[];
  applies?: [regime: string, applies: boolean | null][];
  review?: string;
  noReview?: boolean;
  primary?: string | null;
  periods?: [regime: string, type: string, n: number];
  distance?: number;
  payable?: [regime: string, type: string, payable: boolean];
}

const P = defaultPolicySet();
const H = 60;
const D = 1440;

const rows: [string, CaseSpec, Expect][] = [
  // ───── EU261 ─────
  [
    'EU261 long-haul delay 5 h → €600',
    { route: 'FRA-JFK', arr: 5 * H, dep: 5 * H, cause: 'MECHANICAL' },
    { cash: ['EU261', 60000, 'EUR'], clause: ['EU261.STURGEON', 'EU261.7.1.c'], primary: 'EU261', noReview: true },
  ],
  [
    'EU261 Sturgeon para 63: long-haul 3 h 30 → €300',
    { route: 'FRA-JFK', arr: 210, cause: 'MECHANICAL' },
    { cash: ['EU261', 30000, 'EUR'], clause: ['EU261.STURGEON.63'] },
  ],
  [
    'EU261 long-haul exactly 4 h 00 → still €300',
    { route: 'FRA-JFK', arr: 240, cause: 'MECHANICAL' },
    { cash: ['EU261', 30000, 'EUR'] },
  ],
  [
    'EU261 long-haul 4 h 01 → €600',
    { route: 'FRA-JFK', arr: 241, cause: 'MECHANICAL' },
    { cash: ['EU261', 60000, 'EUR'] },
  ],
  [
    'EU261 boundary: arrival exactly 3 h 00 late → €250',
    { route: 'CDG-AMS', carrier: 'AF', arr: 180, cause: 'MECHANICAL' },
    { cash: ['EU261', 25000, 'EUR'], clause: ['EU261.7.1.a'] },
  ],
  [
    'EU261 boundary: arrival 2 h 59 late → nothing',
    { route: 'CDG-AMS', carrier: 'AF', arr: 179, cause: 'MECHANICAL' },
    { cash: ['EU261', null], clause: ['EU261.STURGEON.THRESHOLD'] },
  ],
  [
    'Germanwings C-452/13: door open 3 h 03 (on-block 2 h 58) → €250',
    { route: 'SZG-CGN', carrier: '4U', dep: 175, arr: 183, onBlock: 178, cause: 'TECHNICAL' },
    { cash: ['EU261', 25000, 'EUR'], clause: ['EU261.GERMANWINGS'], noReview: true },
  ],
  [
    'Germanwings counter-case: door open 2 h 59 → nothing',
    { route: 'SZG-CGN', carrier: '4U', arr: 179, onBlock: 175, cause: 'TECHNICAL' },
    { cash: ['EU261', null], clause: ['EU261.STURGEON.THRESHOLD'] },
  ],
  [
    'Door-open missing: on-block used and flagged',
    { route: 'SZG-CGN', carrier: '4U', onBlock: 200, cause: 'TECHNICAL' },
    { cash: ['EU261', 25000, 'EUR'], review: 'door-open' },
  ],
  [
    'Bossen C-559/16: FCO–BRU–HAM flown 1,656 km, great circle 1,327 km → €250',
    { route: 'FCO-BRU-HAM', carrier: 'SN', arr: 200, cause: 'MECHANICAL' },
    { cash: ['EU261', 25000, 'EUR'], distance: 1327, clause: ['EU261.7.1.a'] },
  ],
  [
    'Folkerts C-11/11: departure 2 h 30 late, final arrival 11 h late → €600, no meal on 2 h 30',
    { route: 'BRE-CDG-GRU-ASU', carrier: 'AF', dep: 150, arr: 11 * H, cause: 'TECHNICAL' },
    { cash: ['EU261', 60000, 'EUR'], clause: ['EU261.FOLKERTS'], none: [['EU261', 'meal']] },
  ],
  [
    'Wegener C-537/17: BER–CMN–AGA on Royal Air Maroc, one booking → EU261 (3,081 km) €400',
    { route: 'BER-CMN-AGA', carrier: 'AT', dep: 250, arr: 245, cause: 'TECHNICAL' },
    { cash: ['EU261', 40000, 'EUR'], distance: 3081, applies: [['EU261', true]], clause: ['EU261.3.1.a'] },
  ],
  [
    'České aerolinie C-502/18: PRG–AUH (OK) –BKK (EY), delay on leg 2 → EU261 €600, liable OK',
    { route: 'PRG-AUH-BKK', carrier: ['OK', 'EY'], disrupted: 1, arr: 8 * H, cause: 'TECHNICAL' },
    { cash: ['EU261', 60000, 'EUR'], applies: [['EU261', true]] },
  ],
  [
    'Emirates v Schenkel C-173/07: MNL–DXB–DUS on Emirates → EU261 does not apply',
    { route: 'MNL-DXB-DUS', carrier: 'EK', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
    { applies: [['EU261', false]], cash: ['EU261', null] },
  ],
  [
    'Schenkel counterpart: MNL–FRA on an EU carrier → EU261 Art 3(1)(b) €600',
    { route: 'MNL-FRA', carrier: 'LH', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
    { applies: [['EU261', true]], cash: ['EU261', 60000, 'EUR'], clause: ['EU261.3.1.b'] },
  ],
  [
    'Wallentin-Hermann C-549/07: technical defect cancels VIE–FCO–BRI → €250',
    { route: 'VIE-FCO-BRI', carrier: 'AZ', kind: 'CANCELLATION', notice: 120, cause: 'TECHNICAL' },
    { cash: ['EU261', 25000, 'EUR'], clause: ['EU261.7.1.a'] },
  ],
  [
    'Pešková C-315/15: 5 h 20 late, 2 h of it from a bird strike → 3 h 20 counts → €250',
    { route: 'BOJ-OSR', carrier: 'OK', arr: 320, cause: 'BIRD_STRIKE', ecMinutes: 120 },
    { cash: ['EU261', 25000, 'EUR'], clause: ['EU261.PESKOVA'] },
  ],
  [
    'Pešková: 5 h 20 late, 2 h 40 from the bird strike → under 3 h → nothing',
    { route: 'BOJ-OSR', carrier: 'OK', arr: 320, cause: 'BIRD_STRIKE', ecMinutes: 160 },
    { cash: ['EU261', null], clause: ['EU261.STURGEON.THRESHOLD'] },
  ],
  [
    'Bird strike wholly excused → Art 5(3), no compensation',
    { route: 'BOJ-OSR', carrier: 'OK', arr: 320, dep: 320, cause: 'BIRD_STRIKE' },
    { cash: ['EU261', null], clause: ['EU261.5.3'], ent: [['EU261', 'meal', 'in-kind']] },
  ],
  [
    'Krüsemann C-195/17: wildcat strike cancels DUS–FUE → intra-EU €400',
    { route: 'DUS-FUE', carrier: 'X3', kind: 'CANCELLATION', notice: D, cause: 'CREW_SICKOUT' },
    { cash: ['EU261', 40000, 'EUR'] },
  ],
  [
    'Pitfall: WAW–FUE 3,895 km intra-Community → €400, not €600',
    { route: 'WAW-FUE', carrier: 'LO', arr: 270, cause: 'MECHANICAL' },
    { cash: ['EU261', 40000, 'EUR'], distance: 3895 },
  ],
  [
    'McDonagh C-12/11: ash cloud, 7 nights stranded → no cash, care without limit',
    {
      route: 'FAO-DUB',
      carrier: 'FR',
      kind: 'CANCELLATION',
      notice: 30,
      cause: 'VOLCANIC_ASH',
      reroute: { dep: 7 * D, arr: 7 * D },
    },
    { cash: ['EU261', null], clause: ['EU261.5.3', 'EU261.MCDONAGH'], periods: ['EU261', 'hotel', 7] },
  ],
  [
    'Finnair v Lassooy C-22/11: denied boarding after a strike → €400, no EC defence',
    { route: 'BCN-HEL', carrier: 'AY', kind: 'DENIED_BOARDING', cause: 'STRIKE_THIRD_PARTY' },
    { cash: ['EU261', 40000, 'EUR'], clause: ['EU261.LASSOOY'] },
  ],
  [
    'EU261 denied boarding volunteer → no compensation',
    { route: 'BCN-HEL', carrier: 'AY', kind: 'DENIED_BOARDING', volunteer: true },
    { cash: ['EU261', null], clause: ['EU261.4.1'] },
  ],
  [
    'EU261 boundary: notice exactly 14 days → no compensation',
    { route: 'FRA-JFK', kind: 'CANCELLATION', notice: 14 * D, cause: 'TECHNICAL' },
    { cash: ['EU261', null], clause: ['EU261.5.1.c.i'] },
  ],
  [
    'EU261 notice 13 days 23 h, no re-routing → €600 and care',
    { route: 'FRA-JFK', kind: 'CANCELLATION', notice: 14 * D - 60, cause: 'TECHNICAL' },
    { cash: ['EU261', 60000, 'EUR'], ent: [['EU261', 'refund_or_reroute', 'in-kind']] },
  ],
  [
    'EU261 notice 10 days, re-routing 1 h early arriving 3 h 59 late → excused (5(1)(c)(ii))',
    { route: 'FRA-JFK', kind: 'CANCELLATION', notice: 10 * D, cause: 'TECHNICAL', reroute: { dep: -60, arr: 239 } },
    { cash: ['EU261', null], clause: ['EU261.5.1.c.ii'] },
  ],
  [
    'EU261 boundary: notice 10 days, re-routing arrives exactly 4 h 00 late → due, halved by 7(2)(c) → €300',
    { route: 'FRA-JFK', kind: 'CANCELLATION', notice: 10 * D, cause: 'TECHNICAL', reroute: { dep: -60, arr: 240 } },
    { cash: ['EU261', 30000, 'EUR'], clause: ['EU261.7.2.c'] },
  ],
  [
    'EU261 re-routing arrives 4 h 01 late → no 7(2) cut, €600',
    { route: 'FRA-JFK', kind: 'CANCELLATION', notice: 10 * D, cause: 'TECHNICAL', reroute: { dep: -60, arr: 241 } },
    { cash: ['EU261', 60000, 'EUR'] },
  ],
  [
    'EU261 notice 3 days, re-routing arrives 1 h 59 late → excused (5(1)(c)(iii))',
    {
      route: 'CDG-AMS',
      carrier: 'AF',
      kind: 'CANCELLATION',
      notice: 3 * D,
      cause: 'TECHNICAL',
      reroute: { dep: -30, arr: 119 },
    },
    { cash: ['EU261', null], clause: ['EU261.5.1.c.iii'] },
  ],
  [
    'EU261 notice 3 days, re-routing arrives exactly 2 h 00 late → due, halved → €125',
    {
      route: 'CDG-AMS',
      carrier: 'AF',
      kind: 'CANCELLATION',
      notice: 3 * D,
      cause: 'TECHNICAL',
      reroute: { dep: -30, arr: 120 },
    },
    { cash: ['EU261', 12500, 'EUR'], clause: ['EU261.7.2.a'] },
  ],
  [
    'EU261 cancellation for weather → no compensation, meal',
    { route: 'CDG-AMS', carrier: 'AF', kind: 'CANCELLATION', notice: 60, cause: 'WEATHER' },
    { cash: ['EU261', null], ent: [['EU261', 'meal', 'in-kind']], clause: ['EU261.5.3'] },
  ],
  [
    'EU261 care: short-haul departure delay 2 h → meal and communication',
    { route: 'CDG-AMS', carrier: 'AF', dep: 120, arr: 110, cause: 'MECHANICAL' },
    {
      ent: [
        ['EU261', 'meal', 'in-kind'],
        ['EU261', 'communication', 'in-kind'],
      ],
      cash: ['EU261', null],
    },
  ],
  [
    'EU261 care: medium-haul departure delay 2 h 59 → no meal yet',
    { route: 'BCN-HEL', carrier: 'AY', dep: 179, arr: 170, cause: 'MECHANICAL' },
    { none: [['EU261', 'meal']] },
  ],
  [
    'EU261 downgrade long-haul → 75 % of fare',
    { route: 'FRA-JFK', kind: 'DOWNGRADE', fare: [200000, 'EUR'] },
    { ent: [['EU261', 'downgrade_refund', 150000, 'EUR']], clause: ['EU261.10.2.c'] },
  ],
  [
    'EU261 downgrade Paris–Réunion (French DOM) → 75 %, rounded half-up',
    { route: 'CDG-RUN', carrier: 'AF', kind: 'DOWNGRADE', fare: [100001, 'EUR'] },
    { ent: [['EU261', 'downgrade_refund', 75001, 'EUR']] },
  ],
  [
    'EU261 downgrade short-haul → 30 %, rounded',
    { route: 'CDG-AMS', carrier: 'AF', kind: 'DOWNGRADE', fare: [15001, 'EUR'] },
    { ent: [['EU261', 'downgrade_refund', 4500, 'EUR']], clause: ['EU261.10.2.a'] },
  ],
  [
    'EU261 downgrade intra-EU 3,365 km → 50 %',
    { route: 'LIS-HEL', carrier: 'TP', kind: 'DOWNGRADE', fare: [30000, 'EUR'] },
    { ent: [['EU261', 'downgrade_refund', 15000, 'EUR']], clause: ['EU261.10.2.b'] },
  ],
  [
    'EU261 downgrade without a fare → needs review',
    { route: 'LIS-HEL', carrier: 'TP', kind: 'DOWNGRADE' },
    { review: 'fare' },
  ],
  [
    'EU261 overnight delay → hotel and transport',
    { route: 'CDG-AMS', carrier: 'AF', date: '2025-06-10T18:00:00Z', dep: 12 * H, arr: 12 * H, cause: 'MECHANICAL' },
    {
      ent: [
        ['EU261', 'hotel', 'in-kind'],
        ['EU261', 'transport', 'in-kind'],
      ],
      periods: ['EU261', 'hotel', 1],
    },
  ],
  [
    'EU261 unknown cause code → compensation with review',
    { route: 'CDG-AMS', carrier: 'AF', arr: 200, cause: 'FOO' },
    { cash: ['EU261', 25000, 'EUR'], review: 'FOO' },
  ],
  [
    'EU261 diversion arriving 3 h 30 late → €250',
    { route: 'CDG-AMS', carrier: 'AF', kind: 'DIVERSION', arr: 210, cause: 'MECHANICAL' },
    { cash: ['EU261', 25000, 'EUR'] },
  ],

  // ───── UK261 ─────
  [
    'UK261 LHR–JFK 3 h 30 → £260',
    { route: 'LHR-JFK', carrier: 'BA', arr: 210, cause: 'MECHANICAL' },
    { cash: ['UK261', 26000, 'GBP'], primary: 'UK261' },
  ],
  [
    'UK261 LHR–JFK 5 h → £520',
    { route: 'LHR-JFK', carrier: 'BA', arr: 300, cause: 'MECHANICAL' },
    { cash: ['UK261', 52000, 'GBP'] },
  ],
  [
    'UK261 EDI–LHR 3 h → £220',
    { route: 'EDI-LHR', carrier: 'BA', arr: 180, cause: 'MECHANICAL' },
    { cash: ['UK261', 22000, 'GBP'] },
  ],
  [
    'UK261 LHR–ATH 2,426 km (UK–EU) → £350',
    { route: 'LHR-ATH', carrier: 'BA', kind: 'CANCELLATION', notice: 60, cause: 'CREW' },
    { cash: ['UK261', 35000, 'GBP'] },
  ],
  [
    'UK + EU both apply LHR–CDG on AF: UK261 primary, EU261 deducted (Art 12)',
    { route: 'LHR-CDG', carrier: 'AF', arr: 190, cause: 'MECHANICAL' },
    { primary: 'UK261', cash: ['UK261', 22000, 'GBP'], payable: ['EU261', 'cash', false], clause: ['EU261.12'] },
  ],
  [
    'CDG–LHR on AF: EU261 primary (departure), UK261 deducted',
    { route: 'CDG-LHR', carrier: 'AF', arr: 190, cause: 'MECHANICAL' },
    { primary: 'EU261', cash: ['EU261', 25000, 'EUR'], payable: ['UK261', 'cash', false], clause: ['UK261.12'] },
  ],
  [
    'JFK–LHR on DL: neither UK261 nor EU261',
    { route: 'JFK-LHR', carrier: 'DL', arr: 300, cause: 'MECHANICAL' },
    {
      applies: [
        ['UK261', false],
        ['EU261', false],
      ],
    },
  ],
  [
    'UK261 denied boarding short-haul, re-routed within 2 h → £110',
    { route: 'EDI-LHR', carrier: 'BA', kind: 'DENIED_BOARDING', reroute: { dep: 60, arr: 90 } },
    { cash: ['UK261', 11000, 'GBP'], clause: ['UK261.7.2.a'] },
  ],

  // ───── APPR ─────
  [
    'APPR large carrier, arrival exactly 3 h late → $400',
    { route: 'YYZ-YVR', carrier: 'AC', arr: 180, cause: 'MECHANICAL' },
    { cash: ['APPR', 40000, 'CAD'], clause: ['APPR.19.1.a.i'] },
  ],
  [
    'APPR arrival 2 h 59 late → nothing',
    { route: 'YYZ-YVR', carrier: 'AC', arr: 179, cause: 'MECHANICAL' },
    { cash: ['APPR', null], clause: ['APPR.19.THRESHOLD'] },
  ],
  [
    'APPR large 6 h → $700',
    { route: 'YYZ-YVR', carrier: 'AC', arr: 360, cause: 'MECHANICAL' },
    { cash: ['APPR', 70000, 'CAD'] },
  ],
  [
    'APPR large 9 h → $1,000',
    { route: 'YYZ-YVR', carrier: 'AC', arr: 540, cause: 'MECHANICAL' },
    { cash: ['APPR', 100000, 'CAD'] },
  ],
  [
    'APPR small carrier 4 h → $125',
    { route: 'YVR-YZT', carrier: '8P', arr: 240, cause: 'MECHANICAL' },
    { cash: ['APPR', 12500, 'CAD'], clause: ['APPR.19.1.b.i'] },
  ],
  [
    'APPR small carrier 6 h 30 → $250',
    { route: 'YVR-YZT', carrier: '8P', arr: 390, cause: 'MECHANICAL' },
    { cash: ['APPR', 25000, 'CAD'] },
  ],
  [
    'APPR small carrier 10 h → $500',
    { route: 'YVR-YZT', carrier: '8P', arr: 600, cause: 'MECHANICAL' },
    { cash: ['APPR', 50000, 'CAD'] },
  ],
  [
    'APPR weather → outside control, no compensation, no meal',
    { route: 'YYZ-YVR', carrier: 'AC', dep: 300, arr: 300, cause: 'WEATHER' },
    { cash: ['APPR', null], clause: ['APPR.10'], none: [['APPR', 'meal']] },
  ],
  [
    'APPR safety → no compensation but meal at 2 h',
    { route: 'YYZ-YVR', carrier: 'AC', dep: 200, arr: 200, cause: 'SAFETY' },
    { cash: ['APPR', null], clause: ['APPR.11'], ent: [['APPR', 'meal', 'in-kind']] },
  ],
  [
    'APPR denied boarding, 5 h late → $900',
    { route: 'YUL-YYZ', carrier: 'AC', kind: 'DENIED_BOARDING', cause: 'MECHANICAL', reroute: { dep: 280, arr: 300 } },
    { cash: ['APPR', 90000, 'CAD'] },
  ],
  [
    'APPR denied boarding, 7 h late → $1,800',
    { route: 'YUL-YYZ', carrier: 'AC', kind: 'DENIED_BOARDING', cause: 'MECHANICAL', reroute: { dep: 400, arr: 420 } },
    { cash: ['APPR', 180000, 'CAD'] },
  ],
  [
    'APPR denied boarding, 10 h late → $2,400',
    { route: 'YUL-YYZ', carrier: 'AC', kind: 'DENIED_BOARDING', cause: 'MECHANICAL', reroute: { dep: 580, arr: 600 } },
    { cash: ['APPR', 240000, 'CAD'] },
  ],
  [
    'APPR passenger chose a refund, large carrier → $400',
    { route: 'YYZ-YVR', carrier: 'AC', kind: 'CANCELLATION', notice: 60, cause: 'CREW', choice: 'refund' },
    { cash: ['APPR', 40000, 'CAD'], clause: ['APPR.19.2.a'] },
  ],
  [
    'APPR passenger chose a refund, small carrier → $125',
    { route: 'YVR-YZT', carrier: '8P', kind: 'CANCELLATION', notice: 60, cause: 'CREW', choice: 'refund' },
    { cash: ['APPR', 12500, 'CAD'] },
  ],
  [
    'APPR boundary: notice exactly 14 days → compensation still due',
    {
      route: 'YYZ-YVR',
      carrier: 'AC',
      kind: 'CANCELLATION',
      notice: 14 * D,
      cause: 'CREW',
      reroute: { dep: 200, arr: 200 },
    },
    { cash: ['APPR', 40000, 'CAD'] },
  ],
  [
    'APPR notice 14 days + 1 min → nothing',
    {
      route: 'YYZ-YVR',
      carrier: 'AC',
      kind: 'CANCELLATION',
      notice: 14 * D + 1,
      cause: 'CREW',
      reroute: { dep: 200, arr: 200 },
    },
    { cash: ['APPR', null], clause: ['APPR.19.NOTICE'] },
  ],
  [
    'APPR unknown carrier → needs review naming the carrier',
    { route: 'YYZ-YUL', carrier: 'ZZ', arr: 240, cause: 'MECHANICAL' },
    { cash: ['APPR', null], review: 'carrier ZZ' },
  ],
  [
    'FRA–YYZ on LH 10 h: EU261 primary €600; APPR $1,000 barred',
    { route: 'FRA-YYZ', carrier: 'LH', arr: 600, cause: 'MECHANICAL' },
    { primary: 'EU261', cash: ['EU261', 60000, 'EUR'], payable: ['APPR', 'cash', false], clause: ['APPR.19.BAR'] },
  ],

  // ───── US DOT ─────
  [
    'US DBC domestic, substitute 1 h 30 late → 200 % of fare',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [20000, 'USD'], reroute: { dep: 80, arr: 90 } },
    { cash: ['US_DOT', 40000, 'USD'], clause: ['US.250.5.a.2'] },
  ],
  [
    'US DBC domestic, substitute exactly 2 h late → 400 %',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [20000, 'USD'], reroute: { dep: 110, arr: 120 } },
    { cash: ['US_DOT', 80000, 'USD'], clause: ['US.250.5.a.3'] },
  ],
  [
    'US DBC 400 % capped at $2,150 (2025 caps)',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], reroute: { dep: 170, arr: 180 } },
    { cash: ['US_DOT', 215000, 'USD'] },
  ],
  [
    'US DBC 400 % capped at $1,550 before 22 Jan 2025',
    {
      route: 'PHX-DAL',
      carrier: 'SW',
      date: '2024-11-01T15:00:00Z',
      kind: 'DENIED_BOARDING',
      fare: [60000, 'USD'],
      reroute: { dep: 170, arr: 180 },
    },
    { cash: ['US_DOT', 155000, 'USD'] },
  ],
  [
    'US DBC international, substitute 3 h late → 200 % capped at $1,075',
    { route: 'JFK-LHR', carrier: 'AA', kind: 'DENIED_BOARDING', fare: [60000, 'USD'], reroute: { dep: 170, arr: 180 } },
    { cash: ['US_DOT', 107500, 'USD'] },
  ],
  [
    'US DBC substitute within 1 h → nothing',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [20000, 'USD'], reroute: { dep: 40, arr: 45 } },
    { cash: ['US_DOT', null], clause: ['US.250.5.a.1'] },
  ],
  [
    'US DBC no alternative → 400 %',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', fare: [10000, 'USD'] },
    { cash: ['US_DOT', 40000, 'USD'] },
  ],
  [
    'US DBC without a fare → needs review',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'DENIED_BOARDING', reroute: { dep: 170, arr: 180 } },
    { review: 'fare' },
  ],
  [
    'US cancellation, refund chosen → automatic refund of the fare',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'CANCELLATION', fare: [25000, 'USD'], choice: 'refund' },
    { ent: [['US_DOT', 'refund', 25000, 'USD']], clause: ['US.260.6.CANCELLED'] },
  ],
  [
    'US domestic delay 3 h, refund chosen → significant change refund',
    { route: 'PHX-DAL', carrier: 'SW', arr: 180, fare: [25000, 'USD'], choice: 'refund', cause: 'WEATHER' },
    { ent: [['US_DOT', 'refund', 25000, 'USD']] },
  ],
  [
    'US domestic delay 2 h 59, refund chosen → no automatic refund',
    { route: 'PHX-DAL', carrier: 'SW', arr: 179, fare: [25000, 'USD'], choice: 'refund', cause: 'WEATHER' },
    { none: [['US_DOT', 'refund']] },
  ],

  // ───── goodwill (demo airline SW) ─────
  [
    'Goodwill meal voucher at 2 h, A-LIST PREFERRED → $25 automatic',
    { route: 'PHX-OAK', carrier: 'SW', dep: 120, tier: 'A-LIST PREFERRED', cause: 'WEATHER' },
    { ent: [['goodwill', 'meal', 2500, 'USD']], clause: ['GOODWILL.MEAL.ALP'] },
  ],
  [
    'Goodwill meal A-LIST → $20',
    { route: 'PHX-OAK', carrier: 'SW', dep: 130, tier: 'A-LIST', cause: 'WEATHER' },
    { ent: [['goodwill', 'meal', 2000, 'USD']] },
  ],
  [
    'Goodwill meal MEMBER → $15',
    { route: 'PHX-OAK', carrier: 'SW', dep: 130, tier: 'MEMBER', cause: 'WEATHER' },
    { ent: [['goodwill', 'meal', 1500, 'USD']] },
  ],
  [
    'Goodwill 1 h 59 → no meal voucher',
    { route: 'PHX-OAK', carrier: 'SW', dep: 119, tier: 'A-LIST', cause: 'MECHANICAL' },
    { none: [['goodwill', 'meal']] },
  ],
  [
    'Goodwill controllable 3 h, A-LIST → $150 travel credit',
    { route: 'PHX-OAK', carrier: 'SW', dep: 180, tier: 'A-LIST', cause: 'MECHANICAL' },
    {
      ent: [
        ['goodwill', 'travel_credit', 15000, 'USD'],
        ['goodwill', 'meal', 2000, 'USD'],
      ],
    },
  ],
  [
    'Goodwill weather 3 h → meal but no travel credit',
    { route: 'PHX-OAK', carrier: 'SW', dep: 180, tier: 'A-LIST', cause: 'WEATHER' },
    { none: [['goodwill', 'travel_credit']], ent: [['goodwill', 'meal', 2000, 'USD']] },
  ],
  [
    'Goodwill overnight crew delay → hotel and transport vouchers',
    { route: 'PHX-OAK', carrier: 'SW', date: '2025-06-10T04:00:00Z', dep: 10 * H, cause: 'CREW', tier: 'MEMBER' },
    {
      ent: [
        ['goodwill', 'hotel', 15000, 'USD'],
        ['goodwill', 'transport', 3000, 'USD'],
      ],
    },
  ],
  [
    'Goodwill overnight ATC delay → no hotel',
    { route: 'PHX-OAK', carrier: 'SW', date: '2025-06-10T04:00:00Z', dep: 10 * H, cause: 'ATC' },
    { none: [['goodwill', 'hotel']] },
  ],
  [
    'Goodwill cancellation → meal voucher and rebooking/refund',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'CANCELLATION', tier: 'A-LIST PREFERRED', cause: 'MECHANICAL' },
    {
      ent: [
        ['goodwill', 'meal', 2500, 'USD'],
        ['goodwill', 'rebooking_or_refund', 'in-kind'],
      ],
    },
  ],

  // ───── Montreal Convention (XDR) ─────
  [
    'MC99 lost bag 2025 → 1,519 SDR limit (not payable)',
    { route: 'FRA-JFK', kind: 'BAGGAGE_LOST' },
    { ent: [['MC99', 'baggage_liability_limit', 151900, 'XDR']], payable: ['MC99', 'baggage_liability_limit', false] },
  ],
  [
    'MC99 delayed bag 2022 → 1,288 SDR',
    { route: 'FRA-JFK', date: '2022-05-01T10:00:00Z', kind: 'BAGGAGE_DELAYED' },
    { ent: [['MC99', 'baggage_liability_limit', 128800, 'XDR']] },
  ],
  [
    'MC99 damaged bag 2018 → 1,131 SDR',
    { route: 'FRA-JFK', date: '2018-05-01T10:00:00Z', kind: 'BAGGAGE_DAMAGED' },
    { ent: [['MC99', 'baggage_liability_limit', 113100, 'XDR']] },
  ],
  [
    'MC99 domestic journey → does not apply',
    { route: 'PHX-DAL', carrier: 'SW', kind: 'BAGGAGE_LOST' },
    { applies: [['MC99', false]] },
  ],

  // ───── SHY-Yolcu (TRY) ─────
  [
    'SHY domestic cancellation → €100 paid in TRY at 35.5',
    {
      route: 'IST-ESB',
      carrier: 'TK',
      kind: 'CANCELLATION',
      notice: 60,
      cause: 'TECHNICAL',
      fx: { 'EUR/TRY': '35.5' },
    },
    { cash: ['SHY', 355000, 'TRY'], clause: ['SHY.8.1.a', 'SHY.8.TRY'] },
  ],
  [
    'SHY IST–FRA 1,838 km on TK → €400 in TRY at 36.1234',
    {
      route: 'IST-FRA',
      carrier: 'TK',
      kind: 'CANCELLATION',
      notice: 60,
      cause: 'TECHNICAL',
      fx: { 'EUR/TRY': '36.1234' },
    },
    { cash: ['SHY', 1444936, 'TRY'] },
  ],
  [
    'SHY without the sale-date rate → EUR amount and review',
    { route: 'IST-ESB', carrier: 'TK', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
    { cash: ['SHY', 10000, 'EUR'], review: 'EUR/TRY' },
  ],
  [
    'SHY denied boarding re-routed within 2 h → halved',
    {
      route: 'IST-ESB',
      carrier: 'TK',
      kind: 'DENIED_BOARDING',
      reroute: { dep: 60, arr: 100 },
      fx: { 'EUR/TRY': '35.5' },
    },
    { cash: ['SHY', 177500, 'TRY'], clause: ['SHY.8.2'] },
  ],
  [
    'SHY delay → no cash (SHY compensates cancellation and DB only)',
    { route: 'IST-ESB', carrier: 'TK', dep: 300, arr: 300, cause: 'TECHNICAL' },
    { cash: ['SHY', null], ent: [['SHY', 'meal', 'in-kind']] },
  ],

  // ───── India CAR (INR) ─────
  [
    'India cancellation 2 days notice, block 2 h 10, fare ₹8,000 → fare is lower',
    {
      route: 'DEL-BOM',
      carrier: '6E',
      kind: 'CANCELLATION',
      notice: 2 * D,
      cause: 'CREW',
      fare: [800000, 'INR'],
      blockMin: 130,
    },
    { cash: ['IN_CAR', 800000, 'INR'], clause: ['IN_CAR.3.2.c.iii'] },
  ],
  [
    'India cancellation block 55 min, fare ₹9,000 → ₹5,000',
    {
      route: 'DEL-BOM',
      carrier: '6E',
      kind: 'CANCELLATION',
      notice: 2 * D,
      cause: 'CREW',
      fare: [900000, 'INR'],
      blockMin: 55,
    },
    { cash: ['IN_CAR', 500000, 'INR'] },
  ],
  [
    'India denied boarding, alternate 5 h later → 200 % of fare',
    {
      route: 'DEL-BOM',
      carrier: 'AI',
      kind: 'DENIED_BOARDING',
      fare: [400000, 'INR'],
      reroute: { dep: 300, arr: 300 },
    },
    { cash: ['IN_CAR', 800000, 'INR'], clause: ['IN_CAR.3.1.b'] },
  ],
  [
    'India denied boarding, alternate 30 h later → 400 % capped at ₹20,000',
    {
      route: 'DEL-BOM',
      carrier: 'AI',
      kind: 'DENIED_BOARDING',
      fare: [600000, 'INR'],
      reroute: { dep: 30 * H, arr: 30 * H },
    },
    { cash: ['IN_CAR', 2000000, 'INR'] },
  ],
  [
    'India denied boarding, alternate within 1 h → nothing',
    { route: 'DEL-BOM', carrier: 'AI', kind: 'DENIED_BOARDING', fare: [600000, 'INR'], reroute: { dep: 45, arr: 50 } },
    { cash: ['IN_CAR', null], clause: ['IN_CAR.3.1.a'] },
  ],
  [
    'India weather cancellation → exempt',
    { route: 'DEL-BOM', carrier: '6E', kind: 'CANCELLATION', notice: 60, cause: 'WEATHER', fare: [800000, 'INR'] },
    { cash: ['IN_CAR', null], clause: ['IN_CAR.3.EXEMPT'] },
  ],

  // ───── Israel ASL (ILS) ─────
  [
    'Israel TLV–ATH cancellation 2025 → ₪1,440',
    { route: 'TLV-ATH', carrier: 'LY', kind: 'CANCELLATION', notice: 60, cause: 'TECHNICAL' },
    { cash: ['IL_ASL', 144000, 'ILS'] },
  ],
  [
    'Israel TLV–ATH cancellation 2023 (earlier index) → ₪1,320',
    {
      route: 'TLV-ATH',
      carrier: 'LY',
      date: '2023-03-01T10:00:00Z',
      kind: 'CANCELLATION',
      notice: 60,
      cause: 'TECHNICAL',
    },
    { cash: ['IL_ASL', 132000, 'ILS'] },
  ],
  [
    'Israel TLV–JFK departure delay 8 h → treated as cancellation, ₪3,460',
    { route: 'TLV-JFK', carrier: 'LY', dep: 480, arr: 480, cause: 'TECHNICAL' },
    { cash: ['IL_ASL', 346000, 'ILS'] },
  ],
  [
    'Israel departure delay 7 h 59 → nothing',
    { route: 'TLV-JFK', carrier: 'LY', dep: 479, arr: 479, cause: 'TECHNICAL' },
    { cash: ['IL_ASL', null], clause: ['IL_ASL.6.DELAY_UNDER_8H'] },
  ],
  [
    'Israel re-routing arrives within 4 h on ≤ 2,000 km → halved ₪720',
    {
      route: 'TLV-ATH',
      carrier: 'LY',
      kind: 'CANCELLATION',
      notice: 60,
      cause: 'TECHNICAL',
      reroute: { dep: 120, arr: 180 },
    },
    { cash: ['IL_ASL', 72000, 'ILS'] },
  ],

  // ───── Brazil ANAC (BRL, care only) ─────
  [
    'Brazil 2 h wait → meal voucher R$50 and communication',
    { route: 'GRU-GIG', carrier: 'G3', dep: 120, cause: 'WEATHER' },
    {
      ent: [
        ['BR_ANAC', 'meal', 5000, 'BRL'],
        ['BR_ANAC', 'communication', 'in-kind'],
      ],
      cash: ['BR_ANAC', null],
    },
  ],
  [
    'Brazil 59 min → nothing',
    { route: 'GRU-GIG', carrier: 'G3', dep: 59, cause: 'WEATHER' },
    {
      none: [
        ['BR_ANAC', 'meal'],
        ['BR_ANAC', 'communication'],
      ],
    },
  ],
  [
    'Brazil overnight 5 h → lodging, even under force majeure',
    { route: 'GRU-GIG', carrier: 'G3', date: '2025-06-10T23:00:00Z', dep: 300, cause: 'WEATHER' },
    { ent: [['BR_ANAC', 'hotel', 'in-kind']] },
  ],

  // ───── missing reference data ─────
  [
    'Unknown airport → needs review naming it, no crash',
    { route: 'ZZZ-FRA', carrier: 'DL', arr: 300, cause: 'MECHANICAL' },
    { review: 'airport ZZZ', applies: [['EU261', null]] },
  ],
  [
    'Unknown destination airport, EU departure → EU261 applies, band unknown',
    { route: 'FRA-ZZZ', arr: 300, cause: 'MECHANICAL' },
    { review: 'airport ZZZ', applies: [['EU261', true]], cash: ['EU261', null] },
  ],
  [
    'Unknown carrier on an arrival-scope route → undecided',
    { route: 'JFK-FRA', carrier: 'ZZ', arr: 300, cause: 'MECHANICAL' },
    { review: 'carrier ZZ', applies: [['EU261', null]] },
  ],
];

describe('policy regimes (table)', () => {
  it('has at least 80 cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  describe.each(rows)('%s', (_name, spec, exp) => {
    const d = evaluate(makeCase(spec), P);

    it('matches the expected outcome', () => {
      if (exp.cash) {
        const [regime, minor, currency] = exp.cash;
        const payable = d.entitlements.filter(
          (e) => e.regime === regime && e.type === 'cash' && e.payable && e.amount && e.amount.amountMinor > 0,
        );
        if (minor === null) expect(payable).toEqual([]);
        else {
          expect(payableCash(d, regime)).toBe(minor);
          expect(payable[0]!.amount!.currency).toBe(currency);
        }
      }
      for (const [regime, type, minor, currency] of exp.ent ?? []) {
        const e = entitlement(d, regime, type);
        expect(e, `${regime} ${type}`).toBeDefined();
        if (minor === 'in-kind') expect(e!.amount).toBeNull();
        else expect(e!.amount).toEqual({ amountMinor: minor, currency });
        expect(e!.clauses.length).toBeGreaterThan(0);
      }
      for (const [regime, type] of exp.none ?? [])
        expect(entitlement(d, regime, type), `${regime} ${type}`).toBeUndefined();
      for (const id of exp.clause ?? []) expect(allClauseIds(d)).toContain(id);
      for (const [regime, applies] of exp.applies ?? [])
        expect(d.regimes.find((r) => r.regime === regime)!.applies).toBe(applies);
      if (exp.review) expect(d.needsReview.join(' | ')).toContain(exp.review);
      if (exp.noReview) expect(d.needsReview).toEqual([]);
      if (exp.primary !== undefined) expect(d.primaryRegime).toBe(exp.primary);
      if (exp.periods) {
        const [regime, type, n] = exp.periods;
        expect(d.entitlements.filter((e) => e.regime === regime && e.type === type).map((e) => e.carePeriod)).toEqual(
          Array.from({ length: n }, (_, i) => `${type === 'meal' ? 'D' : 'N'}${i + 1}`),
        );
      }
      if (exp.distance !== undefined) expect(d.facts.distanceKm).toBe(exp.distance);
      if (exp.payable) {
        const [regime, type, payable] = exp.payable;
        expect(entitlement(d, regime, type)?.payable).toBe(payable);
      }
    });

    it('explains every entitlement with clause ids and inputs', () => {
      for (const e of d.entitlements) {
        for (const c of e.clauses) {
          expect(c.id).toMatch(/^[A-Za-z0-9_.-]+$/);
          expect(c.reason.length).toBeGreaterThan(10);
          expect(c.reason).not.toMatch(/\{\w+\}/);
        }
      }
    });
  });
});

describe('every currency appears in some decision', () => {
  it.each(['EUR', 'GBP', 'CAD', 'USD', 'TRY', 'INR', 'ILS', 'BRL', 'XDR'])('%s', (cur) => {
    const found = rows.some(([, spec]) =>
      evaluate(makeCase(spec), P).entitlements.some((e) => e.amount?.currency === cur),
    );
    expect(found).toBe(true);
  });
});

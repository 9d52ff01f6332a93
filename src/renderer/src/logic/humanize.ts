import { i18n } from '../i18n/index.js';

/**
 * Every raw code the desk receives, in plain words (issue #12). One module so a new code is added
 * in one place; each helper returns the words and the raw code, and the UI shows the words with the
 * raw code in a tooltip (`title`). English is the source text here; other languages translate it in
 * `i18n/locales/<lang>/humanize.json` under the same keys. An unknown code is shown as it came
 * (underscores as spaces), never hidden.
 */
export interface Humanized {
  text: string;
  /** The code as received, for the tooltip. */
  raw: string;
}

const t = (key: string, en: string, vars: Record<string, unknown> = {}): string =>
  i18n.t(key, { ns: 'humanize', defaultValue: en, ...vars });

const unknownCode = (code: string): string => code.replaceAll('_', ' ').toLowerCase();

/** FlightPulse delay/cancellation reasons and IATA standard delay codes (AHM 730), by code. */
const CAUSES: Record<string, string> = {
  WEATHER: 'Weather',
  MECHANICAL: 'Technical problem with the aircraft',
  ATC: 'Air traffic control restrictions',
  CREW: 'Crew availability',
  SECURITY: 'Security',
  STRIKE: 'Strike',
  OPERATIONAL: 'Operational reasons',
  '11': 'Late check-in acceptance',
  '12': 'Late check-in, congestion',
  '13': 'Check-in error',
  '14': 'Oversales or booking error',
  '15': 'Boarding (missing passengers)',
  '16': 'Commercial or passenger convenience',
  '17': 'Catering order',
  '18': 'Baggage processing',
  '31': 'Aircraft documents late',
  '32': 'Loading or unloading',
  '33': 'Loading equipment',
  '34': 'Servicing equipment',
  '35': 'Aircraft cleaning',
  '36': 'Fuelling',
  '37': 'Catering',
  '38': 'Containers and pallets',
  '39': 'Ground technical equipment',
  '41': 'Aircraft defect',
  '42': 'Scheduled maintenance, late release',
  '43': 'Unscheduled maintenance',
  '44': 'Spares and maintenance equipment',
  '45': 'Spare parts awaited (aircraft on ground)',
  '46': 'Aircraft change (technical)',
  '47': 'Standby aircraft',
  '48': 'Cabin configuration',
  '51': 'Damage in flight',
  '52': 'Damage on the ground',
  '55': 'Departure control system',
  '57': 'Flight plan system',
  '58': 'Other IT systems',
  '61': 'Flight plan, late or changed',
  '62': 'Fuel or load change',
  '63': 'Late crew boarding',
  '64': 'Flight crew shortage',
  '65': 'Flight crew special request',
  '66': 'Late cabin crew boarding',
  '67': 'Cabin crew shortage',
  '68': 'Cabin crew error or request',
  '69': 'Captain’s security check',
  '71': 'Weather at departure airport',
  '72': 'Weather at destination',
  '73': 'Weather en route or at alternate',
  '75': 'De-icing the aircraft',
  '76': 'Clearing snow or ice from the airport',
  '77': 'Ground handling slowed by weather',
  '81': 'Air traffic flow (en-route capacity)',
  '82': 'Air traffic flow (ATC staff or equipment)',
  '83': 'Air traffic flow (destination airport)',
  '84': 'Air traffic flow (destination weather)',
  '85': 'Mandatory security',
  '86': 'Immigration, customs or health',
  '87': 'Airport facilities',
  '88': 'Restrictions at destination airport',
  '89': 'Restrictions at departure airport',
  '91': 'Waiting for connecting passengers or load',
  '92': 'Through check-in error',
  '93': 'Late inbound aircraft',
  '94': 'Cabin crew from a late flight',
  '95': 'Crew from a late flight',
  '96': 'Operations control decision',
  '97': 'Industrial action (own airline)',
  '98': 'Industrial action (others)',
  '99': 'Other reason',
};

/** A delay or cancellation cause (`WEATHER`, IATA `41`) in words. */
export function causeLabel(code: string): Humanized {
  const key = code.trim().toUpperCase();
  const en = CAUSES[key];
  return { text: en ? t(`cause.${key}`, en) : unknownCode(code), raw: code };
}

/** Minutes as `45 min`, `2 h`, `5 h 20 min`. */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('duration.m', '{{m}} min', { m });
  if (m === 0) return t('duration.h', '{{h}} h', { h });
  return t('duration.hm', '{{h}} h {{m}} min', { h, m });
}

const DELAY_CODES = /^\s*\d{2}[A-Z]?\s*:\s*\d+\s*(,\s*\d{2}[A-Z]?\s*:\s*\d+\s*)*$/;

/**
 * A cause detail: IATA delay codes with minutes as the feed sends them (`41:300,93:20`) become
 * `Aircraft defect 5 h · Late inbound aircraft 20 min`; free text (remarks) is kept as written.
 */
export function causeDetailLabel(detail: string): Humanized {
  if (!DELAY_CODES.test(detail)) return { text: detail, raw: detail };
  const text = detail
    .split(',')
    .map((part) => {
      const [code, min] = part.split(':').map((x) => x.trim()) as [string, string];
      return `${causeLabel(code).text} ${duration(Number(min))}`;
    })
    .join(' · ');
  return { text, raw: detail };
}

/**
 * An entitlement's care period: `EVENT` (once for the disruption) → `once`, `D1` → `day 1`,
 * `N2` → `night 2`; a combined `EVENT/D1` is humanized part by part.
 */
export function carePeriodLabel(period: string): Humanized {
  const one = (p: string): string => {
    if (p === 'EVENT') return t('period.event', 'once');
    const m = /^(D|N|day|night)\s*(\d+)$/i.exec(p);
    if (m) {
      const night = m[1]!.toUpperCase().startsWith('N');
      return night ? t('period.night', 'night {{n}}', { n: Number(m[2]) }) : t('period.day', 'day {{n}}', { n: Number(m[2]) });
    }
    return unknownCode(p);
  };
  return { text: period.split('/').map(one).join(' · '), raw: period };
}

const SOURCES: Record<string, string> = {
  operations_center: 'Operations control centre',
  airport_ops: 'Airport operations',
  flightpulse: 'FlightPulse feed',
  jetway: 'Jetway',
  desk: 'Gate desk',
  simulator: 'Simulator',
};

/** Where a flight event came from (`operations_center`) in words. */
export function eventSourceLabel(source: string): Humanized {
  const key = source.trim().toLowerCase();
  const en = SOURCES[key];
  return { text: en ? t(`source.${key}`, en) : unknownCode(source), raw: source };
}

const REJECTIONS: Record<string, string> = {
  LIMIT_EXCEEDED: 'Above your issue limit',
  DAILY_LIMIT_EXCEEDED: 'Your daily issue limit is reached',
  ABOVE_APPROVER_LIMIT: 'Above the approver’s limit',
  ALREADY_ISSUED: 'Already issued',
  ALREADY_PENDING: 'A change is waiting to sync',
  ALREADY_DECIDED: 'Already decided',
  ALREADY_REDEEMED: 'Already redeemed',
  ALREADY_RESOLVED: 'Already resolved',
  APPROVAL_EXPIRED: 'The approval expired',
  AGREEMENT_REQUIRED: 'The passenger’s agreement is needed',
  AUTHOR_MISMATCH: 'Sent by another user',
  BAD_SIGNATURE: 'The desk’s signature did not check',
  CASE_CLOSED: 'The case is closed',
  CASE_TAKEN: 'Another agent has the case',
  CASH_NOT_BULK: 'Cash is never issued in bulk',
  CHECKED_IN: 'The passenger is checked in',
  CHOICE_ALREADY_RECORDED: 'The passenger already chose',
  CONFIRMATION_REQUIRED: 'Needs a confirmation',
  DESK_NOT_ENROLLED: 'This desk is not enrolled',
  DESK_REVOKED: 'This desk was revoked',
  DUPLICATE_SERIAL: 'Voucher serial already used',
  FORBIDDEN_ROLE: 'Your role may not do this',
  FORBIDDEN_STATION: 'Not one of your stations',
  INVALID_CARE: 'Not valid care for this case',
  INVALID_PAYLOAD: 'The request was malformed',
  NEEDS_APPROVAL: 'Needs a supervisor’s approval',
  NEEDS_REBOOKING: 'Rebook the passenger first',
  NOT_ASSIGNEE: 'The case is assigned to someone else',
  NOT_ELIGIBLE: 'Not eligible',
  NOT_FOUND: 'Not found on the server',
  NOT_ISSUABLE: 'Cannot be issued now',
  NOT_NEEDED: 'Not needed',
  NOT_VOIDABLE: 'Cannot be voided',
  NO_POLICY: 'No policy covers this flight',
  OFFLINE_CAP_EXCEEDED: 'Above the offline limit',
  OFFLINE_CASH: 'No cash while offline',
  SELF_APPROVAL: 'You cannot approve your own request',
  SERIAL_NOT_ALLOCATED: 'Voucher serial not allocated to this desk',
  SIGNED_OUT: 'Signed out before it was sent',
  UNKNOWN_APPROVAL: 'Unknown approval',
  VERSION_CONFLICT: 'Changed by someone else meanwhile',
};

/** A rejection or refusal code (`LIMIT_EXCEEDED`) in words. */
export function rejectionLabel(code: string): Humanized {
  const en = REJECTIONS[code];
  return { text: en ? t(`rejection.${code}`, en) : unknownCode(code), raw: code };
}

const REVIEW_REASONS: Record<string, string> = {
  cause: 'the delay cause',
  causeCode: 'the delay cause',
  delay: 'the delay length',
  distance: 'the flight distance',
  arrival: 'the arrival time',
  arrivalTime: 'the arrival time',
  notice: 'when the passenger was told',
  noticeGivenAt: 'when the passenger was told',
  airport: 'an airport',
  fare: 'the fare paid',
  ticketPrice: 'the ticket price',
  contact: 'the passenger’s contact',
};

/** A case's needs-review item (what the policy engine was missing), e.g. `cause` → `the delay cause`. */
export function reviewReasonLabel(code: string): Humanized {
  const en = REVIEW_REASONS[code];
  return { text: en ? t(`review.${code}`, en) : code.replace(/([a-z])([A-Z])/g, '$1 $2').replaceAll('_', ' ').toLowerCase(), raw: code };
}

/** Regimes (policy documents' `regime`): the name an agent knows, and the policy document that holds it. */
const REGIMES: Record<string, { name: string; policy: string }> = {
  EU261: { name: 'EU261', policy: 'eu261' },
  UK261: { name: 'UK261', policy: 'uk261' },
  US_DOT: { name: 'US DOT', policy: 'us-dot' },
  APPR: { name: 'APPR (Canada)', policy: 'appr' },
  MC99: { name: 'Montreal Convention', policy: 'montreal' },
  SHY: { name: 'SHY (Turkey)', policy: 'shy' },
  IN_CAR: { name: 'CAR (India)', policy: 'india-car' },
  IL_ASL: { name: 'ASL (Israel)', policy: 'israel-asl' },
  BR_ANAC: { name: 'ANAC (Brazil)', policy: 'brazil-anac' },
  GOODWILL: { name: 'Goodwill', policy: 'goodwill' },
};

/** A regime code (`US_DOT`, `MC99`) as agents name it (`US DOT`, `Montreal Convention`). */
export function regimeLabel(regime: string): Humanized {
  const r = REGIMES[regime.toUpperCase()];
  return { text: r ? t(`regime.${regime.toUpperCase()}`, r.name) : unknownCode(regime), raw: regime };
}

const dayMonth = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.language === 'es' ? 'es' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
};

/**
 * The policy a case was decided under, e.g. `EU261 v3, published 2 Dec`. `policyVersion` is the
 * engine's full id (`reference@2026.2+eu261@2024.1+…`, one part per policy document): it goes in
 * the tooltip. Without a store version the regime's own document version is named (`EU261 2024.1`).
 */
export function policyVersionLabel(p: {
  policyVersion: string | null;
  regime: string | null;
  setVersion?: number | null;
  publishedAt?: string | null;
  /** The desk preview's label (`v3`, `bundled`) when the case has no store version. */
  label?: string | null;
}): Humanized {
  const raw = p.policyVersion ?? p.label ?? '';
  const parts = (p.policyVersion ?? '')
    .split('+')
    .map((x) => x.split('@') as [string, string | undefined])
    .filter(([id]) => id);
  const policyId = p.regime ? (REGIMES[p.regime.toUpperCase()]?.policy ?? p.regime.toLowerCase()) : null;
  const regimePart = policyId ? parts.find(([id]) => id === policyId) : undefined;
  const firstPolicy = parts.find(([id]) => id !== 'reference');
  const name = p.regime
    ? regimeLabel(p.regime).text
    : firstPolicy
      ? (Object.values(REGIMES).find((r) => r.policy === firstPolicy[0])?.name ?? firstPolicy[0])
      : t('policy.unknown', 'policy');
  let version: string;
  if (p.setVersion) version = `v${p.setVersion}`;
  else if (p.label && p.label !== 'bundled') version = p.label;
  else if (regimePart?.[1]) version = regimePart[1];
  else if (p.label === 'bundled') version = t('policy.bundled', 'built-in');
  else version = '';
  const base = version ? `${name} ${version}` : name;
  const text = p.publishedAt ? t('policy.published', '{{base}}, published {{date}}', { base, date: dayMonth(p.publishedAt) }) : base;
  return { text, raw: raw.split('+').join('\n') };
}

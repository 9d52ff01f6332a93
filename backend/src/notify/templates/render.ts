import i18next, { type i18n } from 'i18next';
import { minorExponent, type Money } from '../../../../src/shared/money.js';
import { airportByIata } from '../../../../src/shared/reference/index.js';
import { LANGUAGES, RESOURCES, type Language, type StringKey } from './strings.js';

/** What a notice is about (also the `topic` of its `notified` audit entry). */
export type NoticeTopic =
  | 'disruption:DELAY'
  | 'disruption:CANCELLATION'
  | 'disruption:DIVERSION'
  | 'disruption:GATE_CHANGE'
  | 'voucher'
  | 'void'
  | 'approval:denied';

export interface NoticeFlight {
  carrier: string;
  number: string;
  origin: string;
  destination: string;
  scheduledDeparture: string;
  estimatedDeparture?: string | null;
  gate?: string | null;
  terminal?: string | null;
}

/** The facts a notice states: data fields only (the optional LLM personalisation sees these and nothing else). */
export interface NoticeFacts {
  passengerName: string;
  flight: NoticeFlight;
  delayMinutes?: number;
  /** Entitlement type and voucher of a voucher, void or denial notice. */
  entitlementType?: string;
  voucherSerial?: string;
  amount?: Money | null;
  reason?: string;
  /** The case's primary regime: EU261 / UK261 add the Art 14 written notice of rights. */
  regime?: string | null;
}

/** The parts of a rendered notice; `body` is the part an LLM may re-word, the rest is fixed text. */
export interface RenderedNotice {
  language: Language;
  subject: string;
  greeting: string;
  body: string;
  help: string | null;
  /** The Art 14 written notice (title + text), fixed legal text, never re-worded. */
  rights: string | null;
  signoff: string;
}

/** Regimes whose Article 14 requires a written notice of rights with every disruption notice. */
export const ART14_REGIMES = new Set(['EU261', 'UK261']);

let instance: i18n | null = null;
function i18n(): i18n {
  if (instance) return instance;
  const inst = i18next.createInstance();
  void inst.init({
    resources: RESOURCES,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  instance = inst;
  return inst;
}

/** A passenger's language preference (`es`, `es-MX`, `FR`) → a notice language; anything else → English. */
export function noticeLanguage(pref: string | null | undefined): Language {
  const base = (pref ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

export function t(lang: Language, key: StringKey, vars: Record<string, unknown> = {}): string {
  return i18n().t(key, { lng: lang, ...vars });
}

/** An instant in the departure airport's local time, as the language writes it (UTC when the airport is unknown). */
export function formatWhen(iso: string, airport: string, lang: Language): string {
  const tz = airportByIata(airport)?.tz;
  const opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', timeZone: tz ?? 'UTC' };
  const text = new Intl.DateTimeFormat(lang, opts).format(new Date(iso));
  return tz ? text : `${text} UTC`;
}

/**
 * Money with the language's digits and the ISO code (`250,00 EUR`, `250.00 EUR`), never a symbol
 * (`$` is ambiguous across stations: the desk's rule too). Integer minor units in, display only.
 */
export function formatAmount(m: Money, lang: Language): string {
  const e = minorExponent(m.currency);
  const major = Number(e === 0 ? String(m.amountMinor) : (m.amountMinor / 10 ** e).toFixed(e));
  return `${new Intl.NumberFormat(lang, { minimumFractionDigits: e, maximumFractionDigits: e }).format(major)} ${m.currency}`;
}

const flightCode = (f: NoticeFlight): string => `${f.carrier}${f.number}`;

/** The interpolation values of a notice, each already formatted for the language. */
export function noticeValues(f: NoticeFacts, lang: Language): Record<string, string | number> {
  const fl = f.flight;
  const v: Record<string, string | number> = {
    name: f.passengerName,
    carrier: fl.carrier,
    flight: flightCode(fl),
    route: `${fl.origin}–${fl.destination}`,
    scheduled: formatWhen(fl.scheduledDeparture, fl.origin, lang),
    departure: formatWhen(fl.estimatedDeparture ?? fl.scheduledDeparture, fl.origin, lang),
    estimated: formatWhen(fl.estimatedDeparture ?? fl.scheduledDeparture, fl.origin, lang),
  };
  if (f.delayMinutes !== undefined) v.delay = t(lang, 'minutes' as StringKey, { count: f.delayMinutes });
  if (f.entitlementType) v.type = t(lang, `type.${f.entitlementType}` as StringKey, { defaultValue: f.entitlementType });
  if (f.voucherSerial) v.serial = f.voucherSerial;
  if (f.reason !== undefined) v.reason = f.reason;
  if (f.regime) v.regime = f.regime;
  if (fl.gate || fl.terminal) {
    const which = fl.gate && fl.terminal ? 'both' : fl.gate ? 'gate' : 'terminal';
    v.where = t(lang, `gate.where_${which}` as StringKey, { gate: fl.gate ?? '', terminal: fl.terminal ?? '' });
  }
  return v;
}

const PREFIX: Record<NoticeTopic, string> = {
  'disruption:DELAY': 'delay',
  'disruption:CANCELLATION': 'cancellation',
  'disruption:DIVERSION': 'diversion',
  'disruption:GATE_CHANGE': 'gate',
  voucher: 'voucher',
  void: 'voided',
  'approval:denied': 'denied',
};

const isDisruption = (topic: NoticeTopic): boolean => topic.startsWith('disruption:');

/**
 * A notice in the passenger's language: subject, greeting, body, the help line (disruptions), the
 * Art 14 written notice of rights (EU261/UK261 cases, disruption notices), sign-off. Strings come
 * from templates/<lang>.ts only.
 */
export function renderNotice(topic: NoticeTopic, facts: NoticeFacts, lang: Language): RenderedNotice {
  const p = PREFIX[topic];
  const v = noticeValues(facts, lang);
  if (facts.amount !== undefined)
    v.amount = facts.amount ? formatAmount(facts.amount, lang) : t(lang, `${p}.amountInKind` as StringKey, { defaultValue: '' });
  const rights =
    isDisruption(topic) && facts.regime && ART14_REGIMES.has(facts.regime)
      ? `${t(lang, `rights.${facts.regime}.title` as StringKey)}\n${t(lang, `rights.${facts.regime}.body` as StringKey)}`
      : null;
  return {
    language: lang,
    subject: t(lang, `${p}.subject` as StringKey, v),
    greeting: t(lang, 'greeting', v),
    body: t(lang, `${p}.body` as StringKey, v),
    help: isDisruption(topic) && topic !== 'disruption:GATE_CHANGE' ? t(lang, 'staffHelp') : null,
    rights,
    signoff: t(lang, 'signoff', v),
  };
}

/** The plain-text email (works in every mail client and on paper). */
export function emailText(n: Pick<RenderedNotice, 'greeting' | 'body' | 'help' | 'rights' | 'signoff'>): string {
  return [n.greeting, '', n.body, ...(n.help ? ['', n.help] : []), ...(n.rights ? ['', n.rights] : []), '', n.signoff].join('\n');
}

/** The SMS version: one short line (+ the Art 14 pointer for EU261/UK261 disruptions). */
export function smsText(topic: NoticeTopic, facts: NoticeFacts, lang: Language): string {
  const p = PREFIX[topic];
  const v = noticeValues(facts, lang);
  if (facts.amount !== undefined)
    v.amount = facts.amount ? formatAmount(facts.amount, lang) : t(lang, `${p}.amountInKind` as StringKey, { defaultValue: '' });
  const rights = isDisruption(topic) && facts.regime && ART14_REGIMES.has(facts.regime) ? ` ${t(lang, 'rights.sms', v)}` : '';
  return `${t(lang, 'smsPrefix')} ${t(lang, `${p}.sms` as StringKey, v)}${rights}`;
}

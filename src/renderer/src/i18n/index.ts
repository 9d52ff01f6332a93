/// <reference types="vite/client" />
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * The desk's languages. Every `locales/<lang>/<namespace>.json` is bundled statically by Vite
 * (import.meta.glob, eager): no HTTP backend, nothing fetched at run time (the CSP is strict).
 * To add strings for an area, drop `locales/en/<ns>.json` and `locales/es/<ns>.json` next to the
 * others and call `useTranslation('<ns>')`: no registration edit is needed.
 */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Each language named in itself, for the language switch. */
export const LANGUAGE_NAME: Record<Language, string> = { en: 'English', es: 'Español' };

const STORAGE_KEY = 'jetway.language';

type Bundle = Record<string, unknown>;
const files = import.meta.glob<Bundle>('./locales/*/*.json', { eager: true, import: 'default' });

export const resources: Record<string, Record<string, Bundle>> = {};
for (const [path, bundle] of Object.entries(files)) {
  const m = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!m) continue;
  const [, lng, ns] = m as unknown as [string, string, string];
  (resources[lng] ??= {})[ns] = bundle;
}

export const isLanguage = (x: unknown): x is Language => typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);

// Browser globals typed here, not through the DOM lib: unit tests import this module in Node.
interface Env {
  localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void };
  navigator?: { language?: string; languages?: readonly string[] };
  document?: { documentElement: { lang: string } };
}
const env = globalThis as Env;

function storage(): Env['localStorage'] | null {
  try {
    return env.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The saved choice, else the first of the OS/browser languages the desk speaks, else English. */
export function initialLanguage(): Language {
  const saved = storage()?.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  const nav = env.navigator ? [...(env.navigator.languages ?? []), env.navigator.language] : [];
  for (const l of nav) {
    const base = l?.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function applyToDocument(lng: string): void {
  if (env.document) env.document.documentElement.lang = lng;
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(resources.en ?? {}),
  defaultNS: 'common',
  fallbackNS: 'common',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false, // resources are bundled: ready synchronously, before the first render
});
applyToDocument(i18next.language);
i18next.on('languageChanged', applyToDocument);

/** Switch language and remember it on this desk. */
export function setLanguage(lng: Language): void {
  storage()?.setItem(STORAGE_KEY, lng);
  void i18next.changeLanguage(lng);
}

/** The active language (a supported one). */
export const currentLanguage = (): Language => (isLanguage(i18next.language) ? i18next.language : 'en');

export const i18n = i18next;
export default i18next;

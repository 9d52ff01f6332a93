import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';

/** Every language has exactly the English keys (a missing or extra key fails the typecheck). */
export type Strings = { readonly [K in keyof typeof en]: string };
export type StringKey = keyof typeof en;

/** The languages notifications are written in; any other preference falls back to English. */
export const LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The one source of the notification strings (i18next resources). */
export const RESOURCES: Record<Language, { translation: Strings }> = {
  en: { translation: en },
  es: { translation: es },
  fr: { translation: fr },
  de: { translation: de },
};

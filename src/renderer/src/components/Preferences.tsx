import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAME, LANGUAGES, currentLanguage, isLanguage, setLanguage } from '../i18n/index.js';
import { THEMES, savedTheme, setTheme, type ThemeChoice } from '../theme.js';

/** Top-bar language and theme switches; both are remembered on this desk. */
export function Preferences() {
  const { t } = useTranslation('common');
  const [theme, setThemeState] = useState<ThemeChoice>(savedTheme);
  return (
    <span className="prefs">
      <label>
        <span className="sr-only">{t('language.label')}</span>
        <select
          data-testid="language-select"
          title={t('language.label')}
          value={currentLanguage()}
          onChange={(e) => {
            if (isLanguage(e.target.value)) setLanguage(e.target.value);
          }}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAME[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="sr-only">{t('theme.label')}</span>
        <select
          data-testid="theme-select"
          title={t('theme.label')}
          value={theme}
          onChange={(e) => {
            const v = e.target.value as ThemeChoice;
            setTheme(v);
            setThemeState(v);
          }}
        >
          {THEMES.map((th) => (
            <option key={th} value={th}>
              {t(`theme.${th}`)}
            </option>
          ))}
        </select>
      </label>
    </span>
  );
}

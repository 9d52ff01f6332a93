import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, LANGUAGE_NAME, setLanguage, type Language } from '../i18n/index.js';
import { paletteActions, rankPalette, type PaletteAction, type PalettePrefs } from '../logic/palette.js';
import { useDeskStore } from '../store/index.js';
import { THEMES, setTheme, type ThemeChoice } from '../theme.js';
import './palette.css';

type T = ReturnType<typeof useTranslation>['t'];

/** How many matches the list shows (the board alone can hold thousands of flights). */
const MAX_SHOWN = 50;

const PREFS: PalettePrefs = {
  themes: THEMES,
  setTheme: (th) => setTheme(th as ThemeChoice),
  languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAME[code] })),
  setLanguage: (code) => setLanguage(code as Language),
  focusSearch: () => window.dispatchEvent(new Event('jetway:focus-search')),
};

/**
 * Ctrl+K / Cmd+K: a searchable list of actions (combobox + listbox in a modal dialog). Arrow keys
 * move, Enter runs, Esc closes; focus stays inside and goes back where it was on close.
 */
export function CommandPalette() {
  const { t } = useTranslation('palette');
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 'k') return;
      const s = useDeskStore.getState();
      // Not over a dialog (a money confirmation owns the keyboard), not before sign-in.
      if (!s.session || s.dialog) return;
      e.preventDefault();
      setOpen((o) => !o);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!open) return null;
  return <Palette t={t} onClose={() => setOpen(false)} />;
}

function Palette({ t, onClose }: { t: T; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();
  const state = useDeskStore();
  const items = useMemo(
    () => rankPalette(paletteActions(state, t as unknown as (k: string, o?: Record<string, unknown>) => string, query, PREFS), query, MAX_SHOWN),
    [state, t, query],
  );
  const current = Math.min(active, Math.max(0, items.length - 1));

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    inputRef.current?.focus();
    return () => {
      if (before && document.contains(before)) before.focus();
    };
  }, []);
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const run = (a: PaletteAction | undefined) => {
    if (!a) return;
    onClose();
    a.run();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    // Keys typed here never reach the global shortcuts.
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = items.length;
      if (n) setActive((current + (e.key === 'ArrowDown' ? 1 : -1) + n) % n);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setActive(e.key === 'Home' ? 0 : Math.max(0, items.length - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(items[current]);
    } else if (e.key === 'Tab') {
      // The input is the only stop: focus stays in the dialog.
      e.preventDefault();
      inputRef.current?.focus();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div className="overlay palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label={t('title')} data-testid="palette" onKeyDown={onKeyDown}>
        <input
          ref={inputRef}
          className="palette-input"
          data-testid="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items.length ? `${listId}-${current}` : undefined}
          aria-label={t('title')}
          placeholder={t('placeholder')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
        />
        <ul ref={listRef} id={listId} role="listbox" aria-label={t('results')} className="palette-list" data-testid="palette-list">
          {items.map((a, i) => (
            <li
              key={a.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              data-index={i}
              data-action={a.id}
              data-testid="palette-item"
              className={i === current ? 'on' : ''}
              onMouseMove={() => i !== current && setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => run(a)}
            >
              <span className="palette-label">{a.label}</span>
              <span className="palette-group muted">{a.group}</span>
            </li>
          ))}
        </ul>
        {items.length === 0 && (
          <p className="muted palette-empty" role="status" data-testid="palette-empty">
            {t('empty', { query })}
          </p>
        )}
        <p className="palette-hint muted">{t('hint')}</p>
      </div>
    </div>
  );
}

import { useEffect } from 'react';
import { useDeskStore } from './store/index.js';

const typing = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/** Global keyboard shortcuts (listed in HelpOverlay). Ignored while typing in a field, except Esc. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useDeskStore.getState();
      if (!s.session || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      let handled = true;
      switch (e.key) {
        case '/':
          window.dispatchEvent(new Event('jetway:focus-search'));
          break;
        case 'j':
        case 'ArrowDown':
          s.move(1);
          break;
        case 'k':
        case 'ArrowUp':
          s.move(-1);
          break;
        case 'Enter':
          void s.openSelected();
          break;
        case 'Escape':
          s.back();
          break;
        case 'i':
          void s.issueSelected();
          break;
        case 'f':
          (document.querySelector('[data-testid="passenger-filter"]') as HTMLInputElement | null)?.focus();
          break;
        case 'r':
          void s.syncNow();
          break;
        case '?':
          s.toggleHelp();
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

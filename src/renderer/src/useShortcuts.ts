import { useEffect } from 'react';
import type { View } from './logic/queues.js';
import { useDeskStore } from './store/index.js';

const typing = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/** The second key after `g`: which view it goes to. */
const GO: Record<string, View> = { b: 'board', q: 'queues', a: 'approvals', p: 'policies', u: 'users' };
const NUMBER_VIEW: Record<string, View> = { '1': 'board', '2': 'queues', '3': 'approvals', '4': 'policies', '5': 'users' };
/** How long `g` waits for its second key. */
const CHORD_MS = 1500;

/**
 * Global keyboard shortcuts (listed in HelpOverlay). Ignored while typing in a field (except Esc)
 * and while a dialog is open (the dialog owns the keyboard). No key moves money by itself:
 * `i`, `a` and `d` open dialogs for anything that needs a confirmation.
 */
export function useShortcuts(): void {
  useEffect(() => {
    let gAt = 0;
    const onKey = (e: KeyboardEvent) => {
      const s = useDeskStore.getState();
      if (!s.session || s.dialog || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      // Enter / Space on a focused button press that button (Request approval…, Void…), not the
      // list selection; view and queue tabs stay out of the way (click a tab, j/k, Enter opens).
      const button = e.target instanceof HTMLElement ? e.target.closest('button, a[href]') : null;
      if ((e.key === 'Enter' || e.key === ' ') && button && button.getAttribute('role') !== 'tab') return;
      if (gAt && Date.now() - gAt < CHORD_MS) {
        gAt = 0;
        const v = GO[e.key];
        if (v) {
          e.preventDefault();
          s.setView(v);
          return;
        }
      }
      gAt = 0;
      let handled = true;
      switch (e.key) {
        case 'g':
          gAt = Date.now();
          break;
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
          s.setView(NUMBER_VIEW[e.key]!);
          break;
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
        case 'a':
        case 'd':
          if (s.view === 'approvals') s.decideSelected(e.key === 'a' ? 'approve' : 'deny');
          else handled = false;
          break;
        case '[':
        case ']':
          if (s.view === 'queues') s.cycleQueue(e.key === ']' ? 1 : -1);
          else handled = false;
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

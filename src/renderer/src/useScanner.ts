import { useEffect } from 'react';
import { ScanDetector } from './logic/scanner.js';
import { useDeskStore } from './store/index.js';

const typing = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement &&
  (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/**
 * A boarding pass scanned anywhere in the console (focus outside text fields) opens the
 * passenger. Listens in the capture phase on window, before the global shortcuts and any list's
 * own key handling, and swallows the keys of a scan burst (see ScanDetector). In a text field the
 * reader types into the field: the search box handles that itself (Enter or paste).
 */
export function useScanner(): void {
  useEffect(() => {
    const detector = new ScanDetector();
    const onKey = (e: KeyboardEvent) => {
      const s = useDeskStore.getState();
      if (!s.session || s.dialog || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) {
        detector.reset();
        return;
      }
      const verdict = detector.feed(e.key, performance.now());
      if (verdict.kind === 'pass') return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (verdict.kind === 'scan') void s.scanPass(verdict.text);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}

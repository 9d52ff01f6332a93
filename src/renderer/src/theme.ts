/**
 * Light and dark themes. `data-theme` on <html> is always `light` or `dark`: `system` (the default)
 * resolves it from the OS's `prefers-color-scheme` and follows its changes; `light` / `dark`
 * override it. One set of dark tokens in theme.css (`:root[data-theme='dark']`). The choice is kept
 * on this desk.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

const STORAGE_KEY = 'jetway.theme';
const isTheme = (x: unknown): x is ThemeChoice => typeof x === 'string' && (THEMES as readonly string[]).includes(x);

export function savedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isTheme(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

let current: ThemeChoice = 'system';
let watching = false;

export function applyTheme(choice: ThemeChoice): void {
  current = choice;
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  if (media && !watching) {
    watching = true;
    media.addEventListener('change', () => current === 'system' && applyTheme('system'));
  }
  document.documentElement.dataset.theme = choice === 'system' ? (media?.matches ? 'dark' : 'light') : choice;
}

export function setTheme(choice: ThemeChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Storage unavailable: the choice lasts for this window only.
  }
  applyTheme(choice);
}

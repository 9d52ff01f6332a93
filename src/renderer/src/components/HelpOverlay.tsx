import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';

export const SHORTCUTS: [string, string][] = [
  ['/', 'Search passengers by name or PNR'],
  ['j / ↓', 'Next row'],
  ['k / ↑', 'Previous row'],
  ['Enter', 'Open the selected flight or passenger'],
  ['Esc', 'Back (close case, close flight, close search)'],
  ['i', 'Issue the selected entitlement'],
  ['f', 'Filter the passenger list'],
  ['r', 'Sync now'],
  ['?', 'Show or hide this list'],
];

export function HelpOverlay() {
  const show = useDeskStore(uiSelectors.showHelp);
  const toggle = useDeskStore((s) => s.toggleHelp);
  if (!show) return null;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label="Keyboard shortcuts"
      data-testid="help"
      onClick={() => toggle(false)}
    >
      <div className="overlay-card">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, d]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';

export const SHORTCUTS: [string, string][] = [
  ['g b  /  1', 'Board: the station’s flights'],
  ['g q  /  2', 'Queues: mine, unassigned, awaiting approval, needs review, rejected'],
  ['g a  /  3', 'Approvals and team load (supervisors)'],
  ['/', 'Search passengers by name or PNR'],
  ['j / ↓', 'Next row'],
  ['k / ↑', 'Previous row'],
  ['Enter', 'Open the selected flight, passenger, queue row or request’s case'],
  ['Esc', 'Back (close case, close flight, close search); cancels a dialog'],
  [
    'i',
    'Issue the selected entitlement; money (cash, or above the confirmation threshold) opens the confirmation dialog, above your limit the approval request',
  ],
  ['[  /  ]', 'Previous / next queue tab'],
  ['a', 'Approvals: open the approve dialog for the selected request (reason, then Enter)'],
  ['d', 'Approvals: open the deny dialog for the selected request (reason, then Enter)'],
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
        <p className="muted">
          Money never moves on a single key: every issue of money, approval, denial and void asks for confirmation in a
          dialog.
        </p>
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

import { useTranslation } from 'react-i18next';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';

export const SHORTCUTS: [string, string][] = [
  ['g b  /  1', 'Board: the station’s flights'],
  ['g q  /  2', 'Queues: mine, unassigned, awaiting approval, needs review, rejected'],
  ['g a  /  3', 'Approvals and team load (supervisors)'],
  ['g p  /  4', 'Policies: versions, draft editor, diff, simulation, publish (admins)'],
  ['g u  /  5', 'Users: roles and stations (admins)'],
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
  [
    'Ctrl+K  /  ⌘K',
    'Command palette: go to a view, open a flight by number, search a passenger, sync, theme, language, sign out (money only through its confirmation dialog)',
  ],
  ['?', 'Show or hide this list'],
];

export function HelpOverlay() {
  const show = useDeskStore(uiSelectors.showHelp);
  const toggle = useDeskStore((s) => s.toggleHelp);
  // Keys of help:shortcut are the shortcut keys themselves; a shortcut not translated yet shows its English text.
  const { t } = useTranslation('help');
  if (!show) return null;
  const described = t('shortcut', { returnObjects: true }) as Record<string, string>;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label={t('title')}
      data-testid="help"
      onClick={() => toggle(false)}
    >
      <div className="overlay-card">
        <h2>{t('title')}</h2>
        <p className="muted">{t('money')}</p>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, d]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{described[k] ?? d}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

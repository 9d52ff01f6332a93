import { useShallow } from 'zustand/react/shallow';
import { useTranslation } from 'react-i18next';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { isSupervisor } from '../logic/money.js';
import { viewsFor, type View } from '../logic/queues.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';
import { AdminStationPicker } from './AdminStationPicker.js';
import { PassengerSearch } from './PassengerSearch.js';
import { Preferences } from './Preferences.js';

export function TopBar() {
  const session = useDeskStore(sessionSelectors.session);
  const stations = useDeskStore(useShallow(sessionSelectors.stations));
  const station = useDeskStore(sessionSelectors.station);
  const { setStation, signOut, toggleHelp } = useDeskStore(
    useShallow((s) => ({ setStation: s.setStation, signOut: s.signOut, toggleHelp: s.toggleHelp })),
  );
  const { t } = useTranslation('common');
  return (
    <header className="topbar">
      <h1 className="brand">{t('appName')}</h1>
      {session?.stations.includes('*') ? (
        <AdminStationPicker />
      ) : (
      <label className="station">
        {t('topbar.station')}{' '}
        {stations.length > 1 ? (
          <select data-testid="station-select" value={station ?? ''} onChange={(e) => setStation(e.target.value)}>
            {stations.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        ) : (
          <strong data-testid="station">{station ?? t('none')}</strong>
        )}
      </label>
      )}
      <Nav />
      <PassengerSearch />
      <span className="spacer" />
      <Preferences />
      <button className="link" onClick={() => toggleHelp()} title={t('topbar.shortcutsTitle')}>
        {t('topbar.shortcuts')} <kbd>?</kbd>
      </button>
      <span className="user" data-testid="user">
        {t('topbar.userRole', { username: session?.username, role: session ? t(`role.${session.role}`, { defaultValue: session.role }) : '' })}
      </span>
      <button data-testid="signout" onClick={() => void signOut()}>
        {t('topbar.signOut')}
      </button>
    </header>
  );
}

/** The shortcut digit of each view; the label comes from `common:nav.<view>`. */
const VIEW_DIGIT: Record<View, string> = { board: '1', queues: '2', approvals: '3', policies: '4', users: '5' };

/** Board / Queues / Approvals (supervisor console) / Policies, Users (admin console); also g b, g q, g a, g p, g u or 1–5. */
function Nav() {
  const session = useDeskStore(sessionSelectors.session);
  const view = useDeskStore(uiSelectors.view);
  const setView = useDeskStore((s) => s.setView);
  const open = useDeskStore(approvalsSelectors.openCount);
  const { t } = useTranslation('common');
  return (
    <nav className="nav" role="tablist" aria-label={t('nav.label')}>
      {viewsFor(isSupervisor(session), session?.role === 'admin').map((v) => (
        <button
          key={v}
          role="tab"
          aria-selected={v === view}
          className={`navtab ${v === view ? 'on' : ''}`}
          data-testid={`nav-${v}`}
          title={t('nav.title', { label: t(`nav.${v}`), letter: v[0], digit: VIEW_DIGIT[v] })}
          onClick={() => setView(v)}
        >
          {t(`nav.${v}`)}
          {v === 'approvals' && open > 0 && (
            <span className="pill" data-testid="nav-approvals-count">
              {open}
            </span>
          )}
        </button>
      ))}
    </nav>
  );
}

import { useTranslation } from 'react-i18next';
import { money } from '../format.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';

/** Team load at the station: open cases per agent, unassigned, and what left today per currency. */
export function TeamLoadPanel() {
  const load = useDeskStore(approvalsSelectors.teamLoad);
  const error = useDeskStore(approvalsSelectors.teamLoadError);
  const station = useDeskStore(sessionSelectors.station);
  const { t } = useTranslation('approvals', { keyPrefix: 'team' });
  return (
    <section className="team-load" aria-label={t('label')} data-testid="team-load">
      <h3>
        {t('title')} {load && <span className="muted">· {load.station}</span>}
      </h3>
      {error && (
        <p className="error" role="alert">
          {t('loadError', { error })}
        </p>
      )}
      {!station && <p className="muted">{t('noStation')}</p>}
      {station && !load && !error && <p className="muted">{t('loading')}</p>}
      {load && (
        <>
          <table className="load-table">
            <thead>
              <tr>
                <th>{t('agent')}</th>
                <th>{t('open')}</th>
                <th>{t('awaiting')}</th>
              </tr>
            </thead>
            <tbody>
              {load.agents.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    {t('nobody')}
                  </td>
                </tr>
              )}
              {load.agents.map((a) => (
                <tr key={a.user} data-testid="team-agent-row" data-user={a.user}>
                  <td>{a.user}</td>
                  <td className="num">{a.openCases}</td>
                  <td className="num">{a.awaitingApproval}</td>
                </tr>
              ))}
              <tr className="unassigned" data-testid="team-unassigned" data-count={load.unassigned}>
                <td>
                  <em>{t('unassigned')}</em>
                </td>
                <td className="num">{load.unassigned}</td>
                <td />
              </tr>
            </tbody>
          </table>
          <h4>{t('issuedToday')}</h4>
          {load.issuedToday.length === 0 ? (
            <p className="muted">{t('nothingToday')}</p>
          ) : (
            <ul className="issued-today">
              {load.issuedToday.map((x) => (
                <li key={x.currency} data-testid={`team-issued-${x.currency}`} data-amount-minor={x.amountMinor}>
                  <strong>{money({ amountMinor: x.amountMinor, currency: x.currency })}</strong>{' '}
                  <span className="muted">{t('inIssuances', { count: x.count })}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

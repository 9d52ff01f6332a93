import { formatMoney } from '../../../shared/money.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';

/** Team load at the station: open cases per agent, unassigned, and what left today per currency. */
export function TeamLoadPanel() {
  const load = useDeskStore(approvalsSelectors.teamLoad);
  const error = useDeskStore(approvalsSelectors.teamLoadError);
  const station = useDeskStore(sessionSelectors.station);
  return (
    <section className="team-load" aria-label="Team load" data-testid="team-load">
      <h3>Team load {load && <span className="muted">· {load.station}</span>}</h3>
      {error && (
        <p className="error" role="alert">
          Could not load team load: {error}
        </p>
      )}
      {!station && <p className="muted">No station selected: team load is per station.</p>}
      {station && !load && !error && <p className="muted">Loading…</p>}
      {load && (
        <>
          <table className="load-table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Open cases</th>
                <th>Awaiting approval</th>
              </tr>
            </thead>
            <tbody>
              {load.agents.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    Nobody holds a case right now.
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
                  <em>unassigned</em>
                </td>
                <td className="num">{load.unassigned}</td>
                <td />
              </tr>
            </tbody>
          </table>
          <h4>Issued today</h4>
          {load.issuedToday.length === 0 ? (
            <p className="muted">Nothing issued today at this station.</p>
          ) : (
            <ul className="issued-today">
              {load.issuedToday.map((x) => (
                <li key={x.currency} data-testid={`team-issued-${x.currency}`} data-amount-minor={x.amountMinor}>
                  <strong>{formatMoney({ amountMinor: x.amountMinor, currency: x.currency })}</strong>{' '}
                  <span className="muted">
                    in {x.count} {x.count === 1 ? 'issuance' : 'issuances'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

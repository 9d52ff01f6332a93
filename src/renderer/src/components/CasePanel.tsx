import { useShallow } from 'zustand/react/shallow';
import type { EntitlementView } from '../../../shared/rpc/contract.js';
import { canIssue, caseSelectors } from '../store/caseview/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { entitlementLabel, money, time } from '../format.js';
import { SyncBadge } from './StatusBadge.js';

/** The passenger's case: who, which flight, and what they are owed under which regime and why. */
export function CasePanel() {
  const view = useDeskStore(caseSelectors.view);
  const { id, loading, error, issueError } = useDeskStore(useShallow(caseSelectors.status));
  const issuing = useDeskStore(caseSelectors.issuing);
  const index = useDeskStore(uiSelectors.entitlementIndex);
  const zone = useDeskStore(uiSelectors.zone);
  const { issue, select, closeCase } = useDeskStore(
    useShallow((s) => ({ issue: s.issue, select: s.select, closeCase: s.closeCase })),
  );

  if (!id)
    return (
      <aside className="pane case-panel empty-pane" data-testid="case-panel-empty">
        <p className="empty">Open a passenger to see their case and entitlements.</p>
      </aside>
    );
  return (
    <aside
      className={`pane case-panel ${zone === 'case' ? 'active' : ''}`}
      aria-label="Passenger case"
      data-testid="case-panel"
    >
      {error && (
        <p className="error" role="alert">
          Could not load the case: {error}
        </p>
      )}
      {loading && !view && <p className="muted">Loading case…</p>}
      {view && (
        <>
          <header>
            <h2 data-testid="case-passenger">
              {view.passenger ? `${view.passenger.firstName} ${view.passenger.lastName}` : view.case.passengerId}
            </h2>
            <button className="link close" onClick={closeCase} aria-label="Close case">
              ✕
            </button>
            <p className="muted">
              PNR <span className="mono">{view.booking?.pnr ?? '—'}</span> · seat {view.booking?.seat ?? '—'}
              {view.passenger?.tier && <> · {view.passenger.tier}</>}
              {view.flight && (
                <>
                  {' '}
                  · {view.flight.carrier}
                  {view.flight.number} {time(view.flight.scheduledDeparture, view.flight.origin)}
                </>
              )}
            </p>
            <p>
              Case <span className="badge case">{view.case.status.toLowerCase().replaceAll('_', ' ')}</span> · regime{' '}
              <strong>{view.case.primaryRegime ?? 'none'}</strong>
            </p>
            {view.case.policyVersion && (
              <p className="muted policy" title={view.case.policyVersion}>
                policy {view.case.policyVersion}
              </p>
            )}
            {view.case.needsReview.length > 0 && (
              <p className="warn">Needs review: missing {view.case.needsReview.join(', ')}</p>
            )}
          </header>
          {issueError && (
            <p className="error" role="alert" data-testid="issue-error">
              {issueError}
            </p>
          )}
          {view.entitlements.length === 0 ? (
            <p className="empty">No entitlements for this case (yet).</p>
          ) : (
            <ul className="entitlements" data-testid="entitlements">
              {view.entitlements.map((e, i) => (
                <EntitlementItem
                  key={e.id}
                  e={e}
                  selected={zone === 'case' && i === index}
                  busy={issuing.includes(e.id)}
                  onSelect={() => select('case', i)}
                  onIssue={() => void issue(e.id)}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  );
}

function EntitlementItem({
  e,
  selected,
  busy,
  onSelect,
  onIssue,
}: {
  e: EntitlementView;
  selected: boolean;
  busy: boolean;
  onSelect: () => void;
  onIssue: () => void;
}) {
  const issuable = canIssue(e) && !busy;
  return (
    <li
      className={`entitlement ${selected ? 'selected' : ''}`}
      data-testid={`entitlement-${e.type}`}
      data-entitlement-id={e.id}
      onClick={onSelect}
    >
      <div className="ent-head">
        <strong>{entitlementLabel(e.type)}</strong>
        <span className="amount" data-testid="entitlement-amount">
          {money(e.amount)}
        </span>
        <SyncBadge state={e.syncState} />
      </div>
      <div className="muted">
        {e.regime} · {e.carePeriod} · {e.automatic ? 'automatic' : 'on request'} · status{' '}
        {e.effectiveStatus.toLowerCase().replaceAll('_', ' ')}
        {e.voucherSerial && (
          <>
            {' '}
            · voucher{' '}
            <span className="mono" data-testid="voucher-serial">
              {e.voucherSerial}
            </span>
          </>
        )}
      </div>
      {e.clauses.length > 0 && (
        <ul className="why" aria-label="Why">
          {e.clauses.map((c) => (
            <li key={c.id}>
              <span className="mono clause">{c.id}</span> {c.reason}
            </li>
          ))}
        </ul>
      )}
      {e.rejection && e.syncState === 'rejected' && (
        <p className="error">
          Rejected ({e.rejection.code}): {e.rejection.message}
        </p>
      )}
      <button
        className="primary"
        data-testid={`issue-${e.type}`}
        disabled={!issuable}
        onClick={(ev) => {
          ev.stopPropagation();
          onIssue();
        }}
      >
        {e.effectiveStatus === 'ISSUED'
          ? 'Issued'
          : busy
            ? 'Issuing…'
            : e.status !== 'OFFERED'
              ? e.status.toLowerCase()
              : 'Issue'}
      </button>
    </li>
  );
}

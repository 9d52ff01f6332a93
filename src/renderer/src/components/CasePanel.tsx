import { useShallow } from 'zustand/react/shallow';
import type { Issuance } from '../../../shared/domain/entities.js';
import type { CaseView, EntitlementView } from '../../../shared/rpc/contract.js';
import { entitlementLabel, money, time } from '../format.js';
import {
  approvalLine,
  blockOf,
  canRequestApproval,
  canVoid,
  isSupervisor,
  needsConfirmDialog,
} from '../logic/money.js';
import { statusText } from '../logic/queues.js';
import { canIssue, caseSelectors } from '../store/caseview/selectors.js';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { CaseTimeline } from './CaseTimeline.js';
import { SyncBadge } from './StatusBadge.js';

/** The passenger's case: who, which flight, what they are owed under which regime and why, and its timeline. */
export function CasePanel() {
  const view = useDeskStore(caseSelectors.view);
  const { id, loading, error, issueError } = useDeskStore(useShallow(caseSelectors.status));
  const issuing = useDeskStore(caseSelectors.issuing);
  const index = useDeskStore(uiSelectors.entitlementIndex);
  const zone = useDeskStore(uiSelectors.zone);
  const session = useDeskStore(sessionSelectors.session);
  const { issue, select, closeCase, openDialog } = useDeskStore(
    useShallow((s) => ({ issue: s.issue, select: s.select, closeCase: s.closeCase, openDialog: s.openDialog })),
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
          <CaseHeader view={view} onClose={closeCase} />
          <div className="case-body">
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
                    issuance={
                      e.issuance ?? view.issuances.find((x) => x.entitlementId === e.id && x.status === 'VALID') ?? null
                    }
                    selected={zone === 'case' && i === index}
                    busy={issuing.includes(e.id)}
                    mayVoid={(x) => canVoid(session, x)}
                    onSelect={() => select('case', i)}
                    onIssue={() => {
                      if (needsConfirmDialog(e)) openDialog({ kind: 'issue', entitlementId: e.id });
                      else void issue(e.id);
                    }}
                    onRequest={() => openDialog({ kind: 'request', entitlementId: e.id })}
                    onVoid={(issuanceId) => openDialog({ kind: 'void', issuanceId })}
                  />
                ))}
              </ul>
            )}
            <CaseTimeline audit={view.audit} verified={view.auditVerified} airport={view.flight?.origin ?? null} />
          </div>
        </>
      )}
    </aside>
  );
}

function CaseHeader({ view, onClose }: { view: CaseView; onClose: () => void }) {
  const session = useDeskStore(sessionSelectors.session);
  const { busy, error } = useDeskStore(useShallow(caseSelectors.command));
  const { caseCommand, openDialog, loadTeamLoad } = useDeskStore(
    useShallow((s) => ({ caseCommand: s.caseCommand, openDialog: s.openDialog, loadTeamLoad: s.loadTeamLoad })),
  );
  const c = view.case;
  const mine = c.assignee !== null && c.assignee === session?.username;
  const closed = c.status === 'CLOSED';
  return (
    <header>
      <h2 data-testid="case-passenger">
        {view.passenger ? `${view.passenger.firstName} ${view.passenger.lastName}` : c.passengerId}
      </h2>
      <button className="link close" onClick={onClose} aria-label="Close case panel">
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
        Case{' '}
        <span
          className={`badge case status-${c.status.toLowerCase()}`}
          data-testid="case-status"
          data-status={c.status}
        >
          {statusText(c.status)}
        </span>{' '}
        · regime <strong>{c.primaryRegime ?? 'none'}</strong> ·{' '}
        <span data-testid="case-assignee" data-assignee={c.assignee ?? ''}>
          {c.assignee ? (mine ? 'assigned to you' : `assigned to ${c.assignee}`) : 'unassigned'}
        </span>
      </p>
      {c.policyVersion && (
        <p className="muted policy" title={c.policyVersion}>
          policy {c.policyVersion}
        </p>
      )}
      {c.needsReview.length > 0 && <p className="warn">Needs review: missing {c.needsReview.join(', ')}</p>}
      {!closed && (
        <div className="case-actions">
          {!mine && (
            <button data-testid="case-claim" disabled={busy} onClick={() => void caseCommand('claim')}>
              {c.assignee ? 'Take over' : 'Claim'}
            </button>
          )}
          {mine && (
            <button data-testid="case-release" disabled={busy} onClick={() => void caseCommand('release')}>
              Release
            </button>
          )}
          {isSupervisor(session) && (
            <button
              data-testid="case-assign"
              onClick={() => {
                openDialog({ kind: 'assign', caseId: c.id });
                void loadTeamLoad();
              }}
            >
              Assign…
            </button>
          )}
          <button data-testid="case-note" onClick={() => openDialog({ kind: 'note', caseId: c.id })}>
            Add note
          </button>
          <button data-testid="case-close" onClick={() => openDialog({ kind: 'close', caseId: c.id })}>
            Close case…
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="case-command-error">
          {error}
        </p>
      )}
    </header>
  );
}

function issueLabel(e: EntitlementView, busy: boolean): string {
  if (e.effectiveStatus === 'ISSUED') return 'Issued';
  if (busy) return 'Issuing…';
  if (e.status !== 'OFFERED') return statusText(e.effectiveStatus);
  return needsConfirmDialog(e) ? 'Issue…' : 'Issue';
}

function EntitlementItem({
  e,
  issuance,
  selected,
  busy,
  mayVoid,
  onSelect,
  onIssue,
  onRequest,
  onVoid,
}: {
  e: EntitlementView;
  issuance: Issuance | null;
  selected: boolean;
  busy: boolean;
  mayVoid: (i: Issuance | null) => boolean;
  onSelect: () => void;
  onIssue: () => void;
  onRequest: () => void;
  onVoid: (issuanceId: string) => void;
}) {
  const block = blockOf(e);
  const issuable = canIssue(e) && !busy && block === null;
  const requestable = canRequestApproval(e);
  const a = e.approval;
  return (
    <li
      className={`entitlement ${selected ? 'selected' : ''}`}
      data-testid={`entitlement-${e.type}`}
      data-entitlement-id={e.id}
      data-regime={e.regime}
      data-status={e.effectiveStatus}
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
        {statusText(e.effectiveStatus)}
        {e.controls?.value && e.amount === null && <> · counts as {money(e.controls.value)}</>}
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
      {a && (
        <p
          className={`approval-line approval-${a.status.toLowerCase()}`}
          data-testid="approval-status"
          data-status={a.status}
        >
          {approvalLine(a)}
          <span className="muted">
            {' '}
            · asked by {a.requestedBy}
            {a.status === 'APPROVED' && e.effectiveStatus === 'OFFERED' && ' · its issuance was voided since'}
          </span>
        </p>
      )}
      {issuance && (
        <p
          className="muted issuance-line"
          data-testid="issuance-info"
          data-issuance-id={issuance.id}
          data-status={issuance.status}
        >
          {issuance.status === 'VOID' ? 'voided' : 'issued'} {time(issuance.issuedAt)} by {issuance.issuedBy}
          {issuance.paymentMethod && <> · {issuance.paymentMethod.replaceAll('_', ' ')}</>}
          {issuance.offline && <> · offline</>}
          {issuance.approvalId && <> · approved</>}
          {issuance.passengerAgreement && <> · passenger agreed</>}
        </p>
      )}
      {block && e.effectiveStatus === 'OFFERED' && (
        <p className={requestable ? 'warn' : 'error'} data-testid="entitlement-blocked" data-code={block.code}>
          {block.message}
        </p>
      )}
      {e.rejection && e.syncState === 'rejected' && (
        <p className="error" data-testid="entitlement-rejection">
          Rejected ({e.rejection.code}): {e.rejection.message}
        </p>
      )}
      <div className="ent-actions">
        <button
          className="primary"
          data-testid={`issue-${e.type}`}
          disabled={!issuable}
          onClick={(ev) => {
            ev.stopPropagation();
            onIssue();
          }}
        >
          {issueLabel(e, busy)}
        </button>
        {requestable && (
          <button
            data-testid={`request-approval-${e.type}`}
            onClick={(ev) => {
              ev.stopPropagation();
              onRequest();
            }}
          >
            Request approval…
          </button>
        )}
        {issuance && mayVoid(issuance) && (
          <button
            className="danger-outline"
            data-testid={`void-${e.type}`}
            onClick={(ev) => {
              ev.stopPropagation();
              onVoid(issuance.id);
            }}
          >
            Void…
          </button>
        )}
      </div>
    </li>
  );
}

import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { ApprovalView } from '../../../shared/rpc/contract.js';
import { entitlementLabel, money } from '../format.js';
import { approvalLine, minutes } from '../logic/money.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';
import { useDeskStore } from '../store/index.js';
import { uiSelectors } from '../store/ui/selectors.js';
import { TeamLoadPanel } from './TeamLoadPanel.js';

/**
 * The supervisor console: requests to decide (never the supervisor's own; the desk filters) and
 * the team's load. j/k move, `a` / `d` open the approve / deny dialog, Enter opens the case.
 */
export function ApprovalsView() {
  const items = useDeskStore(approvalsSelectors.items);
  const { loading, error, loaded } = useDeskStore(useShallow(approvalsSelectors.status));
  const index = useDeskStore(approvalsSelectors.index);
  const zone = useDeskStore(uiSelectors.zone);
  const openCaseId = useDeskStore((s) => s.caseId);
  const { select, openCase, openDialog } = useDeskStore(
    useShallow((s) => ({ select: s.select, openCase: s.openCase, openDialog: s.openDialog })),
  );
  const { t } = useTranslation('approvals');

  return (
    <section
      className={`pane approvals ${zone === 'approvals' ? 'active' : ''}`}
      aria-label={t('label')}
      data-testid="approvals-view"
    >
      <h2>
        {t('title')}{' '}
        <span className="counts">
          <kbd>a</kbd> {t('keys.approve')} · <kbd>d</kbd> {t('keys.deny')} · <kbd>Enter</kbd> {t('keys.open')}
        </span>
      </h2>
      <div className="approvals-body">
        <div className="approvals-main">
          {error && (
            <p className="error" role="alert" data-testid="approvals-error">
              {t('loadError', { error })}
            </p>
          )}
          {loading && !loaded && (
            <p className="muted" data-testid="approvals-loading">
              {t('loading')}
            </p>
          )}
          {loaded && items.length === 0 && (
            <p className="empty" data-testid="approvals-empty">
              {t('empty')}
            </p>
          )}
          {/* A plain list: each request holds buttons, which an ARIA option may not (axe nested-interactive). */}
          <ul className="approval-list" aria-label={t('list')}>
            {items.map((a, i) => (
              <ApprovalItem
                key={a.id}
                a={a}
                selected={zone === 'approvals' && i === index}
                open={a.caseId === openCaseId}
                onSelect={() => select('approvals', i)}
                onOpen={() => {
                  select('approvals', i);
                  void openCase(a.caseId);
                }}
                onDecide={(decision) => {
                  select('approvals', i);
                  openDialog({ kind: 'decide', approvalId: a.id, decision });
                }}
              />
            ))}
          </ul>
        </div>
        <TeamLoadPanel />
      </div>
    </section>
  );
}

function ApprovalItem({
  a,
  selected,
  open,
  onSelect,
  onOpen,
  onDecide,
}: {
  a: ApprovalView;
  selected: boolean;
  open: boolean;
  onSelect: () => void;
  onOpen: () => void;
  onDecide: (d: 'approve' | 'deny') => void;
}) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const { t } = useTranslation('approvals');
  const decidable = a.canDecide && a.pendingDecision === null && (a.status === 'PENDING' || a.status === 'ESCALATED');
  return (
    <li
      ref={ref}
      aria-current={selected ? 'true' : undefined}
      className={`approval ${selected ? 'selected' : ''} ${open ? 'open' : ''} ${a.status === 'ESCALATED' ? 'escalated' : ''}`}
      data-testid="approval-row"
      data-approval-id={a.id}
      data-status={a.status}
      onClick={onSelect}
      onDoubleClick={onOpen}
    >
      <div className="ap-head">
        <strong>{a.passengerName}</strong>
        <span className="mono">{a.flightLabel}</span>
        <span>{entitlementLabel(a.type)}</span>
        <span className="amount" data-testid="approval-amount">
          {money(a.amount)}
        </span>
      </div>
      <div className="muted">
        <strong className="regime">{a.regime}</strong> · {t('askedBy')}{' '}
        <span data-testid="approval-requester">{a.requestedBy}</span> ·{' '}
        <span data-testid="approval-age">{t('ago', { ago: minutes(a.ageMinutes) })}</span> ·{' '}
        <span className={`ap-status ap-${a.status.toLowerCase()}`} data-testid="approval-state">
          {approvalLine(a)}
        </span>
      </div>
      <p className="ap-reason">“{a.reason}”</p>
      {a.clauses.length > 0 && (
        <ul className="why" aria-label={t('why')}>
          {a.clauses.map((c) => (
            <li key={c.id}>
              <span className="mono clause">{c.id}</span> {c.reason}
            </li>
          ))}
        </ul>
      )}
      {a.pendingDecision && (
        <p className="warn" data-testid="approval-pending-decision">
          {t('queued', { decision: a.pendingDecision })}
        </p>
      )}
      {!a.canDecide && !a.pendingDecision && (
        <p className="muted" data-testid="approval-cannot-decide">
          {a.cannotDecideReason ?? t('cannotDecide')}
        </p>
      )}
      <div className="ap-actions">
        {decidable && (
          <>
            <button
              className="primary"
              data-testid="approval-approve"
              onClick={(e) => {
                e.stopPropagation();
                onDecide('approve');
              }}
            >
              {t('approve')} <kbd>a</kbd>
            </button>
            <button
              className="danger-outline"
              data-testid="approval-deny"
              onClick={(e) => {
                e.stopPropagation();
                onDecide('deny');
              }}
            >
              {t('deny')} <kbd>d</kbd>
            </button>
          </>
        )}
        <button
          className="link"
          data-testid="approval-open-case"
          onClick={(e) => {
            e.stopPropagation();
            onOpen();
          }}
        >
          {t('openCase')}
        </button>
      </div>
    </li>
  );
}

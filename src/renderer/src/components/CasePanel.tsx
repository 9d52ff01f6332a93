import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
import { CareIssueDialog, CareSummary, ChoiceControl, ChoiceHint, isCareDialogType, isChoiceType } from './CareChoice.js';
import { PrintVoucherButton, VoucherPrintView } from './VoucherPrintView.js';
import { SyncBadge } from './StatusBadge.js';
import { CasePolicyLine } from './CasePolicyLine.js';
import { carePeriodLabel, regimeLabel, rejectionLabel, reviewReasonLabel } from '../logic/humanize.js';

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
  const { t } = useTranslation('case');
  const [careFor, setCareFor] = useState<string | null>(null);
  const careEnt = careFor && view ? view.entitlements.find((x) => x.id === careFor) : undefined;

  if (!id)
    return (
      <aside className="pane case-panel empty-pane" data-testid="case-panel-empty">
        <p className="empty">{t('empty')}</p>
      </aside>
    );
  return (
    <aside
      className={`pane case-panel ${zone === 'case' ? 'active' : ''}`}
      aria-label={t('label')}
      data-testid="case-panel"
    >
      {error && (
        <p className="error" role="alert">
          {t('loadError', { error })}
        </p>
      )}
      {loading && !view && <p className="muted">{t('loading')}</p>}
      {view && (
        <>
          <CaseHeader view={view} onClose={closeCase} />
          <div className="case-body">
            {issueError && (
              <p className="error" role="alert" data-testid="issue-error">
                {issueError}
              </p>
            )}
            <ChoiceControl view={view} />
            {view.entitlements.length === 0 ? (
              <p className="empty">{t('noEntitlements')}</p>
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
                      if (isCareDialogType(e.type)) setCareFor(e.id);
                      else if (needsConfirmDialog(e)) openDialog({ kind: 'issue', entitlementId: e.id });
                      else void issue(e.id);
                    }}
                    onRequest={() => openDialog({ kind: 'request', entitlementId: e.id })}
                    onVoid={(issuanceId) => openDialog({ kind: 'void', issuanceId })}
                  />
                ))}
              </ul>
            )}
            <CaseTimeline audit={view.audit} verified={view.auditVerified} airport={view.flight?.origin ?? null} />
            <VoucherPrintView />
            {careEnt && <CareIssueDialog e={careEnt} view={view} onClose={() => setCareFor(null)} />}
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
  const { t } = useTranslation('case');
  const c = view.case;
  const mine = c.assignee !== null && c.assignee === session?.username;
  const closed = c.status === 'CLOSED';
  return (
    <header>
      <h2 data-testid="case-passenger">
        {view.passenger ? `${view.passenger.firstName} ${view.passenger.lastName}` : c.passengerId}
      </h2>
      <button className="link close" onClick={onClose} aria-label={t('closePanel')}>
        ✕
      </button>
      <p className="muted">
        {t('pnr')} <span className="mono">{view.booking?.pnr ?? '—'}</span> · {t('seat')} {view.booking?.seat ?? '—'}
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
        {t('case')}{' '}
        <span
          className={`badge case status-${c.status.toLowerCase()}`}
          data-testid="case-status"
          data-status={c.status}
        >
          {t(`queues:status.${c.status}`, { defaultValue: statusText(c.status) })}
        </span>{' '}
        · {t('regime')} <strong title={c.primaryRegime ?? undefined}>{c.primaryRegime ? regimeLabel(c.primaryRegime).text : t('none')}</strong> ·{' '}
        <span data-testid="case-assignee" data-assignee={c.assignee ?? ''}>
          {c.assignee ? (mine ? t('assignedToYou') : t('assignedTo', { user: c.assignee })) : t('unassigned')}
        </span>
      </p>
      {(view.policyLabel ?? c.policyVersion) && <CasePolicyLine view={view} />}
      {c.needsReview.length > 0 && (
        <p className="warn" title={c.needsReview.join(', ')}>
          {t('needsReview', { what: c.needsReview.map((r) => reviewReasonLabel(r).text).join(', ') })}
        </p>
      )}
      {!closed && (
        <div className="case-actions">
          {!mine && (
            <button data-testid="case-claim" disabled={busy} onClick={() => void caseCommand('claim')}>
              {c.assignee ? t('takeOver') : t('claim')}
            </button>
          )}
          {mine && (
            <button data-testid="case-release" disabled={busy} onClick={() => void caseCommand('release')}>
              {t('release')}
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
              {t('assign')}
            </button>
          )}
          <button data-testid="case-note" onClick={() => openDialog({ kind: 'note', caseId: c.id })}>
            {t('addNote')}
          </button>
          <button data-testid="case-close" onClick={() => openDialog({ kind: 'close', caseId: c.id })}>
            {t('closeCase')}
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

function issueLabel(t: TFunction<'case'>, e: EntitlementView, busy: boolean): string {
  if (e.effectiveStatus === 'ISSUED') return t('issued');
  if (busy) return t('issuing');
  if (e.status !== 'OFFERED') return t(`entStatus.${e.effectiveStatus}`, { defaultValue: statusText(e.effectiveStatus) });
  return needsConfirmDialog(e) ? t('issueConfirm') : t('issue');
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
  const { t } = useTranslation('case');
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
        <span title={e.regime}>{regimeLabel(e.regime).text}</span> · <span title={e.carePeriod}>{carePeriodLabel(e.carePeriod).text}</span> · {e.automatic ? t('automatic') : t('onRequest')} · {t('status')}{' '}
        {t(`entStatus.${e.effectiveStatus}`, { defaultValue: statusText(e.effectiveStatus) })}
        {e.controls?.value && e.amount === null && <> · {t('countsAs', { amount: money(e.controls.value) })}</>}
        {e.voucherSerial && (
          <>
            {' '}
            · {t('voucher')}{' '}
            <span className="mono" data-testid="voucher-serial">
              {e.voucherSerial}
            </span>
          </>
        )}
      </div>
      {e.clauses.length > 0 && (
        <ul className="why" aria-label={t('why')}>
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
            · {t('askedBy', { user: a.requestedBy })}
            {a.status === 'APPROVED' && e.effectiveStatus === 'OFFERED' && ` · ${t('voidedSince')}`}
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
          {t(issuance.status === 'VOID' ? 'issuanceVoided' : 'issuanceIssued', { when: time(issuance.issuedAt), user: issuance.issuedBy })}
          {issuance.paymentMethod && <> · {issuance.paymentMethod.replaceAll('_', ' ')}</>}
          <CareSummary care={issuance.care} />
          {issuance.offline && <> · {t('offline')}</>}
          {issuance.approvalId && <> · {t('approved')}</>}
          {issuance.passengerAgreement && <> · {t('agreed')}</>}
        </p>
      )}
      {block && e.effectiveStatus === 'OFFERED' && (
        <p className={requestable ? 'warn' : 'error'} data-testid="entitlement-blocked" data-code={block.code}>
          {block.message}
        </p>
      )}
      {e.rejection && e.syncState === 'rejected' && (
        <p className="error" data-testid="entitlement-rejection">
          {t('rejected')} <span title={e.rejection.code}>{rejectionLabel(e.rejection.code).text}</span> · {e.rejection.message}
        </p>
      )}
      <div className="ent-actions">
        {isChoiceType(e.type) ? (
          <ChoiceHint />
        ) : (
          <button
            className="primary"
            data-testid={`issue-${e.type}`}
            disabled={!issuable}
            onClick={(ev) => {
              ev.stopPropagation();
              onIssue();
            }}
          >
            {issueLabel(t, e, busy)}
          </button>
        )}
        {requestable && (
          <button
            data-testid={`request-approval-${e.type}`}
            onClick={(ev) => {
              ev.stopPropagation();
              onRequest();
            }}
          >
            {t('requestApproval')}
          </button>
        )}
        {issuance?.status === 'VALID' && <PrintVoucherButton issuanceId={issuance.id} testId={`print-${e.type}`} />}
        {issuance && mayVoid(issuance) && (
          <button
            className="danger-outline"
            data-testid={`void-${e.type}`}
            onClick={(ev) => {
              ev.stopPropagation();
              onVoid(issuance.id);
            }}
          >
            {t('void')}
          </button>
        )}
      </div>
    </li>
  );
}

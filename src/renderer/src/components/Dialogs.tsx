import type { TFunction } from 'i18next';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { PaymentMethod } from '../../../shared/domain/entities.js';
import type { ApprovalView, EntitlementView } from '../../../shared/rpc/contract.js';
import { entitlementLabel, money, time } from '../format.js';
import {
  PAYMENT_METHOD_LABEL,
  agreementRequired,
  buildConfirmation,
  checkReason,
  defaultPaymentMethod,
  minutes,
  paymentMethodsFor,
} from '../logic/money.js';
import { approvalsSelectors } from '../store/approvals/selectors.js';
import { caseSelectors } from '../store/caseview/selectors.js';
import { dialogSelectors } from '../store/dialog/selectors.js';
import type { DialogSpec } from '../store/dialog/initialState.js';
import { useDeskStore } from '../store/index.js';
import { Modal } from './Modal.js';

/** Renders the open dialog, if any (one at a time). */
export function Dialogs() {
  const dialog = useDeskStore(dialogSelectors.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'issue':
    case 'request':
      return <MoneyDialog key={`${dialog.kind}-${dialog.entitlementId}`} spec={dialog} />;
    case 'decide':
      return (
        <DecideDialog
          key={`${dialog.approvalId}-${dialog.decision}`}
          approvalId={dialog.approvalId}
          decision={dialog.decision}
        />
      );
    case 'void':
      return <VoidDialog key={dialog.issuanceId} issuanceId={dialog.issuanceId} />;
    case 'close':
    case 'note':
      return <CaseTextDialog key={dialog.kind} kind={dialog.kind} />;
    case 'assign':
      return <AssignDialog key={dialog.caseId} />;
  }
}

function useDialog() {
  const { busy, error } = useDeskStore(useShallow(dialogSelectors.status));
  const { cancel, submit } = useDeskStore(useShallow((s) => ({ cancel: s.cancelDialog, submit: s.submitDialog })));
  return { busy, error, cancel, submit };
}

function Footer({
  busy,
  error,
  localError,
  confirmLabel,
  danger = false,
}: {
  busy: boolean;
  error: string | null;
  localError: string | null;
  confirmLabel: string;
  danger?: boolean;
}) {
  const cancel = useDeskStore((s) => s.cancelDialog);
  const { t } = useTranslation('dialogs');
  const shown = localError ?? error;
  return (
    <>
      {shown && (
        <p className="error" role="alert" data-testid="dialog-error">
          {shown}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" data-testid="dialog-cancel" onClick={cancel} disabled={busy}>
          {t('cancel')} <kbd>Esc</kbd>
        </button>
        <button type="submit" className={danger ? 'danger' : 'primary'} data-testid="dialog-confirm" disabled={busy}>
          {busy ? t('sending') : confirmLabel}
        </button>
      </div>
    </>
  );
}

function Clauses({ clauses }: { clauses: EntitlementView['clauses'] }) {
  const { t } = useTranslation('dialogs');
  if (clauses.length === 0) return null;
  return (
    <ul className="why" aria-label={t('why')} data-testid="dialog-clauses">
      {clauses.map((c) => (
        <li key={c.id}>
          <span className="mono clause">{c.id}</span> {c.reason}
        </li>
      ))}
    </ul>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Issue with confirmation, or request approval (with the same payment fields for the approved issuance). */
function MoneyDialog({ spec }: { spec: Extract<DialogSpec, { kind: 'issue' | 'request' }> }) {
  const e = useDeskStore(caseSelectors.entitlementById(spec.entitlementId));
  const view = useDeskStore(caseSelectors.view);
  const { busy, error, cancel, submit } = useDialog();
  const [method, setMethod] = useState<PaymentMethod | null>(e ? defaultPaymentMethod(e) : null);
  const [agreed, setAgreed] = useState(false);
  const [agreementText, setAgreementText] = useState('');
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const { t } = useTranslation('dialogs');
  const request = spec.kind === 'request';
  const edit =
    <T,>(setter: (v: T) => void) =>
    (v: T) => {
      setter(v);
      setLocalError(null);
    };

  if (!e) {
    return (
      <Modal
        title={t('notFound')}
        testId={request ? 'request-approval-dialog' : 'issue-dialog'}
        onCancel={cancel}
      >
        <p>{t('notFoundText')}</p>
        <div className="dialog-buttons">
          <button type="button" data-testid="dialog-cancel" onClick={cancel}>
            {t('close')}
          </button>
        </div>
      </Modal>
    );
  }
  const amount = e.amount ?? e.controls?.value ?? null;
  const valueDiffers = e.controls?.value && (!e.amount || e.controls.value.amountMinor !== e.amount.amountMinor);
  const needsAgreement = agreementRequired(e, method);
  const passenger = view?.passenger ? `${view.passenger.firstName} ${view.passenger.lastName}` : e.caseId;

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    if (request) {
      const r = checkReason(reason);
      if (r) return setLocalError(r);
    }
    const c = buildConfirmation(e, { paymentMethod: method, agreed, agreementText });
    if (!c.ok) return setLocalError(c.error);
    setLocalError(null);
    void submit({ confirmation: c.value, reason: request ? reason.trim() : undefined });
  };

  return (
    <Modal
      title={request ? t('requestTitle') : t('issueTitle')}
      testId={request ? 'request-approval-dialog' : 'issue-dialog'}
      onCancel={cancel}
      wide
    >
      <form
        onSubmit={onSubmit}
        noValidate
        onKeyDown={(ev) => {
          // Enter on a radio or checkbox confirms too (keyboard path: i, choose, Enter).
          const t = ev.target as HTMLInputElement;
          if (ev.key === 'Enter' && (t.type === 'radio' || t.type === 'checkbox')) {
            ev.preventDefault();
            ev.currentTarget.requestSubmit();
          }
        }}
      >
        <p className="dialog-amount" data-testid="dialog-amount">
          {money(amount)}
        </p>
        <Facts
          rows={[
            [t('fact.passenger'), passenger],
            [t('fact.entitlement'), `${entitlementLabel(e.type)} · ${e.carePeriod}`],
            [t('fact.regime'), <strong key="r">{e.regime}</strong>],
            ...(valueDiffers ? ([[t('fact.countsAs'), money(e.controls!.value)]] as [string, ReactNode][]) : []),
          ]}
        />
        <Clauses clauses={e.clauses} />
        {request && e.controls?.blockedBy && (
          <p className="warn" data-testid="dialog-block">
            {e.controls.blockedBy.message}
          </p>
        )}
        <fieldset className="methods">
          <legend>{t('paymentMethod')}</legend>
          {paymentMethodsFor(e).map((m) => (
            <label key={m} className="radio">
              <input
                type="radio"
                name="payment-method"
                value={m}
                data-testid={`payment-method-${m}`}
                checked={method === m}
                onChange={() => edit(setMethod)(m)}
                data-autofocus={!request && m === paymentMethodsFor(e)[0] ? true : undefined}
              />{' '}
              {PAYMENT_METHOD_LABEL[m]}
            </label>
          ))}
        </fieldset>
        {needsAgreement && (
          <fieldset className="agreement" data-testid="agreement">
            <legend>Passenger’s agreement (required for {e.regime})</legend>
            <label className="radio">
              <input
                type="checkbox"
                data-testid="agreement-checkbox"
                checked={agreed}
                onChange={(ev) => edit(setAgreed)(ev.target.checked)}
              />{' '}
              The passenger agrees to a travel voucher instead of cash compensation.
            </label>
            <label>
              In the passenger’s words
              <input
                type="text"
                data-testid="agreement-text"
                value={agreementText}
                maxLength={500}
                placeholder={`e.g. I accept a ${money(amount)} travel voucher instead of cash`}
                onChange={(ev) => edit(setAgreementText)(ev.target.value)}
              />
            </label>
          </fieldset>
        )}
        {request && (
          <ReasonField label={t('requestReason')} value={reason} onChange={edit(setReason)} />
        )}
        <Footer
          busy={busy}
          error={error}
          localError={localError}
          confirmLabel={request ? t('requestConfirm') : t('issueConfirm', { amount: money(amount) })}
        />
      </form>
    </Modal>
  );
}

function approvalFacts(t: TFunction<'dialogs'>, a: ApprovalView): [string, ReactNode][] {
  return [
    [t('fact.passenger'), a.passengerName],
    [t('fact.flight'), a.flightLabel],
    [t('fact.entitlement'), entitlementLabel(a.type)],
    [t('fact.regime'), <strong key="r">{a.regime}</strong>],
    [t('fact.requestedBy'), t('requestedAgo', { user: a.requestedBy, ago: minutes(a.ageMinutes) })],
    [t('fact.theirReason'), a.reason],
    [t('fact.paidBy'), a.confirmation ? a.confirmation.paymentMethod.replaceAll('_', ' ') : '—'],
  ];
}

/** Approve or deny, with a reason; Enter confirms (the key `a`/`d` only opened this dialog). */
function DecideDialog({ approvalId, decision }: { approvalId: string; decision: 'approve' | 'deny' }) {
  const a = useDeskStore(approvalsSelectors.byId(approvalId));
  const { busy, error, cancel, submit } = useDialog();
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const approve = decision === 'approve';
  const { t } = useTranslation('dialogs');
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = checkReason(reason);
    if (r) return setLocalError(r);
    setLocalError(null);
    void submit({ reason: reason.trim() });
  };
  return (
    <Modal title={approve ? t('approveTitle') : t('denyTitle')} testId="decide-dialog" onCancel={cancel} wide>
      <form onSubmit={onSubmit} noValidate data-decision={decision}>
        {a ? (
          <>
            <p className="dialog-amount" data-testid="dialog-amount">
              {money(a.amount)}
            </p>
            <Facts rows={approvalFacts(t, a)} />
            <Clauses clauses={a.clauses} />
            {a.confirmation?.passengerAgreement && (
              <p className="muted">{t('passengerAgreed', { text: a.confirmation.passengerAgreement.text })}</p>
            )}
          </>
        ) : (
          <p className="warn">{t('gone')}</p>
        )}
        <ReasonField
          label={approve ? t('approveReason') : t('denyReason')}
          value={reason}
          onChange={(v) => {
            setReason(v);
            setLocalError(null);
          }}
        />
        <Footer
          busy={busy}
          error={error}
          localError={localError}
          confirmLabel={approve ? (a ? t('approveAmount', { amount: money(a.amount) }) : t('approve')) : t('deny')}
          danger={!approve}
        />
      </form>
    </Modal>
  );
}

function VoidDialog({ issuanceId }: { issuanceId: string }) {
  const i = useDeskStore(caseSelectors.issuanceById(issuanceId));
  const { busy, error, cancel, submit } = useDialog();
  const { t } = useTranslation('dialogs');
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = checkReason(reason);
    if (r) return setLocalError(r);
    setLocalError(null);
    void submit({ reason: reason.trim() });
  };
  return (
    <Modal title={t('voidTitle')} testId="void-dialog" onCancel={cancel}>
      <form onSubmit={onSubmit} noValidate>
        {i && (
          <>
            <p className="dialog-amount" data-testid="dialog-amount">
              {money(i.amount)}
            </p>
            <Facts
              rows={[
                [t('fact.entitlement'), entitlementLabel(i.type)],
                [
                  t('fact.voucher'),
                  <span key="s" className="mono">
                    {i.voucherSerial}
                  </span>,
                ],
                [t('fact.issued'), t('issuedBy', { when: time(i.issuedAt), user: i.issuedBy })],
                [t('fact.paidBy'), i.paymentMethod ? i.paymentMethod.replaceAll('_', ' ') : '—'],
              ]}
            />
          </>
        )}
        <p className="muted">{t('voidText')}</p>
        <ReasonField
          label={t('reason')}
          value={reason}
          onChange={(v) => {
            setReason(v);
            setLocalError(null);
          }}
        />
        <Footer busy={busy} error={error} localError={localError} confirmLabel={t('void')} danger />
      </form>
    </Modal>
  );
}

/** Close the case (a reason) or add a note (free text; Ctrl+Enter sends). */
function CaseTextDialog({ kind }: { kind: 'close' | 'note' }) {
  const { busy, error, cancel, submit } = useDialog();
  const [text, setText] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const close = kind === 'close';
  const { t } = useTranslation('dialogs');
  const send = () => {
    const r = close ? checkReason(text) : text.trim() ? null : t('noteEmpty');
    if (r) return setLocalError(r);
    setLocalError(null);
    void submit({ reason: text.trim() });
  };
  return (
    <Modal
      title={close ? t('closeTitle') : t('noteTitle')}
      testId={close ? 'close-case-dialog' : 'note-dialog'}
      onCancel={cancel}
    >
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          send();
        }}
        noValidate
      >
        {close ? (
          <ReasonField
            label={t('reason')}
            value={text}
            onChange={(v) => {
              setText(v);
              setLocalError(null);
            }}
          />
        ) : (
          <label className="reason">
            {t('note')} <span className="muted">{t('noteHint')}</span>
            <textarea
              data-testid="dialog-reason"
              data-autofocus
              rows={4}
              value={text}
              maxLength={2000}
              onChange={(ev) => {
                setText(ev.target.value);
                setLocalError(null);
              }}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
                  ev.preventDefault();
                  send();
                }
              }}
            />
          </label>
        )}
        <Footer busy={busy} error={error} localError={localError} confirmLabel={close ? t('closeConfirm') : t('noteConfirm')} />
      </form>
    </Modal>
  );
}

/** Assign the case to an agent (supervisor/admin): the team's agents are offered, any username is accepted. */
function AssignDialog() {
  const { busy, error, cancel, submit } = useDialog();
  const team = useDeskStore(approvalsSelectors.teamLoad);
  const [who, setWho] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const listId = useId();
  const { t } = useTranslation('dialogs');
  return (
    <Modal title={t('assignTitle')} testId="assign-dialog" onCancel={cancel}>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!who.trim()) return setLocalError(t('agentEmpty'));
          setLocalError(null);
          void submit({ assignee: who.trim() });
        }}
        noValidate
      >
        <label className="reason">
          {t('agent')}
          <input
            type="text"
            data-testid="dialog-assignee"
            data-autofocus
            list={listId}
            value={who}
            maxLength={128}
            placeholder={t('agentPlaceholder')}
            onChange={(ev) => {
              setWho(ev.target.value);
              setLocalError(null);
            }}
          />
          <datalist id={listId}>
            {team?.agents.map((a) => (
              <option key={a.user} value={a.user}>
                {t('openCases', { count: a.openCases })}
              </option>
            ))}
          </datalist>
        </label>
        <Footer busy={busy} error={error} localError={localError} confirmLabel={t('assign')} />
      </form>
    </Modal>
  );
}

/** The required one-line reason of a decision, a void or a close (autofocused, bounded like the server's). */
function ReasonField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label className="reason">
      {label}
      <input
        type="text"
        data-testid="dialog-reason"
        data-autofocus
        value={value}
        maxLength={500}
        onChange={(ev) => onChange(ev.target.value)}
      />
    </label>
  );
}

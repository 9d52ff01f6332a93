import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { CHOICE_TYPES } from '../../../shared/domain/case-status.js';
import type { Issuance } from '../../../shared/domain/entities.js';
import type { CoTravellersResponse } from '../../../shared/rpc/care-choice.js';
import type { CaseView, EntitlementView } from '../../../shared/rpc/contract.js';
import { entitlementLabel, money, time } from '../format.js';
import { isSupervisor } from '../logic/money.js';
import { call } from '../rpc/client.js';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';
import { errorText } from '../store/types.js';
import { Modal } from './Modal.js';

/**
 * Care types and the passenger's choice (issue #12), in the case panel: the hotel dialog (nights,
 * co-travellers of the booking sharing the room), the transport dialog (transfers), and the
 * refund-or-rebook choice with a confirmation. The main process checks everything again
 * (care.ts, CommandService.recordChoice) and so does the server.
 */

/** Care types issued through the care dialog (nights / transfers) rather than straight away. */
export const isCareDialogType = (type: string): boolean => type === 'hotel' || type === 'transport';
/** A rebooking-or-refund entitlement: settled by the passenger's choice, never by a voucher. */
export const isChoiceType = (type: string): boolean => CHOICE_TYPES.has(type);

/** After a command: the case, the flight list and the sync bar again. */
function useRefresh(): () => Promise<void> {
  const { reloadCase, reloadFlight, loadSync } = useDeskStore(
    useShallow((s) => ({ reloadCase: s.reloadCase, reloadFlight: s.reloadFlight, loadSync: s.loadSync })),
  );
  return async () => {
    await Promise.all([reloadCase(), reloadFlight(), loadSync()]);
  };
}

const MAX_NIGHTS = 14;
const MAX_TRANSFERS = 4;

/** Hotel (nights + shared room) or transport (transfers): the dialog is the confirmation of the in-kind voucher. */
export function CareIssueDialog({ e, view, onClose }: { e: EntitlementView; view: CaseView; onClose: () => void }) {
  const { t } = useTranslation('care');
  const refresh = useRefresh();
  const hotel = e.type === 'hotel';
  const [units, setUnits] = useState(1);
  const [share, setShare] = useState<string[]>([]);
  const [travellers, setTravellers] = useState<CoTravellersResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!hotel) return;
    let live = true;
    call('case:cotravellers', { caseId: view.case.id })
      .then((r) => live && setTravellers(r))
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [hotel, view.case.id]);

  const unit = e.amount ?? e.controls?.value ?? null;
  const total = unit ? { ...unit, amountMinor: unit.amountMinor * units } : null;
  const max = hotel ? MAX_NIGHTS : MAX_TRANSFERS;
  const passenger = view.passenger ? `${view.passenger.firstName} ${view.passenger.lastName}` : view.case.passengerId;

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!Number.isInteger(units) || units < 1 || units > max) return setError(t('unitsRange', { max }));
    setBusy(true);
    setError(null);
    try {
      await call('entitlement:issue', {
        entitlementId: e.id,
        confirmation: { paymentMethod: 'in_kind_voucher', passengerAgreement: null },
        care: hotel ? { nights: units, ...(share.length > 0 ? { shareWith: share } : {}) } : { transfers: units },
      });
      await refresh();
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={hotel ? t('hotelTitle') : t('transportTitle')} testId={hotel ? 'hotel-dialog' : 'transport-dialog'} onCancel={onClose}>
      <form onSubmit={(ev) => void onSubmit(ev)} noValidate>
        <p className="dialog-amount" data-testid="care-total">
          {money(total)}
        </p>
        <dl className="facts">
          <div>
            <dt>{t('passenger')}</dt>
            <dd>{passenger}</dd>
          </div>
          <div>
            <dt>{t('entitlement')}</dt>
            <dd>
              {entitlementLabel(e.type)} · {e.regime} · {money(unit)} {hotel ? t('perNight') : t('perTransfer')}
            </dd>
          </div>
        </dl>
        <label className="field">
          {hotel ? t('nights') : t('transfers')}
          <input
            type="number"
            min={1}
            max={max}
            step={1}
            value={units}
            data-autofocus
            data-testid={hotel ? 'care-nights' : 'care-transfers'}
            onChange={(x) => {
              setUnits(Math.trunc(Number(x.target.value)));
              setError(null);
            }}
          />
        </label>
        {hotel && (
          <fieldset className="field" data-testid="care-share">
            <legend>{t('shareRoom')}</legend>
            {travellers === null && !error && <p className="muted">{t('loadingTravellers')}</p>}
            {travellers && travellers.travellers.length === 0 && (
              <p className="muted" data-testid="care-no-cotravellers">
                {t('noCoTravellers', { pnr: travellers.pnr ?? '—' })}
              </p>
            )}
            {travellers?.travellers.map((x) => (
              <label key={x.passengerId} className="check">
                <input
                  type="checkbox"
                  data-testid={`care-share-${x.passengerId}`}
                  checked={share.includes(x.passengerId)}
                  onChange={(c) =>
                    setShare((s) => (c.target.checked ? [...s, x.passengerId] : s.filter((p) => p !== x.passengerId)))
                  }
                />{' '}
                {x.name}
              </label>
            ))}
          </fieldset>
        )}
        <p className="muted">{t('inKindNote')}</p>
        {error && (
          <p className="error" role="alert" data-testid="dialog-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" data-testid="dialog-cancel" onClick={onClose} disabled={busy}>
            {t('cancel')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="primary" data-testid="dialog-confirm" disabled={busy}>
            {busy ? t('sending') : hotel ? t('issueHotel', { count: units }) : t('issueTransport', { count: units })}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The passenger's choice: two buttons (refund, rebook) and a confirmation. Shown when the case
 * offers a rebooking-or-refund entitlement or a choice is recorded; a supervisor may change a
 * recorded choice with a reason.
 */
export function ChoiceControl({ view }: { view: CaseView }) {
  const { t } = useTranslation('care');
  const session = useDeskStore(sessionSelectors.session);
  const refresh = useRefresh();
  const [asking, setAsking] = useState<'refund' | 'rebook' | null>(null);
  const [sent, setSent] = useState<'refund' | 'rebook' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = view.case;
  const recorded = c.passengerChoice ?? null;
  const offered = view.entitlements.some((e) => isChoiceType(e.type));
  if (!offered && !recorded) return null;
  const closed = c.status === 'CLOSED';
  const mayChange = recorded !== null && isSupervisor(session);
  // Recorded on this desk, not yet back from the server.
  const waiting = sent !== null && recorded?.choice !== sent ? sent : null;

  const confirm = async () => {
    if (!asking) return;
    if (recorded && !reason.trim()) return setError(t('reasonNeeded'));
    setBusy(true);
    setError(null);
    try {
      await call('case:choice', { caseId: c.id, choice: asking, reason: recorded ? reason.trim() : null });
      setSent(asking);
      setAsking(null);
      setReason('');
      await refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      className="choice"
      style={{ padding: '0 8px 8px' }}
      data-testid="choice-control"
      data-choice={recorded?.choice ?? ''}
      aria-label={t('choiceTitle')}
    >
      <h3>{t('choiceTitle')}</h3>
      {recorded ? (
        <p data-testid="choice-recorded">
          {t(recorded.choice === 'refund' ? 'choseRefund' : 'choseRebook')}{' '}
          <span className="muted">
            {t('recordedBy', { user: recorded.recordedBy, at: time(recorded.recordedAt, view.flight?.origin) })}
            {recorded.previous && <> · {t('changedFrom', { previous: t(recorded.previous) })}</>}
          </span>
        </p>
      ) : (
        <p className="muted">{t('choiceHelp')}</p>
      )}
      {c.reaccommodation && (
        <p className="warn" data-testid="reaccommodation-flag">
          {t('reaccommodation')}
        </p>
      )}
      {waiting && (
        <p className="muted" data-testid="choice-pending">
          {t('waitingToSync', { choice: t(waiting) })}
        </p>
      )}
      {!closed && (!recorded || mayChange) && (
        <div className="case-actions">
          {(['refund', 'rebook'] as const)
            .filter((x) => x !== recorded?.choice)
            .map((x) => (
              <button key={x} data-testid={`choice-${x}`} disabled={busy || waiting !== null} onClick={() => setAsking(x)}>
                {recorded ? t(x === 'refund' ? 'changeToRefund' : 'changeToRebook') : t(x === 'refund' ? 'refundButton' : 'rebookButton')}
              </button>
            ))}
        </div>
      )}
      {error && !asking && (
        <p className="error" role="alert" data-testid="choice-error">
          {error}
        </p>
      )}
      {asking && (
        <Modal title={t('confirmTitle')} testId="choice-dialog" onCancel={() => setAsking(null)}>
          <form
            onSubmit={(ev) => {
              ev.preventDefault();
              void confirm();
            }}
            noValidate
          >
            <p data-testid="choice-dialog-text">{t(asking === 'refund' ? 'confirmRefund' : 'confirmRebook')}</p>
            {view.entitlements
              .filter((e) => isChoiceType(e.type))
              .map((e) => (
                <ul key={e.id} className="why">
                  {e.clauses.map((cl) => (
                    <li key={cl.id}>
                      <span className="mono clause">{cl.id}</span> {cl.reason}
                    </li>
                  ))}
                </ul>
              ))}
            {recorded && (
              <label className="field">
                {t('reason')}
                <textarea data-testid="choice-reason" value={reason} onChange={(x) => setReason(x.target.value)} rows={2} />
              </label>
            )}
            {error && (
              <p className="error" role="alert" data-testid="dialog-error">
                {error}
              </p>
            )}
            <div className="dialog-buttons">
              <button type="button" data-testid="dialog-cancel" onClick={() => setAsking(null)} disabled={busy}>
                {t('cancel')} <kbd>Esc</kbd>
              </button>
              <button type="submit" className="primary" data-testid="dialog-confirm" disabled={busy} data-autofocus>
                {busy ? t('sending') : t(asking === 'refund' ? 'recordRefund' : 'recordRebook')}
              </button>
            </div>
          </form>
        </Modal>
      )}
    </section>
  );
}

/** In place of the Issue button on a rebooking-or-refund entitlement. */
export function ChoiceHint() {
  const { t } = useTranslation('care');
  return (
    <span className="muted" data-testid="choice-hint">
      {t('choiceHint')}
    </span>
  );
}

/** The care details of an issuance in a few words (`2 nights · shared room (1)`, `2 transfers`). */
export function CareSummary({ care }: { care: Issuance['care'] }) {
  const { t } = useTranslation('care');
  if (!care) return null;
  const parts: string[] = [];
  if (care.nights) parts.push(t('nightsCount', { count: care.nights }));
  if (care.transfers) parts.push(t('transfersCount', { count: care.transfers }));
  if (care.roomGroup) parts.push(t('sharedRoom', { count: care.roomGroup.passengerIds.length }));
  if (parts.length === 0) return null;
  return <span data-testid="issuance-care"> · {parts.join(' · ')}</span>;
}

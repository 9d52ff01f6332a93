import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { policySelectors } from '../store/policy/selectors.js';
import { Modal } from './Modal.js';

/** `datetime-local` value (local time, minutes) of an instant. */
const localInput = (d: Date): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};
/** Effective times this close to now count as now (the backend allows the same minute). */
const GRACE_MS = 60_000;

/**
 * Publish a draft: effective time (now by default, local time), a reason (required when the time is
 * in the past: it changes the rules for flights already scheduled), and an explicit confirmation.
 */
export function PublishDialog() {
  const detail = useDeskStore(policySelectors.detail);
  const { busy, error } = useDeskStore(useShallow(policySelectors.publish));
  const { publish, closePublish } = useDeskStore(useShallow((s) => ({ publish: s.publish, closePublish: s.closePublish })));
  const errors = useDeskStore(policySelectors.errors);
  const [when, setWhen] = useState<'now' | 'at'>('now');
  const [at, setAt] = useState(() => localInput(new Date()));
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [tried, setTried] = useState(false);
  const ids = { reason: useId(), at: useId(), reasonErr: useId() };
  if (!detail) return null;

  const atDate = when === 'now' ? null : new Date(at);
  const badTime = atDate !== null && Number.isNaN(atDate.getTime());
  const past = atDate !== null && !badTime && atDate.getTime() < Date.now() - GRACE_MS;
  const reasonMissing = past && reason.trim() === '';
  const reasonError = (tried && reasonMissing ? 'A reason is required when the effective time is in the past.' : null) ?? (error?.path === 'reason' ? error.message : null);
  const submit = async () => {
    setTried(true);
    if (reasonMissing || badTime || !confirmed) return;
    const effectiveFrom = (atDate ?? new Date()).toISOString();
    await publish(effectiveFrom, reason.trim() || null);
  };

  return (
    <Modal title={`Publish ${detail.label}`} testId="publish-dialog" onCancel={closePublish}>
      <form
        className="publish-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {errors.length > 0 && (
          <p className="error" role="alert">
            {detail.label} has {errors.length} validation error(s): the backend will refuse it. Fix them first.
          </p>
        )}
        <fieldset>
          <legend>Effective</legend>
          <label className="radio">
            <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} data-testid="publish-now" data-autofocus /> Now
          </label>
          <label className="radio">
            <input type="radio" name="when" checked={when === 'at'} onChange={() => setWhen('at')} data-testid="publish-at" /> At a time (local)
          </label>
          {when === 'at' && (
            <label htmlFor={ids.at} className="stack">
              <span>Effective from (your local time)</span>
              <input id={ids.at} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="publish-time" />
            </label>
          )}
          {past && <p className="warn">This time is in the past: flights scheduled since then will be decided under {detail.label}.</p>}
        </fieldset>
        <label htmlFor={ids.reason} className="stack">
          <span>
            Reason {past ? <span className="req">(required)</span> : <span className="muted">(optional)</span>}
          </span>
          <textarea
            id={ids.reason}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? ids.reasonErr : undefined}
            data-testid="publish-reason"
          />
        </label>
        {reasonError && (
          <span className="field-error" id={ids.reasonErr} role="alert" data-testid="publish-reason-error">
            {reasonError}
          </span>
        )}
        <label className="confirm">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="publish-confirm" /> I understand that cases of flights
          departing from {when === 'now' ? 'now' : 'that time'} on are decided under {detail.label}; {detail.label} can no longer be edited.
        </label>
        {tried && !confirmed && <span className="field-error">Tick the confirmation to publish.</span>}
        {error && error.path !== 'reason' && (
          <p className="error" role="alert" data-testid="publish-error">
            {error.message}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={closePublish}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="publish-submit">
            {busy ? 'Publishing…' : `Publish ${detail.label}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}

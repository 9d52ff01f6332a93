import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { BulkCareItem, BulkCarePlan } from '../../../shared/rpc/bulk-care.js';
import { entitlementLabel, money } from '../format.js';
import { bulkSelectors } from '../store/bulk/selectors.js';
import { useDeskStore } from '../store/index.js';
import { Modal } from './Modal.js';

const totalText = (plan: Pick<BulkCarePlan, 'totals'>): string =>
  plan.totals.map((x) => money({ amountMinor: x.amountMinor, currency: x.currency })).join(' + ') || '—';

/**
 * The batch: the main process's plan (what will be issued, what is skipped and why, one
 * confirmation for the batch when any item needs it), then the run's progress bar and a result
 * per passenger (issued with serial, refused with the reason, skipped and why), and
 * "Retry failed" for the refused ones.
 */
export function BulkCareDialog() {
  const { t } = useTranslation('bulk');
  const dialog = useDeskStore(bulkSelectors.dialog);
  const plan = useDeskStore(bulkSelectors.plan);
  const run = useDeskStore(bulkSelectors.run);
  const error = useDeskStore(bulkSelectors.error);
  const type = useDeskStore(bulkSelectors.type) ?? '';
  const picked = useDeskStore((s) => bulkSelectors.selected(s).size);
  const rows = useDeskStore((s) => s.flightData?.rows ?? null);
  const { startBulk, retryBulk, closeBulk } = useDeskStore(
    useShallow((s) => ({ startBulk: s.startBulk, retryBulk: s.retryBulk, closeBulk: s.closeBulk })),
  );
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  // Serials of online issues arrive with the next sync: read them from the live flight rows.
  const serials = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of rows ?? []) for (const e of r.entitlements) if (e.voucherSerial) m.set(e.id, e.voucherSerial);
    return m;
  }, [rows]);
  const label = entitlementLabel(plan?.type ?? run?.type ?? type);
  const running = run !== null && !run.finished;
  const act = (fn: () => Promise<void>) => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };

  return (
    <Modal title={t('title', { label })} testId="bulk-dialog" onCancel={() => closeBulk()} wide>
      {error && (
        <p className="error" role="alert" data-testid="bulk-error">
          {error}
        </p>
      )}
      {dialog === 'planning' && <p className="muted">{t('planning', { n: picked })}</p>}
      {dialog === 'plan' && plan && (
        <div className="bulk-plan" data-testid="bulk-plan" data-to-issue={plan.toIssue}>
          <p>
            <strong>{plan.toIssue > 0 ? t('summary', { n: plan.toIssue, label }) : t('summaryNone')}</strong>{' '}
            {plan.toIssue > 0 && <span data-testid="bulk-total">{t('total', { total: totalText(plan) })}</span>}
          </p>
          {plan.offline && (
            <p className="warn" data-testid="bulk-offline">
              {t('offline')}
            </p>
          )}
          <Results items={plan.items.filter((i) => i.outcome !== 'pending')} serials={serials} testId="bulk-skips" />
          {plan.needsConfirmation && plan.toIssue > 0 && (
            <div className="bulk-confirm">
              <p className="muted">{t('confirmWhy')}</p>
              <label>
                <input
                  type="checkbox"
                  data-testid="bulk-confirm"
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.target.checked)}
                />{' '}
                {t('confirm', { n: plan.toIssue, total: totalText(plan) })}
              </label>
            </div>
          )}
          <div className="bulk-actions">
            <button type="button" onClick={() => closeBulk()}>
              {t('cancel')}
            </button>
            <button
              type="button"
              className="primary"
              data-testid="bulk-start"
              data-autofocus
              disabled={busy || plan.toIssue === 0 || (plan.needsConfirmation && !confirmed)}
              onClick={() => act(() => startBulk(plan.needsConfirmation && confirmed))}
            >
              {t('start', { n: plan.toIssue })}
            </button>
          </div>
        </div>
      )}
      {dialog === 'run' && run && (
        <div className="bulk-run" data-testid="bulk-run" data-finished={run.finished}>
          <div
            className="bulk-progress"
            role="progressbar"
            aria-label={t('progress')}
            aria-valuemin={0}
            aria-valuemax={run.total}
            aria-valuenow={run.done}
            aria-valuetext={t('progressText', { done: run.done, total: run.total })}
            data-testid="bulk-progress"
            data-done={run.done}
            data-total={run.total}
          >
            <span style={{ width: `${run.total === 0 ? 100 : (100 * run.done) / run.total}%` }} />
          </div>
          <p aria-live="polite">
            <strong data-testid="bulk-progress-text">{t('progressText', { done: run.done, total: run.total })}</strong> ·{' '}
            <span data-testid="bulk-counts">{t('counts', run.counts)}</span> ·{' '}
            {run.finished ? t('finished') : t('running')}
          </p>
          <Results items={run.items} serials={serials} testId="bulk-results" />
          <div className="bulk-actions">
            {run.finished && run.counts.refused > 0 && (
              <button type="button" data-testid="bulk-retry" disabled={busy} onClick={() => act(() => retryBulk(false))}>
                {t('retry', { n: run.counts.refused })}
              </button>
            )}
            <button type="button" data-testid="bulk-close" disabled={running} onClick={() => closeBulk()}>
              {t('close')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}

function Results({
  items,
  serials,
  testId,
}: {
  items: readonly BulkCareItem[];
  serials: ReadonlyMap<string, string>;
  testId: string;
}) {
  const { t } = useTranslation('bulk');
  if (items.length === 0) return null;
  return (
    <ul className="bulk-results" data-testid={testId}>
      {items.map((i) => {
        const serial = i.serial ?? (i.entitlementId ? serials.get(i.entitlementId) : undefined) ?? null;
        return (
          <li
            key={`${i.passengerId}/${i.entitlementId ?? ''}`}
            className={`bulk-result ${i.outcome}`}
            data-testid="bulk-result"
            data-outcome={i.outcome}
            data-code={i.code ?? ''}
            data-passenger-id={i.passengerId}
            data-entitlement-id={i.entitlementId ?? ''}
          >
            <span className="name">{i.passengerName}</span>
            <span className={`badge outcome-${i.outcome}`}>{t(`outcome.${i.outcome}`)}</span>
            <span className="detail">
              {i.outcome === 'issued' ? (
                serial ? (
                  <span className="mono" data-testid="bulk-serial">
                    {t('serial', { serial })}
                  </span>
                ) : (
                  <span className="muted">{t('serialLater')}</span>
                )
              ) : i.outcome === 'skipped' ? (
                <>
                  <strong>{t(`why.${i.code}`, { defaultValue: i.code ?? '' })}</strong>
                  {i.reason ? `: ${i.reason}` : ''}
                </>
              ) : (
                (i.reason ?? '')
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

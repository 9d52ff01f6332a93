import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { CARE_TYPES, type VoucherDocument, type VoucherFormat } from '../../../shared/voucher/document.js';
import { money } from '../format.js';
import { useDeskStore } from '../store/index.js';
import { voucherSelectors } from '../store/voucher/selectors.js';
import './voucher.css';

/** `2026-12-02 11:30` in the station's zone (24-hour, ops convention); UTC with `Z` when the zone is unknown. */
export function stationStamp(iso: string, timeZone: string): string {
  try {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(iso))
        .map((x) => [x.type, x.value]),
    );
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${timeZone === 'UTC' ? 'Z' : ''}`;
  } catch {
    return `${iso.slice(0, 16).replace('T', ' ')}Z`;
  }
}

/**
 * The print view of one voucher (issue #12), over the console. On screen: the paper and a toolbar
 * (paper format, print, close); printed: only the paper (voucher.css hides everything else). It
 * prints once when the document arrives: Electron's print path in the app, window.print() in web mode.
 */
export function VoucherPrintView() {
  const vp = useDeskStore(voucherSelectors.print);
  const format = useDeskStore(voucherSelectors.format);
  const { closeVoucher, printVoucher, setVoucherFormat } = useDeskStore(
    useShallow((s) => ({ closeVoucher: s.closeVoucher, printVoucher: s.printVoucher, setVoucherFormat: s.setVoucherFormat })),
  );
  const { t } = useTranslation('voucher');
  const printed = useRef<string | null>(null);
  const printId = vp?.doc?.print.printId ?? null;

  useEffect(() => {
    if (!printId || printed.current === printId) return;
    printed.current = printId;
    // After the paper is laid out (next frame), not in the same task as the render.
    const timer = setTimeout(() => void printVoucher(), 50);
    return () => clearTimeout(timer);
  }, [printId, printVoucher]);

  useEffect(() => {
    if (!vp) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeVoucher();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [vp, closeVoucher]);

  if (!vp) return null;
  return createPortal(
    <div className="voucher-print-root" data-testid="voucher-print-view" data-format={format}>
      <div className="voucher-toolbar" role="toolbar" aria-label={t('toolbar.heading')}>
        <strong>{t('toolbar.heading')}</strong>
        <label>
          {t('toolbar.format')}{' '}
          <select
            data-testid="voucher-format"
            value={format}
            onChange={(e) => setVoucherFormat(e.target.value as VoucherFormat)}
          >
            <option value="page">{t('toolbar.page')}</option>
            <option value="receipt">{t('toolbar.receipt')}</option>
          </select>
        </label>
        <button className="primary" data-testid="voucher-print" disabled={!vp.doc} onClick={() => void printVoucher()}>
          {t('toolbar.print')}
        </button>
        <button data-testid="voucher-close" onClick={closeVoucher}>
          {t('toolbar.close')}
        </button>
      </div>
      {vp.loading && <p className="voucher-status">{t('toolbar.loading')}</p>}
      {vp.error && (
        <p className="voucher-status error" role="alert" data-testid="voucher-error">
          {t('toolbar.error', { message: vp.error })}
        </p>
      )}
      {vp.doc && <VoucherPaper doc={vp.doc} format={format} />}
    </div>,
    document.body,
  );
}

function VoucherPaper({ doc, format }: { doc: VoucherDocument; format: VoucherFormat }) {
  const { t } = useTranslation('voucher');
  const tz = doc.validity.timeZone;
  const at = (iso: string) => stationStamp(iso, tz);
  const care = CARE_TYPES.has(doc.type) || doc.paymentMethod === 'in_kind_voucher';
  const title = care
    ? t('title.care')
    : doc.validity.rule === 'NO_EXPIRY'
      ? t('title.receipt')
      : t('title.compensation');
  const kind = CARE_TYPES.has(doc.type) ? t(`kind.${doc.type}`) : t('kind.other', { type: doc.type.replaceAll('_', ' ') });
  const barcode = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(doc.barcode.svg)}`;
  return (
    <article
      className={`voucher-paper ${format}${doc.status === 'VOID' ? ' void' : ''}`}
      data-testid="voucher-paper"
      data-serial={doc.serial}
      data-copy={doc.print.copy}
      data-reprint={doc.print.reprint}
    >
      <header className="v-head">
        <div>
          <div className="v-title">{title}</div>
          <div className="v-kind" data-testid="voucher-kind">
            {kind}
            {doc.carePeriod && doc.carePeriod !== 'EVENT' && <span className="v-period"> · {doc.carePeriod}</span>}
          </div>
        </div>
        {doc.print.reprint && (
          <div className="v-reprint" data-testid="voucher-reprint">
            {t('reprint')}
            <small>{at(doc.print.printedAt)}</small>
          </div>
        )}
      </header>
      {doc.status === 'VOID' && <div className="v-void">{t('void')}</div>}

      <section className="v-value">
        <span className="v-label">{t('value')}</span>
        <span className="v-amount" data-testid="voucher-value">
          {doc.valueBasis === 'up_to' && <small>{t('upTo')} </small>}
          {doc.value ? money(doc.value) : t('noValue')}
        </span>
      </section>

      <dl className="v-fields">
        <div className="v-wide">
          <dt>{t('passenger')}</dt>
          <dd className="v-name" data-testid="voucher-passenger">
            {doc.passenger.name}
          </dd>
        </div>
        <div>
          <dt>{t('pnr')}</dt>
          <dd className="mono">{doc.passenger.pnr ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('seat')}</dt>
          <dd className="mono">{doc.passenger.seat ?? '—'}</dd>
        </div>
        {doc.flight && (
          <div className="v-wide">
            <dt>{t('flight')}</dt>
            <dd>
              <span className="mono">{doc.flight.label}</span> {doc.flight.origin}→{doc.flight.destination} · {t('scheduled')}{' '}
              {at(doc.flight.scheduledDeparture)} · {doc.flight.status}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('validFrom')}</dt>
          <dd data-testid="voucher-valid-from">{at(doc.validity.from)}</dd>
        </div>
        <div>
          <dt>{t('validUntil')}</dt>
          <dd data-testid="voucher-valid-until">{doc.validity.until ? at(doc.validity.until) : t('noExpiry')}</dd>
        </div>
        <div className="v-wide v-rule">
          <dd>
            {t(`rule.${doc.validity.rule}`, { period: doc.carePeriod ?? '' })} {t('time', { station: doc.station })}.
          </dd>
        </div>
        <div>
          <dt>{t('station')}</dt>
          <dd className="mono">{doc.station}</dd>
        </div>
        <div>
          <dt>{t('issuedBy')}</dt>
          <dd data-testid="voucher-agent">
            {doc.agent}
            {doc.offline && <> · {t('offline')}</>}
          </dd>
        </div>
        <div>
          <dt>{t('issuedAt')}</dt>
          <dd>{at(doc.issuedAt)}</dd>
        </div>
        {(doc.regime || doc.paymentMethod) && (
          <div>
            <dt>{doc.paymentMethod ? t('payment') : t('regime')}</dt>
            <dd>{doc.paymentMethod ? doc.paymentMethod.replaceAll('_', ' ') : doc.regime}</dd>
          </div>
        )}
      </dl>

      <section className="v-code">
        <img src={barcode} alt={`Code 128: ${doc.serial}`} data-testid="voucher-barcode" />
        <div className="v-serial-label">{t('serial')}</div>
        <div className="v-serial mono" data-testid="voucher-serial-printed">
          {doc.serial}
        </div>
      </section>

      <p className="v-terms">{t('terms')}</p>
      <footer className="v-foot" data-testid="voucher-copy">
        {t('copy', { copy: doc.print.copy, at: at(doc.print.printedAt), by: doc.print.printedBy })}
        {doc.regime && doc.paymentMethod && <> · {doc.regime}</>} · {doc.issuanceId}
      </footer>
    </article>
  );
}

/** "Print voucher" (first print) or "Re-print" of an issuance; main decides whether it is copy 1 or a REPRINT. */
export function PrintVoucherButton({
  issuanceId,
  testId,
  reprint = false,
}: {
  issuanceId: string;
  testId: string;
  reprint?: boolean;
}) {
  const openVoucher = useDeskStore((s) => s.openVoucher);
  const { t } = useTranslation('voucher');
  return (
    <button
      data-testid={testId}
      data-issuance-id={issuanceId}
      className={reprint ? 'link' : undefined}
      onClick={(ev) => {
        ev.stopPropagation();
        void openVoucher(issuanceId);
      }}
    >
      {reprint ? t('button.reprint') : t('button.print')}
    </button>
  );
}

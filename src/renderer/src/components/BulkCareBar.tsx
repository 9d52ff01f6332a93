import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { PassengerRow } from '../../../shared/rpc/contract.js';
import { entitlementLabel } from '../format.js';
import { bulkCareTypes, eligibleFor } from '../logic/bulk.js';
import { desk } from '../rpc/client.js';
import { bulkSelectors } from '../store/bulk/selectors.js';
import { flightSelectors } from '../store/flight/selectors.js';
import { useDeskStore } from '../store/index.js';
import { BulkCareDialog } from './BulkCareDialog.js';
import './bulk.css';

/**
 * Bulk care on the flight view: pick a care type, tick passengers (a row's box, Shift-click for a
 * range, all eligible, or the rows the filter shows) and issue to all of them in one batch. The
 * batch runs in the main process through the same command path as a single issue.
 */
export function BulkCareBar({ rows }: { rows: readonly PassengerRow[] }) {
  const { t } = useTranslation('bulk');
  const all = useDeskStore((s) => s.flightData?.rows ?? null);
  const filter = useDeskStore(flightSelectors.filter);
  const selected = useDeskStore(bulkSelectors.selected);
  const picked = useDeskStore(bulkSelectors.type);
  const dialog = useDeskStore(bulkSelectors.dialog);
  const { bulkSelect, setBulkType, openBulk, bulkProgress } = useDeskStore(
    useShallow((s) => ({
      bulkSelect: s.bulkSelect,
      setBulkType: s.setBulkType,
      openBulk: s.openBulk,
      bulkProgress: s.bulkProgress,
    })),
  );
  useEffect(() => desk.on('care:bulkProgress', (p) => bulkProgress(p)), [bulkProgress]);

  const types = useMemo(() => bulkCareTypes(all ?? []), [all]);
  const type = picked && types.some((x) => x.type === picked) ? picked : (types[0]?.type ?? null);
  const eligible = useMemo(
    () => (type ? (all ?? []).filter((r) => eligibleFor(r, type)).map((r) => r.passenger.id) : []),
    [all, type],
  );
  if (types.length === 0 || !type) return dialog !== 'closed' ? <BulkCareDialog /> : null;

  return (
    <div className="bulk-bar" role="group" aria-label={t('bar')} data-testid="bulk-bar">
      <label>
        {t('careType')}{' '}
        <select data-testid="bulk-type" value={type} onChange={(e) => setBulkType(e.target.value)}>
          {types.map((x) => (
            <option key={x.type} value={x.type}>
              {t('typeOption', { label: entitlementLabel(x.type), n: x.eligible })}
            </option>
          ))}
        </select>
      </label>
      <button type="button" data-testid="bulk-select-eligible" disabled={eligible.length === 0} onClick={() => bulkSelect(eligible)}>
        {t('selectEligible', { n: eligible.length })}
      </button>
      {filter.trim() && rows.length > 0 && (
        <button type="button" data-testid="bulk-select-filtered" onClick={() => bulkSelect(rows.map((r) => r.passenger.id))}>
          {t('selectFiltered', { n: rows.length })}
        </button>
      )}
      {selected.size > 0 && (
        <button type="button" className="link" data-testid="bulk-clear" onClick={() => bulkSelect([])}>
          {t('clear')}
        </button>
      )}
      <span className="spacer" />
      <span className="muted" data-testid="bulk-selected-count" data-count={selected.size} aria-live="polite">
        {t('selected', { n: selected.size })}
      </span>
      <button
        type="button"
        className="primary"
        data-testid="bulk-issue"
        disabled={selected.size === 0}
        onClick={() => void openBulk(type)}
      >
        {t('issue')}
      </button>
      {dialog !== 'closed' && <BulkCareDialog />}
    </div>
  );
}

/**
 * A row's bulk tick: a click toggles it, Shift+click ticks the range from the last ticked row. It is
 * drawn, not a form control: a focusable control inside the row's listbox option is an
 * accessibility error (axe nested-interactive), and a checkbox beside the option is not allowed in
 * a listbox. Keyboard and screen-reader users select with "Select all eligible" and the filter; a
 * ticked row says so in its text.
 */
export function BulkTick({ r, index, ids }: { r: PassengerRow; index: number; ids: readonly string[] }) {
  const { t } = useTranslation('bulk');
  const checked = useDeskStore((s) => bulkSelectors.selected(s).has(r.passenger.id));
  const bulkTick = useDeskStore((s) => s.bulkTick);
  return (
    <>
      <span
        className={`bulk-tick ${checked ? 'on' : ''}`}
        data-testid="bulk-tick"
        data-checked={checked}
        aria-hidden="true"
        title={t('tick', { name: `${r.passenger.firstName} ${r.passenger.lastName}` })}
        onClick={(e) => {
          e.stopPropagation(); // ticking never opens the case
          bulkTick(ids, index, e.shiftKey);
        }}
      >
        {checked ? '☑' : '☐'}
      </span>
      {checked && <span className="sr-only">{t('ticked')}</span>}
    </>
  );
}

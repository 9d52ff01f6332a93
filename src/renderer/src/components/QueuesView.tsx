import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { QueueItem } from '../../../shared/rpc/contract.js';
import { rejectionLabel } from '../logic/humanize.js';
import { slaText } from '../logic/money.js';
import { QUEUE_ORDER, statusText } from '../logic/queues.js';
import { useDeskStore } from '../store/index.js';
import { queuesSelectors } from '../store/queues/selectors.js';
import { uiSelectors } from '../store/ui/selectors.js';

/** Case queues: mine, unassigned, awaiting approval, needs review, rejected; age against SLA. */
export function QueuesView() {
  const name = useDeskStore(queuesSelectors.name);
  const items = useDeskStore(queuesSelectors.items);
  const counts = useDeskStore(queuesSelectors.counts);
  const total = useDeskStore(queuesSelectors.total);
  const limit = useDeskStore((s) => s.queueLimit);
  const showMore = useDeskStore((s) => s.showMoreQueue);
  const { loading, error, loaded } = useDeskStore(useShallow(queuesSelectors.status));
  const index = useDeskStore(queuesSelectors.index);
  const zone = useDeskStore(uiSelectors.zone);
  const openCaseId = useDeskStore((s) => s.caseId);
  const { setQueue, select, openCase } = useDeskStore(
    useShallow((s) => ({ setQueue: s.setQueue, select: s.select, openCase: s.openCase })),
  );
  const { t } = useTranslation('queues');
  // Virtual rows (TanStack Virtual): only the rows in view are in the table; spacer rows above and
  // below keep the scroll height, aria-rowcount / aria-rowindex keep the row numbers for screen readers.
  const wrapRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => wrapRef.current,
    estimateSize: () => QUEUE_ROW_PX,
    getItemKey: (i) => `${items[i]!.caseId}-${items[i]!.commandId ?? ''}`,
    overscan: 10,
    initialRect: { width: 0, height: 800 },
  });
  const selectedRow = zone === 'queue' ? index : -1;
  useEffect(() => {
    if (selectedRow >= 0 && selectedRow < items.length) virtualizer.scrollToIndex(selectedRow, { align: 'auto' });
  }, [selectedRow, items.length, virtualizer]);
  const virtualRows = virtualizer.getVirtualItems();
  const padTop = virtualRows[0]?.start ?? 0;
  const padBottom = virtualRows.length ? virtualizer.getTotalSize() - virtualRows[virtualRows.length - 1]!.end : 0;

  return (
    <section
      className={`pane queues ${zone === 'queue' ? 'active' : ''}`}
      aria-label={t('label')}
      data-testid="queues-view"
    >
      <div className="tabs" role="tablist" aria-label={t('tabs')}>
        {QUEUE_ORDER.map((q) => (
          <button
            key={q}
            role="tab"
            aria-selected={q === name}
            className={`tab ${q === name ? 'on' : ''} ${q === 'rejected' && (counts?.[q] ?? 0) > 0 ? 'alert' : ''}`}
            data-testid={`queue-tab-${q}`}
            data-count={counts?.[q] ?? ''}
            onClick={() => setQueue(q)}
          >
            {t(`tab.${q}`)} {counts && <span className="count">{counts[q] ?? 0}</span>}
          </button>
        ))}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="queue-error">
          {t('loadError', { error })}
        </p>
      )}
      {loading && !loaded && (
        <p className="muted" data-testid="queue-loading">
          {t('loading', { queue: t(`tab.${name}`).toLowerCase() })}
        </p>
      )}
      {loaded && items.length === 0 && (
        <p className="empty" data-testid="queue-empty">
          {t(`empty.${name}`)}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap" ref={wrapRef}>
          <table
            className="queue-table"
            data-testid="queue-table"
            data-queue={name}
            aria-label={t(`tab.${name}`)}
            aria-rowcount={items.length + 1}
          >
            <thead>
              <tr aria-rowindex={1}>
                <th>{t('col.passenger')}</th>
                <th>{t('col.flight')}</th>
                <th>{t('col.status')}</th>
                <th>{t('col.assignee')}</th>
                <th>{t('col.age')}</th>
                <th>{name === 'rejected' ? t('col.reason') : name === 'needs_review' ? t('col.missing') : ''}</th>
              </tr>
            </thead>
            <tbody>
              {padTop > 0 && (
                <tr aria-hidden="true" className="vpad">
                  <td colSpan={6} style={{ height: padTop, padding: 0, border: 0 }} />
                </tr>
              )}
              {virtualRows.map((v) => {
                const it = items[v.index]!;
                return (
                  <QueueRow
                    key={v.key}
                    index={v.index}
                    measure={virtualizer.measureElement}
                    it={it}
                    selected={v.index === selectedRow}
                    tabbable={v.index === Math.max(0, selectedRow)}
                    open={it.caseId === openCaseId}
                    onOpen={() => {
                      select('queue', v.index);
                      void openCase(it.caseId);
                    }}
                  />
                );
              })}
              {padBottom > 0 && (
                <tr aria-hidden="true" className="vpad">
                  <td colSpan={6} style={{ height: padBottom, padding: 0, border: 0 }} />
                </tr>
              )}
            </tbody>
          </table>
          {total > items.length && (
            <p className="muted more">
              {t('showing', { shown: items.length, total })}{' '}
              {limit < 500 && (
                <button className="link" data-testid="queue-more" onClick={showMore}>
                  {t('more')}
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** Estimated queue row height (rows are measured after render). */
const QUEUE_ROW_PX = 36;

function QueueRow({
  index,
  measure,
  it,
  selected,
  tabbable,
  open,
  onOpen,
}: {
  index: number;
  measure: (el: Element | null) => void;
  it: QueueItem;
  selected: boolean;
  /** Roving tabindex: Tab reaches the selected row (or the first), Enter opens it. */
  tabbable: boolean;
  open: boolean;
  onOpen: () => void;
}) {
  const { t } = useTranslation('queues');
  return (
    <tr
      ref={measure}
      data-index={index}
      aria-rowindex={index + 2}
      className={`${selected ? 'selected' : ''} ${open ? 'open' : ''} ${it.overdue ? 'overdue' : ''}`}
      data-testid="queue-row"
      data-case-id={it.caseId}
      data-overdue={it.overdue}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen();
        }
      }}
    >
      <td>
        <strong>{it.passengerName}</strong>
      </td>
      <td className="mono">{it.flightLabel}</td>
      <td>
        <span className={`badge case status-${it.status.toLowerCase()}`}>{t(`status.${it.status}`, { defaultValue: statusText(it.status) })}</span>
      </td>
      <td>{it.assignee ?? <span className="muted">{t('unassigned')}</span>}</td>
      <td className={it.overdue ? 'overdue-cell' : ''} data-testid="queue-sla">
        {slaText(it.ageMinutes, it.slaMinutes)}
        {it.overdue && <strong> · {t('overdue')}</strong>}
      </td>
      <td className="detail">
        {it.code && (
          <strong className="code" title={it.code} data-code={it.code}>
            {rejectionLabel(it.code).text}
          </strong>
        )}{' '}
        {it.detail}
      </td>
    </tr>
  );
}

import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { QueueItem } from '../../../shared/rpc/contract.js';
import { slaText } from '../logic/money.js';
import { QUEUE_EMPTY, QUEUE_LABEL, QUEUE_ORDER, statusText } from '../logic/queues.js';
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

  return (
    <section
      className={`pane queues ${zone === 'queue' ? 'active' : ''}`}
      aria-label="Case queues"
      data-testid="queues-view"
    >
      <div className="tabs" role="tablist" aria-label="Queues">
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
            {QUEUE_LABEL[q]} {counts && <span className="count">{counts[q] ?? 0}</span>}
          </button>
        ))}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="queue-error">
          Could not load the queue: {error}
        </p>
      )}
      {loading && !loaded && (
        <p className="muted" data-testid="queue-loading">
          Loading {QUEUE_LABEL[name].toLowerCase()}…
        </p>
      )}
      {loaded && items.length === 0 && (
        <p className="empty" data-testid="queue-empty">
          {QUEUE_EMPTY[name]}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="queue-table" data-testid="queue-table" data-queue={name}>
            <thead>
              <tr>
                <th>Passenger</th>
                <th>Flight</th>
                <th>Status</th>
                <th>Assignee</th>
                <th>Age / SLA</th>
                <th>{name === 'rejected' ? 'Server’s reason' : name === 'needs_review' ? 'Missing' : ''}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it, i) => (
                <QueueRow
                  key={`${it.caseId}-${it.commandId ?? ''}`}
                  it={it}
                  selected={zone === 'queue' && i === index}
                  open={it.caseId === openCaseId}
                  onOpen={() => {
                    select('queue', i);
                    void openCase(it.caseId);
                  }}
                />
              ))}
            </tbody>
          </table>
          {total > items.length && (
            <p className="muted more">
              Showing {items.length} of {total}.{' '}
              {limit < 500 && (
                <button className="link" data-testid="queue-more" onClick={showMore}>
                  Show more
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function QueueRow({
  it,
  selected,
  open,
  onOpen,
}: {
  it: QueueItem;
  selected: boolean;
  open: boolean;
  onOpen: () => void;
}) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <tr
      ref={ref}
      className={`${selected ? 'selected' : ''} ${open ? 'open' : ''} ${it.overdue ? 'overdue' : ''}`}
      data-testid="queue-row"
      data-case-id={it.caseId}
      data-overdue={it.overdue}
      aria-selected={selected}
      tabIndex={-1}
      onClick={onOpen}
    >
      <td>
        <strong>{it.passengerName}</strong>
      </td>
      <td className="mono">{it.flightLabel}</td>
      <td>
        <span className={`badge case status-${it.status.toLowerCase()}`}>{statusText(it.status)}</span>
      </td>
      <td>{it.assignee ?? <span className="muted">unassigned</span>}</td>
      <td className={it.overdue ? 'overdue-cell' : ''} data-testid="queue-sla">
        {slaText(it.ageMinutes, it.slaMinutes)}
        {it.overdue && <strong> · overdue</strong>}
      </td>
      <td className="detail">
        {it.code && <span className="mono code">{it.code}</span>} {it.detail}
      </td>
    </tr>
  );
}

import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { syncSelectors } from '../store/sync/selectors.js';
import { ago, time } from '../format.js';
import type { AttentionItem } from '../../../shared/rpc/contract.js';

/** Bottom bar: online/offline, queued commands, last sync per station, needs-attention list. */
export function SyncBar() {
  const status = useDeskStore(syncSelectors.status);
  const attention = useDeskStore(syncSelectors.attention);
  const show = useDeskStore(syncSelectors.showAttention);
  const syncingNow = useDeskStore(syncSelectors.syncingNow);
  const { syncNow, toggleAttention } = useDeskStore(
    useShallow((s) => ({ syncNow: s.syncNow, toggleAttention: s.toggleAttention })),
  );
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const online = status?.online ?? false;
  return (
    <footer className="syncbar" data-testid="sync-bar">
      <span className={`dot ${online ? 'on' : 'off'}`} data-testid="sync-online" data-online={online}>
        {online ? 'Online' : 'Offline'}
      </span>
      <span data-testid="sync-pending" data-count={status?.pendingCommands ?? 0}>
        {status?.pendingCommands ?? 0} pending
      </span>
      <span>last sync {ago(status?.lastSyncAt ?? null)}</span>
      {status?.stations.map((s) => (
        <span key={s.station} className="muted" title={`epoch ${s.epoch ?? '-'}`}>
          {s.station} {s.cursor}/{s.head}
        </span>
      ))}
      {status?.lastError && (
        <span className="error" title={status.lastError}>
          {status.lastError.slice(0, 80)}
        </span>
      )}
      <span className="spacer" />
      <button
        data-testid="attention-toggle"
        className={status?.needsAttention ? 'warn-btn' : ''}
        onClick={toggleAttention}
      >
        Needs attention: {status?.needsAttention ?? 0}
      </button>
      <button onClick={() => void syncNow()} disabled={syncingNow || !status?.signedIn}>
        {syncingNow ? 'Syncing…' : 'Sync now'}
      </button>
      {show && (
        <div className="attention" data-testid="attention-list" role="dialog" aria-label="Needs attention">
          <h3>Needs attention</h3>
          {attention.length === 0 ? (
            <p className="empty">Nothing needs attention. Rejected commands appear here.</p>
          ) : (
            <ul>
              {attention.map((a) => (
                <AttentionRow key={a.commandId} item={a} />
              ))}
            </ul>
          )}
        </div>
      )}
    </footer>
  );
}

/** One rejected command: the server's reason, a link to its case, Retry, and Dismiss with a note. */
function AttentionRow({ item: a }: { item: AttentionItem }) {
  const busy = useDeskStore(syncSelectors.attentionBusy) === a.commandId;
  const error = useDeskStore(syncSelectors.attentionError);
  const { openCase, retryAttention, dismissAttention, toggleAttention } = useDeskStore(
    useShallow((s) => ({
      openCase: s.openCase,
      retryAttention: s.retryAttention,
      dismissAttention: s.dismissAttention,
      toggleAttention: s.toggleAttention,
    })),
  );
  const [dismissing, setDismissing] = useState(false);
  const [note, setNote] = useState('');
  return (
    <li data-testid="attention-item" data-command-id={a.commandId}>
      <strong>{a.code}</strong> <span data-testid="attention-reason">{a.message}</span>
      <div className="muted">
        {a.type} {a.entitlementId ?? ''} · {time(a.createdAt)}
      </div>
      <div className="attention-actions">
        {a.caseId && (
          <button
            data-testid="attention-open-case"
            onClick={() => {
              toggleAttention();
              void openCase(a.caseId!);
            }}
          >
            Open case
          </button>
        )}
        <button data-testid="attention-retry" disabled={busy} onClick={() => void retryAttention(a.commandId)}>
          Retry
        </button>
        <button data-testid="attention-dismiss" disabled={busy} onClick={() => setDismissing(!dismissing)}>
          Dismiss…
        </button>
      </div>
      {dismissing && (
        <form
          className="attention-dismiss"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim().length === 0) return;
            void dismissAttention(a.commandId, note.trim()).then(() => setDismissing(false));
          }}
        >
          <input
            data-testid="attention-note"
            aria-label="Why dismiss it (recorded on the case)"
            placeholder="Why dismiss it (recorded on the case)"
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            autoFocus
          />
          <button type="submit" disabled={busy || note.trim().length === 0}>
            Dismiss
          </button>
        </form>
      )}
      {error?.commandId === a.commandId && (
        <div className="error" role="alert">
          {error.message}
        </div>
      )}
    </li>
  );
}

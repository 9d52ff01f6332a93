import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LiveRegions } from './LiveRegions.js';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { syncSelectors } from '../store/sync/selectors.js';
import { ago, bootstrapLabel, commandLabel, time } from '../format.js';
import type { AttentionItem, DeskInfo } from '../../../shared/rpc/contract.js';
import { call } from '../rpc/client.js';
import { rejectionLabel } from '../logic/humanize.js';

/** Bottom bar: online/offline, queued commands, last sync per station, needs-attention list. */
export function SyncBar() {
  const status = useDeskStore(syncSelectors.status);
  const attention = useDeskStore(syncSelectors.attention);
  const show = useDeskStore(syncSelectors.showAttention);
  const syncingNow = useDeskStore(syncSelectors.syncingNow);
  const waiting = useDeskStore(syncSelectors.waiting);
  const showWaiting = useDeskStore(syncSelectors.showWaiting);
  const { syncNow, toggleAttention, toggleWaiting } = useDeskStore(
    useShallow((s) => ({ syncNow: s.syncNow, toggleAttention: s.toggleAttention, toggleWaiting: s.toggleWaiting })),
  );
  const { t } = useTranslation('sync');
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const online = status?.online ?? false;
  return (
    <footer className="syncbar" data-testid="sync-bar">
      <LiveRegions />
      <span className={`dot ${online ? 'on' : 'off'}`} data-testid="sync-online" data-online={online}>
        {online ? t('online') : t('offline')}
      </span>
      <span data-testid="sync-pending" data-count={status?.pendingCommands ?? 0}>
        {t('pending', { count: status?.pendingCommands ?? 0 })}
      </span>
      <span>{t('lastSync', { ago: ago(status?.lastSyncAt ?? null) })}</span>
      {status?.stations.map((s) => (
        <span key={s.station} className="muted" title={t('epoch', { epoch: s.epoch ?? '-' })}>
          {s.station} {s.cursor}/{s.head}
        </span>
      ))}
      {status?.bootstrap?.map((b) => (
        <BootstrapBar key={b.station} station={b.station} applied={b.applied} total={b.total} />
      ))}
      {status?.signedIn && !online && (
        <span className="muted" data-testid="offline-note" title={status.lastError ?? undefined}>
          {t('workingOffline')}
        </span>
      )}
      {online && status?.lastError && (
        <span className="error" title={status.lastError}>
          {status.lastError.slice(0, 80)}
        </span>
      )}
      <span className="spacer" />
      {status?.signedIn && (
        <DeskInfoTag refresh={`${status.pendingCommands}|${status.lastSyncAt ?? ''}|${String(online)}`} />
      )}
      {waiting.length > 0 && (
        <button data-testid="waiting-toggle" className="warn-btn" onClick={toggleWaiting}>
          {t('waitingToggle', { count: waiting.length })}
        </button>
      )}
      <button
        data-testid="attention-toggle"
        className={status?.needsAttention ? 'warn-btn' : ''}
        onClick={toggleAttention}
      >
        {t('attentionToggle', { count: status?.needsAttention ?? 0 })}
      </button>
      <button onClick={() => void syncNow()} disabled={syncingNow || !status?.signedIn}>
        {syncingNow ? t('syncing') : t('syncNow')}
      </button>
      {showWaiting && <WaitingPanel />}
      {show && (
        <div className="attention" data-testid="attention-list" role="dialog" aria-label={t('attentionTitle')}>
          <h3>{t('attentionTitle')}</h3>
          {attention.length === 0 ? (
            <p className="empty">{t('attentionEmpty')}</p>
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

/**
 * This desk's id and the voucher serials left for offline issues (issue #10), re-read when the
 * sync status moves (`refresh`). Low on serials is shown as a warning: the desk refills online.
 */
function DeskInfoTag({ refresh }: { refresh: string }) {
  const [info, setInfo] = useState<DeskInfo | null>(null);
  const { t } = useTranslation('sync');
  useEffect(() => {
    let live = true;
    call('desk:info', {})
      .then((i) => live && setInfo(i))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [refresh]);
  if (!info) return null;
  const low = info.serialsLeft < 10;
  return (
    <span
      className={low ? 'error' : 'muted'}
      data-testid="desk-info"
      data-desk-id={info.deskId}
      data-serials-left={info.serialsLeft}
      title={t(info.enrolled ? 'deskTitleEnrolled' : 'deskTitleNotEnrolled', { deskId: info.deskId, count: info.serialsLeft })}
    >
      {info.deskId.slice(0, 11)}… · {info.enrolled ? t('serials', { count: info.serialsLeft }) : t('notEnrolled')}
    </span>
  );
}

/** A progress bar with `Loading PHX: 12,400 of 100,000` while a station loads from the server's snapshot. */
function BootstrapBar({ station, applied, total }: { station: string; applied: number; total: number }) {
  return (
    <span className="bootstrap" data-testid="sync-bootstrap" data-station={station}>
      {bootstrapLabel(station, applied, total)}{' '}
      <progress max={total > 0 ? total : undefined} value={total > 0 ? Math.min(applied, total) : undefined} />
    </span>
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
  const { t } = useTranslation('sync');
  const [dismissing, setDismissing] = useState(false);
  const [note, setNote] = useState('');
  return (
    <li data-testid="attention-item" data-command-id={a.commandId}>
      <strong title={a.code} data-testid="attention-code" data-code={a.code}>
        {rejectionLabel(a.code).text}
      </strong>{' '}
      <span data-testid="attention-reason">{a.message}</span>
      <div className="muted">
        <span title={a.type}>{commandLabel(a.type)}</span> {a.entitlementId ?? ''} · {time(a.createdAt)}
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
            {t('openCase')}
          </button>
        )}
        <button data-testid="attention-retry" disabled={busy} onClick={() => void retryAttention(a.commandId)}>
          {t('retry')}
        </button>
        <button data-testid="attention-dismiss" disabled={busy} onClick={() => setDismissing(!dismissing)}>
          {t('dismissOpen')}
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
            aria-label={t('dismissNote')}
            placeholder={t('dismissNote')}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            autoFocus
          />
          <button type="submit" disabled={busy || note.trim().length === 0}>
            {t('dismiss')}
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

/**
 * Supervisor: commands other users queued on this desk (they wait for their author to sign in
 * again). Releasing sends them under the supervisor's token; the author stays on the record.
 */
function WaitingPanel() {
  const waiting = useDeskStore(syncSelectors.waiting);
  const error = useDeskStore(syncSelectors.waitingError);
  const { releaseWaiting, toggleWaiting } = useDeskStore(
    useShallow((s) => ({ releaseWaiting: s.releaseWaiting, toggleWaiting: s.toggleWaiting })),
  );
  const { t } = useTranslation('sync');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <div className="attention" data-testid="waiting-list" role="dialog" aria-label={t('waitingLabel')}>
      <h3>{t('waitingTitle')}</h3>
      <p className="muted">{t('waitingHint')}</p>
      {waiting.length === 0 ? (
        <p className="empty">{t('waitingEmpty')}</p>
      ) : (
        <ul>
          {waiting.map((w) => (
            <li key={w.commandId} data-testid="waiting-item" data-command-id={w.commandId}>
              <label>
                <input type="checkbox" checked={picked.has(w.commandId)} onChange={() => toggle(w.commandId)} />{' '}
                <strong>{w.createdBy ?? t('unknownAuthor')}</strong> · <span title={w.type}>{commandLabel(w.type)}</span>{' '}
                · {w.station} · {time(w.createdAt)}
              </label>
            </li>
          ))}
        </ul>
      )}
      <div className="attention-actions">
        <button
          data-testid="waiting-release"
          disabled={picked.size === 0}
          onClick={() => void releaseWaiting([...picked]).then(() => setPicked(new Set()))}
        >
          {t('release', { count: picked.size })}
        </button>
        <button onClick={toggleWaiting}>{t('close')}</button>
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

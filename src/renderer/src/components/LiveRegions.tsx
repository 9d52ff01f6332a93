import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDeskStore } from '../store/index.js';
import { syncSelectors } from '../store/sync/selectors.js';

/**
 * Screen-reader announcements of sync changes: a polite region for online/offline and the queue
 * draining, an assertive one when the server refuses a change (a new needs-attention item). The
 * regions stay mounted (empty) so assistive technology hears each change.
 */
export function LiveRegions() {
  const { t } = useTranslation('sync');
  const status = useDeskStore(syncSelectors.status);
  const attention = useDeskStore(syncSelectors.attention);
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');
  const prev = useRef<{ online: boolean; pending: number; rejected: number } | null>(null);

  useEffect(() => {
    if (!status?.signedIn) return;
    const now = { online: status.online, pending: status.pendingCommands, rejected: status.needsAttention };
    const before = prev.current;
    prev.current = now;
    if (!before) return; // the first status is the starting point, not news
    if (now.online !== before.online) setPolite(t(now.online ? 'announce.online' : 'announce.offline'));
    else if (now.pending === 0 && before.pending > 0) setPolite(t('announce.synced'));
    else if (now.pending > before.pending) setPolite(t('announce.pending', { count: now.pending }));
    if (now.rejected > before.rejected) {
      const added = now.rejected - before.rejected;
      const newest = attention[0];
      setAssertive(added === 1 && newest ? t('announce.rejected', { message: newest.message }) : t('announce.rejectedMany', { count: added }));
    }
  }, [status, attention, t]);

  return (
    <>
      <div className="sr-only" role="status" aria-live="polite" data-testid="live-polite">
        {polite}
      </div>
      <div className="sr-only" role="alert" aria-live="assertive" data-testid="live-assertive">
        {assertive}
      </div>
    </>
  );
}

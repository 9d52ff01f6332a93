import { EventEmitter } from 'node:events';
import type { DataContext } from '../data/client.js';
import { readHead } from '../data/changelog.js';

/**
 * Long-poll support: wait until a station's head passes `after` or the timeout ends. Commits
 * in this process wake waiters at once (addCommitListener in changelog.ts); commits by other
 * processes (other Lambdas) are seen by polling the head every `pollMs`.
 */
export interface ChangeWaiter {
  notify(seqs: Record<string, number>): void;
  waitFor(ctx: DataContext, station: string, after: number, timeoutMs: number): Promise<number>;
  /**
   * Shutting down: every wait ends now with the head it read last, and later ones do not wait (a
   * long poll must not outlive the server and read a table that is going away).
   */
  close(): void;
}

export function createChangeWaiter(pollMs = 1000): ChangeWaiter {
  const em = new EventEmitter();
  em.setMaxListeners(0);
  const CLOSE = Symbol('close');
  let closed = false;
  return {
    notify(seqs) {
      for (const [station, seq] of Object.entries(seqs)) em.emit(station, seq);
    },
    close() {
      closed = true;
      em.emit(CLOSE);
    },
    async waitFor(ctx, station, after, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let head = await readHead(ctx, station);
      while (!closed && head <= after && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(t);
            em.off(station, onSeq);
            em.off(CLOSE, done);
            resolve();
          };
          const onSeq = (seq: number) => {
            if (seq > after) done();
          };
          const t = setTimeout(done, Math.max(0, Math.min(pollMs, deadline - Date.now())));
          em.on(station, onSeq);
          em.on(CLOSE, done);
        });
        if (closed) break;
        head = await readHead(ctx, station);
      }
      return head;
    },
  };
}

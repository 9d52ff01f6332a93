/**
 * Counts the batches a Kafka consumer is working on, so that `idle()` can wait until none is
 * (the ops ingest consumer and the feeds consumer: tests and the local cloud wait on it).
 */
export interface InFlight {
  /** Runs `work` as one batch in flight: counted from this call until it settles. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once no batch is in flight (at once when none is). */
  idle(): Promise<void>;
}

export function inFlightTracker(): InFlight {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  return {
    async track(work) {
      inFlight++;
      try {
        return await work();
      } finally {
        inFlight--;
        if (inFlight === 0) {
          const w = waiters;
          waiters = [];
          w.forEach((f) => f());
        }
      }
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
  };
}

import type { BulkCareProgress } from '../../../../shared/rpc/bulk-care.js';
import { call } from '../../rpc/client.js';
import { tickRange } from '../../logic/bulk.js';
import { errorText, type Slice } from '../types.js';

export interface BulkActions {
  /** A row's checkbox: toggle, or with Shift a range from the last tick (ids = the rows as shown). */
  bulkTick(ids: readonly string[], index: number, shift: boolean): void;
  /** Replace the ticks (select all eligible, select the filtered rows, clear). */
  bulkSelect(ids: readonly string[]): void;
  setBulkType(type: string): void;
  /** Opens the dialog with the main process's plan for the ticked passengers. */
  openBulk(type: string): Promise<void>;
  /** Starts the run (with the batch confirmation when the plan needs one). */
  startBulk(confirmed: boolean): Promise<void>;
  /** Re-runs only the refused items of the finished run. */
  retryBulk(confirmed: boolean): Promise<void>;
  /** A `care:bulkProgress` event from main. */
  bulkProgress(p: BulkCareProgress): void;
  closeBulk(): void;
}

const fresh = (flightId: string | null) => ({ bulkFlightId: flightId, bulkSelected: new Set<string>(), bulkAnchor: null });

export const bulkActions: Slice<BulkActions> = (set, get) => {
  /** Events sent before the run was known here (IPC does not order replies and events): read the run once. */
  const catchUp = (runId: string): void => {
    void call('care:bulkRun', { runId })
      .then((full) => {
        const cur = get().bulkRun;
        if (cur?.runId === full.runId && full.done > cur.done) set({ bulkRun: full });
      })
      .catch(() => undefined);
  };
  return {
  bulkTick(ids, index, shift) {
    const s = get();
    const base = s.bulkFlightId === s.flightId ? s : { ...s, ...fresh(s.flightId) };
    set({
      bulkFlightId: s.flightId,
      bulkSelected: tickRange(base.bulkSelected, ids, index, base.bulkAnchor, shift),
      bulkAnchor: index,
    });
  },
  bulkSelect(ids) {
    set({ bulkFlightId: get().flightId, bulkSelected: new Set(ids), bulkAnchor: null });
  },
  setBulkType(type) {
    set({ bulkType: type });
  },
  async openBulk(type) {
    const s = get();
    if (!s.flightId || s.bulkFlightId !== s.flightId || s.bulkSelected.size === 0) return;
    set({ bulkType: type, bulkDialog: 'planning', bulkPlan: null, bulkRun: null, bulkError: null });
    try {
      const plan = await call('care:bulkPlan', { flightId: s.flightId, type, passengerIds: [...s.bulkSelected] });
      if (get().bulkDialog === 'planning') set({ bulkPlan: plan, bulkDialog: 'plan' });
    } catch (e) {
      set({ bulkError: errorText(e), bulkDialog: 'plan' });
    }
  },
  async startBulk(confirmed) {
    const plan = get().bulkPlan;
    if (!plan) return;
    set({ bulkError: null });
    try {
      const run = await call('care:bulkIssue', {
        flightId: plan.flightId,
        type: plan.type,
        passengerIds: [...new Set(plan.items.map((i) => i.passengerId))],
        confirmation: confirmed ? { paymentMethod: 'in_kind_voucher' } : null,
      });
      set({ bulkRun: run, bulkDialog: 'run' });
      catchUp(run.runId);
    } catch (e) {
      set({ bulkError: errorText(e) });
    }
  },
  async retryBulk(confirmed) {
    const run = get().bulkRun;
    if (!run?.finished) return;
    set({ bulkError: null });
    try {
      const next = await call('care:bulkRetry', {
        runId: run.runId,
        confirmation: confirmed ? { paymentMethod: 'in_kind_voucher' } : null,
      });
      set({ bulkRun: next, bulkDialog: 'run' });
      catchUp(next.runId);
    } catch (e) {
      set({ bulkError: errorText(e) });
    }
  },
  bulkProgress(p) {
    const run = get().bulkRun;
    if (!run || run.runId !== p.runId) return;
    if (p.finished) {
      // The main process's own record (every item, serials as known now) replaces the event stream.
      set({ bulkRun: { ...run, done: p.done, finished: true } });
      void call('care:bulkRun', { runId: p.runId })
        .then((full) => {
          if (get().bulkRun?.runId === full.runId) set({ bulkRun: full });
        })
        .catch((e: unknown) => set({ bulkError: errorText(e) }));
      return;
    }
    if (!p.item) return;
    const items = run.items.slice();
    items[p.index] = p.item;
    const counts = { ...run.counts };
    if (p.item.outcome !== 'pending') counts[p.item.outcome] += 1;
    set({ bulkRun: { ...run, items, counts, done: Math.max(run.done, p.done) } });
  },
  closeBulk() {
    if (get().bulkRun && !get().bulkRun!.finished) return; // a running batch is watched to the end
    set({ bulkDialog: 'closed', bulkPlan: null, bulkRun: null, bulkError: null });
  },
};
};

import { blockOf, isSupervisor, issueKeyAction } from '../../logic/money.js';
import { boardSelectors } from '../board/selectors.js';
import { flightSelectors } from '../flight/selectors.js';
import { queuesSelectors } from '../queues/selectors.js';
import type { Slice } from '../types.js';
import type { View, Zone } from './initialState.js';

export interface UiActions {
  setZone(zone: Zone): void;
  /** Switches the main view (Board / Queues / Approvals); the open case stays open. */
  setView(view: View): void;
  /** Moves the selection in the active list by `delta` rows (clamped). */
  move(delta: number): void;
  select(zone: Zone, index: number): void;
  /** Enter: opens the selected flight / passenger case / queue row / approval's case. */
  openSelected(): Promise<void>;
  /** Escape: goes one level back (case → passengers → board). */
  back(): void;
  /**
   * `i`: the selected entitlement of the open case. Issues directly only what needs no
   * confirmation; money opens the confirmation dialog, an above-limit one the approval request.
   */
  issueSelected(): Promise<void>;
  toggleHelp(force?: boolean): void;
}

const clamp = (v: number, max: number): number => Math.max(0, Math.min(v, Math.max(0, max - 1)));

/** The list the keyboard lands in when a view is shown. */
const homeZone = (view: View): Zone => (view === 'queues' ? 'queue' : view === 'approvals' ? 'approvals' : 'board');

export const uiActions: Slice<UiActions> = (set, get) => ({
  setZone(zone) {
    set({ zone });
  },
  setView(view) {
    const s = get();
    if (view === 'approvals' && !isSupervisor(s.session)) return;
    if ((view === 'policies' || view === 'users') && s.session?.role !== 'admin') return;
    const zone = view === 'board' ? (s.flightId ? 'passengers' : 'board') : homeZone(view);
    set({ view, zone });
    if (view === 'queues') void s.loadQueue();
    if (view === 'approvals') void Promise.all([s.loadApprovals(), s.loadTeamLoad()]);
    if (view === 'policies') void s.loadPolicies();
    if (view === 'users') void s.loadUsers();
  },
  move(delta) {
    const s = get();
    if (s.zone === 'board') set({ boardIndex: clamp(s.boardIndex + delta, boardSelectors.visibleFlights(s).length) });
    else if (s.zone === 'passengers')
      set({ passengerIndex: clamp(s.passengerIndex + delta, flightSelectors.visibleRows(s).length) });
    else if (s.zone === 'queue') set({ queueIndex: clamp(s.queueIndex + delta, queuesSelectors.items(s).length) });
    else if (s.zone === 'approvals') set({ approvalIndex: clamp(s.approvalIndex + delta, s.approvals?.length ?? 0) });
    else set({ entitlementIndex: clamp(s.entitlementIndex + delta, s.caseData?.entitlements.length ?? 0) });
  },
  select(zone, index) {
    if (zone === 'board') set({ zone, boardIndex: index });
    else if (zone === 'passengers') set({ zone, passengerIndex: index });
    else if (zone === 'queue') set({ zone, queueIndex: index });
    else if (zone === 'approvals') set({ zone, approvalIndex: index });
    else set({ zone, entitlementIndex: index });
  },
  async openSelected() {
    const s = get();
    if (s.zone === 'board') {
      const f = boardSelectors.visibleFlights(s)[s.boardIndex];
      if (f) await s.openFlight(f.id);
    } else if (s.zone === 'passengers') {
      const row = flightSelectors.visibleRows(s)[s.passengerIndex];
      if (row?.case) await s.openCase(row.case.id);
    } else if (s.zone === 'queue') {
      const item = queuesSelectors.items(s)[s.queueIndex];
      if (item) await s.openCase(item.caseId);
    } else if (s.zone === 'approvals') {
      const a = s.approvals?.[s.approvalIndex];
      if (a) await s.openCase(a.caseId);
    }
  },
  back() {
    const s = get();
    if (s.showHelp) set({ showHelp: false });
    else if (s.searchOpen) s.closeSearch();
    else if (s.caseId) s.closeCase();
    else if (s.view === 'board' && s.flightId) s.closeFlight();
  },
  async issueSelected() {
    const s = get();
    const e = s.caseData?.entitlements[s.entitlementIndex];
    if (!e) return;
    switch (issueKeyAction(e, s.issuing.includes(e.id))) {
      case 'request':
        s.openDialog({ kind: 'request', entitlementId: e.id });
        break;
      case 'blocked':
        set({ issueError: blockOf(e)?.message ?? null });
        break;
      case 'confirm':
        s.openDialog({ kind: 'issue', entitlementId: e.id });
        break;
      case 'issue':
        await s.issue(e.id);
        break;
      case 'none':
        break;
    }
  },
  toggleHelp(force) {
    set({ showHelp: force ?? !get().showHelp });
  },
});

import type { BulkCarePlan, BulkCareRun } from '../../../../shared/rpc/bulk-care.js';

export interface BulkState {
  /** The flight the ticks belong to (a new flight starts with none). */
  bulkFlightId: string | null;
  /** Ticked passenger ids. */
  bulkSelected: ReadonlySet<string>;
  /** The row index of the last tick (Shift-click ranges start there). */
  bulkAnchor: number | null;
  /** The care type picked in the bar (null: the flight's most common one). */
  bulkType: string | null;
  /** The dialog: planning → plan (confirm) → run (progress and results). */
  bulkDialog: 'closed' | 'planning' | 'plan' | 'run';
  bulkPlan: BulkCarePlan | null;
  bulkRun: BulkCareRun | null;
  bulkError: string | null;
}

export const bulkInitialState: BulkState = {
  bulkFlightId: null,
  bulkSelected: new Set(),
  bulkAnchor: null,
  bulkType: null,
  bulkDialog: 'closed',
  bulkPlan: null,
  bulkRun: null,
  bulkError: null,
};

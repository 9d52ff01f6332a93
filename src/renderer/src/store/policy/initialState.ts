import type {
  DiffResponse,
  PolicyVersionDetail,
  PolicyVersionSummary,
  SimulationCaseResult,
  SimulationJob,
} from '../../../../shared/policy/admin-contract.js';
import type { ConsoleIssue } from '../../logic/policy-form.js';

/** Which pane of the selected version is shown. */
export type PolicyTab = 'edit' | 'diff' | 'simulate';
export type EditorMode = 'form' | 'json';

/** The admin console's policy state (issue #9): versions, the draft being edited, diff, simulation, publication. */
export interface PolicyState {
  policyVersions: PolicyVersionSummary[] | null;
  policyInForce: number | null;
  policyLoading: boolean;
  policyError: string | null;
  /** The version open on the right. */
  policySelected: number | null;
  policyDetail: PolicyVersionDetail | null;
  policyDetailLoading: boolean;
  policyTab: PolicyTab;
  editorMode: EditorMode;
  /** The working copy of a draft's content (form and JSON view edit it); null = not a draft. */
  draftContent: unknown[] | null;
  /** The JSON view's text while it does not parse (the form then waits for valid JSON). */
  draftJsonText: string | null;
  draftJsonError: { message: string; at: number | null } | null;
  draftDirty: boolean;
  /** Issues of the working copy: the local check (the engine's schema + rules) and the last server check. */
  draftIssues: ConsoleIssue[];
  /** The last server check was of the content as it is now. */
  draftServerChecked: boolean;
  draftBusy: 'saving' | 'validating' | null;
  draftMessage: string | null;
  /** An error of the last save/validate; `path` = the field the backend refused. */
  draftError: { message: string; path: string | null } | null;
  diffFrom: number | null;
  diffTo: number | null;
  diff: DiffResponse | null;
  diffLoading: boolean;
  diffError: string | null;
  simDays: number;
  simJob: SimulationJob | null;
  simCases: SimulationCaseResult[] | null;
  simBusy: boolean;
  simError: string | null;
  publishOpen: boolean;
  publishing: boolean;
  publishError: { message: string; path: string | null } | null;
  publishMessage: string | null;
}

export const policyInitialState: PolicyState = {
  policyVersions: null,
  policyInForce: null,
  policyLoading: false,
  policyError: null,
  policySelected: null,
  policyDetail: null,
  policyDetailLoading: false,
  policyTab: 'edit',
  editorMode: 'form',
  draftContent: null,
  draftJsonText: null,
  draftJsonError: null,
  draftDirty: false,
  draftIssues: [],
  draftServerChecked: false,
  draftBusy: null,
  draftMessage: null,
  draftError: null,
  diffFrom: null,
  diffTo: null,
  diff: null,
  diffLoading: false,
  diffError: null,
  simDays: 30,
  simJob: null,
  simCases: null,
  simBusy: false,
  simError: null,
  publishOpen: false,
  publishing: false,
  publishError: null,
  publishMessage: null,
};

import type { ConsoleIssue } from '../../logic/policy-form.js';
import type { DeskState } from '../types.js';

const EMPTY: ConsoleIssue[] = [];

export const policySelectors = {
  versions: (s: DeskState) => s.policyVersions,
  list: (s: DeskState) => ({ loading: s.policyLoading, error: s.policyError, inForce: s.policyInForce }),
  selected: (s: DeskState) => s.policySelected,
  detail: (s: DeskState) => s.policyDetail,
  detailLoading: (s: DeskState) => s.policyDetailLoading,
  tab: (s: DeskState) => s.policyTab,
  editorMode: (s: DeskState) => s.editorMode,
  isDraft: (s: DeskState) => s.policyDetail?.status === 'draft',
  content: (s: DeskState) => s.draftContent ?? s.policyDetail?.content ?? null,
  draftContent: (s: DeskState) => s.draftContent,
  jsonText: (s: DeskState) => s.draftJsonText,
  jsonError: (s: DeskState) => s.draftJsonError,
  draftState: (s: DeskState) => ({
    dirty: s.draftDirty,
    busy: s.draftBusy,
    message: s.draftMessage,
    error: s.draftError,
    serverChecked: s.draftServerChecked,
  }),
  issues: (s: DeskState) => s.draftIssues,
  errors: (s: DeskState) => (s.draftIssues.length ? s.draftIssues.filter((i) => i.severity === 'error') : EMPTY),
  /** Issues by path (a field shows the first). */
  issueAt: (path: string) => (s: DeskState) =>
    s.draftIssues.find((i) => i.path === path) ??
    (s.draftError?.path === path ? { severity: 'error' as const, code: 'schema' as const, path, document: null, message: s.draftError.message } : undefined),
  diff: (s: DeskState) => ({ from: s.diffFrom, to: s.diffTo, diff: s.diff, loading: s.diffLoading, error: s.diffError }),
  sim: (s: DeskState) => ({ days: s.simDays, job: s.simJob, cases: s.simCases, busy: s.simBusy, error: s.simError }),
  publish: (s: DeskState) => ({ open: s.publishOpen, busy: s.publishing, error: s.publishError, message: s.publishMessage }),
};

import type { SimulationCaseResult } from '../../../../shared/policy/admin-contract.js';
import { validatePolicyContent } from '../../../../shared/policy/admin-validate.js';
import { bumpedVersion, reasonAmountWarnings, setAtPath, type ConsoleIssue } from '../../logic/policy-form.js';
import { RpcCallError, call } from '../../rpc/client.js';
import { errorText, type Slice } from '../types.js';
import type { EditorMode, PolicyTab } from './initialState.js';

export interface PolicyActions {
  loadPolicies(): Promise<void>;
  openPolicy(version: number): Promise<void>;
  setPolicyTab(tab: PolicyTab): void;
  setEditorMode(mode: EditorMode): void;
  /** A new draft copied from `from`; it opens in the editor. */
  createDraft(from: number): Promise<void>;
  /** A form edit: sets the value at `path` (`['content', 3, …]`); the document's version gets the draft suffix once. */
  setDraftField(path: (string | number)[], value: unknown): void;
  /** The JSON view's text: applied to the working copy when it parses as a list of documents. */
  setDraftJson(text: string): void;
  /** Discards unsaved edits. */
  resetDraft(): void;
  saveDraft(): Promise<boolean>;
  /** The backend's check of the working copy (schema, engine, published versions reused, limits). */
  validateDraft(): Promise<void>;
  loadDiff(from: number, to: number): Promise<void>;
  setSimDays(days: number): void;
  /** Saves unsaved edits, starts the simulation and polls it to the end, then loads the changed cases. */
  startSimulation(): Promise<void>;
  openPublish(): void;
  closePublish(): void;
  publish(effectiveFrom: string, reason: string | null): Promise<boolean>;
  rollback(to: number, reason: string): Promise<boolean>;
}

const SIM_POLL_MS = 400;
const SIM_CASE_PAGES = 20;
let localCheckTimer: number | null = null;

const issueOf = (e: unknown): { message: string; path: string | null } => ({
  message: errorText(e),
  path: e instanceof RpcCallError && e.path !== undefined ? e.path : null,
});

/** Local issues replace local ones; server issues of a path stay until that path is edited or rechecked. */
function localIssues(content: readonly unknown[]): ConsoleIssue[] {
  try {
    return [...validatePolicyContent(content as unknown[]), ...reasonAmountWarnings(content)];
  } catch (e) {
    return [{ severity: 'error', code: 'engine', path: 'content', document: null, message: errorText(e) }];
  }
}

export const policyActions: Slice<PolicyActions> = (set, get) => {
  const checkSoon = (): void => {
    if (localCheckTimer !== null) window.clearTimeout(localCheckTimer);
    localCheckTimer = window.setTimeout(() => {
      localCheckTimer = null;
      const c = get().draftContent;
      if (c) set({ draftIssues: localIssues(c), draftServerChecked: false });
    }, 250);
  };

  return {
    async loadPolicies() {
      set({ policyLoading: true, policyError: null });
      try {
        const r = await call('policy:list', {});
        set({ policyVersions: r.versions, policyInForce: r.inForce, policyLoading: false });
        if (get().policySelected === null) {
          const newest = [...r.versions].sort((a, b) => b.version - a.version);
          const pick = newest.find((v) => v.status === 'draft')?.version ?? r.inForce ?? newest[0]?.version;
          if (pick !== undefined) await get().openPolicy(pick);
        }
      } catch (e) {
        set({ policyLoading: false, policyError: errorText(e) });
      }
    },
    async openPolicy(version) {
      set({
        policySelected: version,
        policyDetailLoading: true,
        draftError: null,
        draftMessage: null,
        publishMessage: null,
        simJob: null,
        simCases: null,
        simError: null,
        diff: null,
        diffError: null,
      });
      try {
        const d = await call('policy:get', { version });
        if (get().policySelected !== version) return;
        const draft = d.status === 'draft';
        set({
          policyDetail: d,
          policyDetailLoading: false,
          draftContent: draft ? structuredClone(d.content) : null,
          draftJsonText: null,
          draftJsonError: null,
          draftDirty: false,
          draftIssues: draft ? localIssues(d.content) : [],
          draftServerChecked: false,
          policyTab: draft ? get().policyTab : get().policyTab === 'edit' ? 'diff' : get().policyTab,
        });
        const from = d.basedOn ?? d.rollbackOf ?? (version > 1 ? version - 1 : null);
        if (from !== null) void get().loadDiff(from, version);
      } catch (e) {
        set({ policyDetailLoading: false, policyDetail: null, draftContent: null, policyError: errorText(e) });
      }
    },
    setPolicyTab(tab) {
      set({ policyTab: tab });
      // The diff shows stored content: refresh it (a save may have changed the draft since).
      const { diffFrom, diffTo } = get();
      if (tab === 'diff' && diffFrom !== null && diffTo !== null) void get().loadDiff(diffFrom, diffTo);
    },
    setEditorMode(mode) {
      // The JSON view shows the working copy freshly formatted unless it holds unparsed text.
      set({ editorMode: mode, ...(get().draftJsonError ? {} : { draftJsonText: null }) });
    },
    async createDraft(from) {
      set({ policyError: null });
      try {
        const d = await call('policy:createDraft', { from, note: `from v${from}` });
        set({ policyTab: 'edit', editorMode: 'form' });
        await get().loadPolicies();
        await get().openPolicy(d.version);
      } catch (e) {
        set({ policyError: errorText(e) });
      }
    },
    setDraftField(path, value) {
      const s = get();
      if (!s.draftContent || !s.policyDetail) return;
      let content = setAtPath(s.draftContent, path, value);
      const doc = typeof path[1] === 'number' ? path[1] : null;
      const version = doc !== null ? (content[doc] as { version?: unknown } | undefined)?.version : undefined;
      if (doc !== null && typeof version === 'string') {
        const bumped = bumpedVersion(version, s.policyDetail.version);
        if (bumped !== version) content = setAtPath(content, ['content', doc, 'version'], bumped);
      }
      set({ draftContent: content, draftDirty: true, draftJsonText: null, draftJsonError: null, draftMessage: null, draftError: null });
      checkSoon();
    },
    setDraftJson(text) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (!Array.isArray(parsed)) throw new SyntaxError('the content is a list of policy documents: [ {…}, … ]');
        set({ draftContent: parsed, draftJsonText: text, draftJsonError: null, draftDirty: true, draftMessage: null, draftError: null });
        checkSoon();
      } catch (e) {
        const m = /position (\d+)/.exec(errorText(e));
        set({ draftJsonText: text, draftJsonError: { message: errorText(e), at: m ? Number(m[1]) : null }, draftDirty: true });
      }
    },
    resetDraft() {
      const d = get().policyDetail;
      if (!d || d.status !== 'draft') return;
      set({
        draftContent: structuredClone(d.content),
        draftJsonText: null,
        draftJsonError: null,
        draftDirty: false,
        draftIssues: localIssues(d.content),
        draftError: null,
        draftMessage: null,
      });
    },
    async saveDraft() {
      const s = get();
      if (!s.policyDetail || !s.draftContent || s.draftBusy) return false;
      if (s.draftJsonError) {
        set({ draftError: { message: `The JSON does not parse: ${s.draftJsonError.message}`, path: null } });
        return false;
      }
      set({ draftBusy: 'saving', draftError: null, draftMessage: null });
      try {
        const d = await call('policy:saveDraft', {
          version: s.policyDetail.version,
          content: s.draftContent as Record<string, unknown>[],
          expectedUpdatedAt: s.policyDetail.updatedAt,
        });
        set({ policyDetail: d, draftDirty: false, draftBusy: null, draftMessage: `Saved ${new Date(d.updatedAt).toLocaleTimeString()}` });
        void get().loadPolicies();
        const { diffFrom, diffTo } = get();
        if (diffFrom !== null && diffTo === d.version) void get().loadDiff(diffFrom, diffTo);
        await get().validateDraft();
        return true;
      } catch (e) {
        const err = issueOf(e);
        // A refused field shows at its input / JSON path like any other issue.
        const extra: ConsoleIssue[] = err.path ? [{ severity: 'error', code: 'schema', path: err.path, document: null, message: err.message }] : [];
        set({ draftBusy: null, draftError: err, draftIssues: [...extra, ...get().draftIssues.filter((i) => i.path !== err.path)] });
        return false;
      }
    },
    async validateDraft() {
      const s = get();
      if (!s.policyDetail || !s.draftContent || s.draftJsonError) return;
      set({ draftBusy: 'validating', draftError: null });
      try {
        const r = await call('policy:validate', { version: s.policyDetail.version, content: s.draftContent });
        set({
          // The backend's issues plus the console's own text check (reasons naming another amount).
          draftIssues: [...r.issues, ...reasonAmountWarnings(s.draftContent)],
          draftServerChecked: true,
          draftBusy: null,
          draftMessage: r.valid ? `${s.draftMessage ? `${s.draftMessage} · ` : ''}Valid: ready to simulate and publish` : get().draftMessage,
        });
      } catch (e) {
        set({ draftBusy: null, draftError: issueOf(e) });
      }
    },
    async loadDiff(from, to) {
      set({ diffFrom: from, diffTo: to, diffLoading: true, diffError: null });
      try {
        const diff = await call('policy:diff', { from, to });
        if (get().diffFrom === from && get().diffTo === to) set({ diff, diffLoading: false });
      } catch (e) {
        set({ diffLoading: false, diffError: errorText(e), diff: null });
      }
    },
    setSimDays(days) {
      set({ simDays: days });
    },
    async startSimulation() {
      const s = get();
      if (!s.policyDetail || s.simBusy) return;
      if (s.draftDirty && !(await get().saveDraft())) {
        set({ simError: 'Save the draft first: it has an error.' });
        return;
      }
      const version = s.policyDetail.version;
      set({ simBusy: true, simError: null, simJob: null, simCases: null });
      try {
        let job = await call('policy:simulate', { version, days: get().simDays });
        set({ simJob: job });
        while (job.status === 'queued' || job.status === 'running') {
          await new Promise((r) => window.setTimeout(r, SIM_POLL_MS));
          if (get().policySelected !== version) return;
          job = await call('policy:simulation', { jobId: job.jobId });
          set({ simJob: job });
        }
        if (job.status === 'failed') {
          set({ simBusy: false, simError: job.error ?? 'the simulation failed' });
          return;
        }
        const cases: SimulationCaseResult[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < SIM_CASE_PAGES; page++) {
          const r: { items: SimulationCaseResult[]; nextCursor: string | null } = await call('policy:simulationCases', { jobId: job.jobId, changed: true, cursor });
          cases.push(...r.items);
          cursor = r.nextCursor;
          if (cursor === null) break;
        }
        set({ simCases: cases, simBusy: false });
      } catch (e) {
        set({ simBusy: false, simError: errorText(e) });
      }
    },
    openPublish() {
      set({ publishOpen: true, publishError: null });
    },
    closePublish() {
      set({ publishOpen: false, publishError: null });
    },
    async publish(effectiveFrom, reason) {
      const d = get().policyDetail;
      if (!d || get().publishing) return false;
      if (get().draftDirty && !(await get().saveDraft())) {
        set({ publishError: { message: 'The draft has unsaved edits that do not save: fix them first.', path: null } });
        return false;
      }
      set({ publishing: true, publishError: null });
      try {
        const r = await call('policy:publish', { version: d.version, effectiveFrom, ...(reason ? { reason } : {}) });
        const message = `Published ${r.version.label}, in force from ${new Date(r.version.effectiveFrom ?? effectiveFrom).toLocaleString()}${r.retired.length ? `; retired ${r.retired.map((v) => `v${v}`).join(', ')}` : ''}; sent to ${r.stations.length} station(s).`;
        set({ publishing: false, publishOpen: false });
        // The message shows once the list and the version are reloaded (published, read-only).
        await get().loadPolicies();
        await get().openPolicy(d.version);
        set({ publishMessage: message });
        return true;
      } catch (e) {
        set({ publishing: false, publishError: issueOf(e) });
        return false;
      }
    },
    async rollback(to, reason) {
      set({ policyError: null, publishMessage: null });
      try {
        const r = await call('policy:rollback', { to, reason });
        await get().loadPolicies();
        await get().openPolicy(r.version.version);
        set({ publishMessage: `Rolled back: ${r.version.label} republishes v${to}.` });
        return true;
      } catch (e) {
        set({ policyError: errorText(e) });
        return false;
      }
    },
  };
};


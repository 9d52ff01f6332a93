import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PolicyVersionSummary } from '../../../shared/policy/admin-contract.js';
import { useDeskStore } from '../store/index.js';
import type { PolicyTab } from '../store/policy/initialState.js';
import { policySelectors } from '../store/policy/selectors.js';
import '../admin.css';
import { Modal } from './Modal.js';
import { PolicyDiff } from './PolicyDiff.js';
import { PolicyForm } from './PolicyForm.js';
import { PolicyJsonEditor } from './PolicyJsonEditor.js';
import { PolicySimulation } from './PolicySimulation.js';
import { PublishDialog } from './PublishDialog.js';

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');

/** The admin console's policy view (issue #9): the versions on the left, the selected one on the right. */
export function PoliciesView() {
  const versions = useDeskStore(policySelectors.versions);
  const { loading, error, inForce } = useDeskStore(useShallow(policySelectors.list));
  const selected = useDeskStore(policySelectors.selected);
  const { loadPolicies, openPolicy, createDraft } = useDeskStore(
    useShallow((s) => ({ loadPolicies: s.loadPolicies, openPolicy: s.openPolicy, createDraft: s.createDraft })),
  );
  useEffect(() => {
    if (versions === null) void loadPolicies();
  }, [versions, loadPolicies]);
  const sorted = [...(versions ?? [])].sort((a, b) => b.version - a.version);

  return (
    <>
      <section className="pane admin-versions" aria-label="Policy versions" data-testid="policy-versions">
        <h2>
          Policy versions{' '}
          <button className="link" onClick={() => void loadPolicies()} disabled={loading} aria-label="Reload the versions">
            {loading ? 'Loading…' : 'Reload'}
          </button>
        </h2>
        {error && (
          <p className="error pad" role="alert" data-testid="policy-error">
            {error}
          </p>
        )}
        {versions === null && loading && <p className="muted pad">Loading policy versions…</p>}
        {versions !== null && versions.length === 0 && <p className="empty">No policy version yet: the backend seeds v1 from the bundled policies on first use.</p>}
        <ul className="versions" aria-label="Versions">
          {sorted.map((v) => (
            <VersionRow key={v.version} v={v} inForce={v.version === inForce} selected={v.version === selected} onOpen={() => void openPolicy(v.version)} onDraft={() => void createDraft(v.version)} />
          ))}
        </ul>
      </section>
      <PolicyDetail versions={sorted} inForce={inForce} />
    </>
  );
}

function VersionRow({ v, inForce, selected, onOpen, onDraft }: { v: PolicyVersionSummary; inForce: boolean; selected: boolean; onOpen: () => void; onDraft: () => void }) {
  return (
    <li className={`version ${selected ? 'selected' : ''}`} data-testid="policy-version" data-version={v.version} data-status={v.status}>
      {/* A list of buttons, not a listbox: an option cannot hold the row's other buttons (axe nested-interactive). */}
      <button className="version-open" onClick={onOpen} aria-label={`Open ${v.label}`} aria-current={selected ? 'true' : undefined}>
        <span className="line1">
          <strong>{v.label}</strong> <span className={`badge status-${v.status}`}>{v.status}</span>
          {inForce && <span className="badge in-force" data-testid="in-force">in force</span>}
        </span>
        <span className="line2 muted">
          {v.status === 'draft' ? (
            <>
              draft by {v.updatedBy}, {when(v.updatedAt)}
              {v.basedOn !== null && ` · from v${v.basedOn}`}
            </>
          ) : (
            <>
              effective {when(v.effectiveFrom)} · published by {v.publishedBy ?? '—'}
              {v.rollbackOf !== null && ` · rollback of v${v.rollbackOf}`}
            </>
          )}
        </span>
        {v.reason && <span className="line2 reason">“{v.reason}”</span>}
        {v.status === 'retired' && v.retiredAt && <span className="line2 muted">retired {when(v.retiredAt)}</span>}
      </button>
      <button className="link small" onClick={onDraft} data-testid="new-draft" title={`A new draft copied from ${v.label}`}>
        New draft from {v.label}
      </button>
    </li>
  );
}

const TABS: [PolicyTab, string][] = [
  ['edit', 'Editor'],
  ['diff', 'Diff'],
  ['simulate', 'Simulation'],
];

function PolicyDetail({ versions, inForce }: { versions: PolicyVersionSummary[]; inForce: number | null }) {
  const detail = useDeskStore(policySelectors.detail);
  const loading = useDeskStore(policySelectors.detailLoading);
  const tab = useDeskStore(policySelectors.tab);
  const mode = useDeskStore(policySelectors.editorMode);
  const content = useDeskStore(policySelectors.content);
  const issues = useDeskStore(policySelectors.issues);
  const publishState = useDeskStore(useShallow(policySelectors.publish));
  const draft = useDeskStore(useShallow(policySelectors.draftState));
  const a = useDeskStore(
    useShallow((s) => ({
      setPolicyTab: s.setPolicyTab,
      setEditorMode: s.setEditorMode,
      saveDraft: s.saveDraft,
      validateDraft: s.validateDraft,
      resetDraft: s.resetDraft,
      openPublish: s.openPublish,
    })),
  );
  const [rollbackOpen, setRollbackOpen] = useState(false);

  if (loading && !detail) return <section className="pane admin-detail"><p className="muted pad">Loading the version…</p></section>;
  if (!detail || !content)
    return (
      <section className="pane admin-detail empty-pane">
        <p className="empty">Pick a version on the left, or create a draft from one.</p>
      </section>
    );
  const isDraft = detail.status === 'draft';
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');

  return (
    <section className="pane admin-detail" aria-label={`Policy ${detail.label}`} data-testid="policy-detail" data-version={detail.version} data-status={detail.status}>
      <header className="detail-head">
        <h2>
          {detail.label} <span className={`badge status-${detail.status}`}>{detail.status}</span>
          {detail.version === inForce && <span className="badge in-force">in force</span>}
          {detail.note && <span className="muted note"> {detail.note}</span>}
        </h2>
        <p className="muted">
          {isDraft ? `Draft from ${detail.basedOn !== null ? `v${detail.basedOn}` : 'the bundled policies'}, last saved by ${detail.updatedBy} ${when(detail.updatedAt)}` : `Effective ${when(detail.effectiveFrom)}, published by ${detail.publishedBy ?? '—'} ${when(detail.publishedAt)}`}
          {' · '}
          {detail.documents.length} documents
        </p>
        <div className="detail-actions">
          {isDraft && (
            <>
              <button className="primary" onClick={() => void a.saveDraft()} disabled={!draft.dirty || draft.busy !== null} data-testid="draft-save">
                {draft.busy === 'saving' ? 'Saving…' : 'Save draft'}
              </button>
              <button onClick={() => void a.validateDraft()} disabled={draft.busy !== null} data-testid="draft-validate">
                {draft.busy === 'validating' ? 'Checking…' : 'Validate'}
              </button>
              <button onClick={a.resetDraft} disabled={!draft.dirty || draft.busy !== null}>
                Discard edits
              </button>
              <button onClick={a.openPublish} disabled={draft.busy !== null} data-testid="publish-open">
                Publish…
              </button>
            </>
          )}
          {!isDraft && detail.version !== inForce && (
            <button onClick={() => setRollbackOpen(true)} data-testid="rollback-open">
              Roll back to {detail.label}…
            </button>
          )}
          <span className="status-line" aria-live="polite">
            {draft.dirty && <span className="warn">Unsaved edits</span>}
            {draft.message && <span className="ok" data-testid="draft-message"> {draft.message}</span>}
            {publishState.message && <span className="ok" data-testid="publish-message"> {publishState.message}</span>}
          </span>
        </div>
        {draft.error && (
          <p className="error" role="alert" data-testid="draft-error">
            {draft.error.path ? `${draft.error.path}: ` : ''}
            {draft.error.message}
          </p>
        )}
      </header>
      <div className="tabs" role="tablist" aria-label="Version views">
        {TABS.map(([t, label]) => (
          <button key={t} role="tab" aria-selected={tab === t} className={`navtab ${tab === t ? 'on' : ''}`} onClick={() => a.setPolicyTab(t)} data-testid={`policy-tab-${t}`}>
            {label}
            {t === 'edit' && errors.length > 0 && <span className="pill bad">{errors.length}</span>}
          </button>
        ))}
      </div>
      <div className="detail-body">
        {tab === 'edit' && (
          <>
            <div className="editor-bar">
              <div className="seg" role="radiogroup" aria-label="Editor">
                <button role="radio" aria-checked={mode === 'form'} className={mode === 'form' ? 'on' : ''} onClick={() => a.setEditorMode('form')} data-testid="editor-form">
                  Form
                </button>
                <button role="radio" aria-checked={mode === 'json'} className={mode === 'json' ? 'on' : ''} onClick={() => a.setEditorMode('json')} data-testid="editor-json">
                  JSON
                </button>
              </div>
              {!isDraft && <span className="muted">Published versions are read-only: create a draft from it to change it.</span>}
              <span className="issue-count" data-testid="issue-count" data-errors={errors.length}>
                {errors.length === 0 && warnings.length === 0 ? (isDraft ? <span className="ok">No issues</span> : null) : `${errors.length} error(s), ${warnings.length} warning(s)`}
              </span>
            </div>
            {issues.length > 0 && (
              <details className="issues" open={errors.length > 0}>
                <summary>Issues</summary>
                <ul data-testid="issues">
                  {issues.slice(0, 50).map((i, n) => (
                    <li key={`${i.path}-${n}`} className={i.severity}>
                      <button className="link mono" onClick={() => goToIssue(i.path, mode, a.setEditorMode)} title="Show the field">
                        {i.path}
                      </button>{' '}
                      — {i.message} <span className="muted">({i.code})</span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {mode === 'form' ? <PolicyForm content={content} readOnly={!isDraft} /> : <PolicyJsonEditor key={`${detail.version}-${detail.status}`} content={content} readOnly={!isDraft} />}
          </>
        )}
        {tab === 'diff' && <PolicyDiff versions={versions} />}
        {tab === 'simulate' && <PolicySimulation version={detail.version} label={detail.label} />}
      </div>
      {publishState.open && <PublishDialog />}
      {rollbackOpen && <RollbackDialog to={detail.version} label={detail.label} onClose={() => setRollbackOpen(false)} />}
    </section>
  );
}

/** Shows an issue's field: its form input when the form has one, else its place in the JSON view. */
function goToIssue(path: string, mode: 'form' | 'json', setMode: (m: 'form' | 'json') => void): void {
  const input = mode === 'form' ? document.querySelector<HTMLInputElement>(`[data-path="${CSS.escape(path)}"] input`) : null;
  if (input) {
    input.scrollIntoView({ block: 'center' });
    input.focus();
    return;
  }
  if (mode !== 'json') setMode('json');
  // The JSON view may mount first: it listens for this and moves to the path.
  window.setTimeout(() => window.dispatchEvent(new CustomEvent('jetway:policy-goto', { detail: path })), 50);
}

function RollbackDialog({ to, label, onClose }: { to: number; label: string; onClose: () => void }) {
  const rollback = useDeskStore((s) => s.rollback);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const id = useId();
  return (
    <Modal title={`Roll back to ${label}`} testId="rollback-dialog" onCancel={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!reason.trim()) return;
          setBusy(true);
          void rollback(to, reason.trim()).then((ok) => (ok ? onClose() : setBusy(false)));
        }}
      >
        <p>The content of {label} is published again as a new version, in force from now.</p>
        <label htmlFor={id} className="stack">
          <span>
            Reason <span className="req">(required)</span>
          </span>
          <textarea id={id} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} data-autofocus aria-invalid={tried && !reason.trim() ? true : undefined} />
        </label>
        {tried && !reason.trim() && <span className="field-error">A rollback needs a reason.</span>}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Rolling back…' : `Roll back to ${label}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}

import { useShallow } from 'zustand/react/shallow';
import type { DiffEntry, PolicyVersionSummary } from '../../../shared/policy/admin-contract.js';
import { useDeskStore } from '../store/index.js';
import { policySelectors } from '../store/policy/selectors.js';

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 1));

/** Two versions side by side: every changed field, before on the left, after on the right. */
export function PolicyDiff({ versions }: { versions: PolicyVersionSummary[] }) {
  const { from, to, diff, loading, error } = useDeskStore(useShallow(policySelectors.diff));
  const loadDiff = useDeskStore((s) => s.loadDiff);
  const options = [...versions].sort((a, b) => b.version - a.version);
  const pick = (f: number | null, t: number | null) => {
    if (f !== null && t !== null) void loadDiff(f, t);
  };
  return (
    <div className="policy-diff" data-testid="policy-diff">
      <div className="diff-pick">
        <label>
          From{' '}
          <select value={from ?? ''} onChange={(e) => pick(Number(e.target.value), to)} data-testid="diff-from">
            <option value="" disabled>
              version…
            </option>
            {options.map((v) => (
              <option key={v.version} value={v.version}>
                {v.label} ({v.status})
              </option>
            ))}
          </select>
        </label>
        <label>
          To{' '}
          <select value={to ?? ''} onChange={(e) => pick(from, Number(e.target.value))} data-testid="diff-to">
            <option value="" disabled>
              version…
            </option>
            {options.map((v) => (
              <option key={v.version} value={v.version}>
                {v.label} ({v.status})
              </option>
            ))}
          </select>
        </label>
        {diff && (
          <span className="muted" data-testid="diff-count">
            {diff.entries.length} change{diff.entries.length === 1 ? '' : 's'}
            {diff.truncated ? ' (first ones shown)' : ''}
          </span>
        )}
      </div>
      {loading && <p className="muted">Comparing…</p>}
      {error && (
        <p className="error" role="alert">
          Could not compare: {error}
        </p>
      )}
      {!loading && !error && from === null && <p className="empty">Pick two versions to compare.</p>}
      {diff && !loading && diff.entries.length === 0 && <p className="empty">v{diff.from} and v{diff.to} have the same content.</p>}
      {diff && diff.entries.length > 0 && (
        <table className="admin-table diff-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">v{diff.from}</th>
              <th scope="col">v{diff.to}</th>
            </tr>
          </thead>
          <tbody>
            {diff.entries.map((e, i) => (
              <DiffRow key={`${e.document}-${e.path}-${i}`} e={e} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DiffRow({ e }: { e: DiffEntry }) {
  return (
    <tr data-testid="diff-row" className={`diff-${e.change}`}>
      <th scope="row" className="mono">
        {e.document}
        {e.path ? `.${e.path}` : ''} <span className="muted">{e.change}</span>
      </th>
      <td className="mono before">{show(e.before)}</td>
      <td className="mono after">{show(e.after)}</td>
    </tr>
  );
}

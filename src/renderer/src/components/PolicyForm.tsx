import { memo, useEffect, useMemo, useState } from 'react';
import { FORM_SECTIONS, fieldText, parseFieldText, policyFormFields, type FormField } from '../logic/policy-form.js';
import { useDeskStore } from '../store/index.js';
import { policySelectors } from '../store/policy/selectors.js';

/**
 * The draft form: the common edits grouped by section (goodwill open, the rest folded). Money in
 * major units of its currency, thresholds in minutes. Each input names its rule and currency, and
 * shows the validation issue found at its JSON path (local check, then the backend's).
 */
export function PolicyForm({ content, readOnly }: { content: readonly unknown[]; readOnly: boolean }) {
  const fields = useMemo(() => policyFormFields(content), [content]);
  const issues = useDeskStore(policySelectors.issues);
  const draftError = useDeskStore((s) => s.draftError);
  const issueKeys = useMemo(() => {
    // Errors first: a field shows its first error, else its first warning.
    const m = new Map<string, Shown>();
    if (draftError?.path) m.set(draftError.path, { message: draftError.message, warning: false });
    for (const i of issues) if (i.severity === 'error' && !m.has(i.path)) m.set(i.path, { message: i.message, warning: false });
    for (const i of issues) if (!m.has(i.path)) m.set(i.path, { message: i.message, warning: true });
    return m;
  }, [issues, draftError]);
  const [filter, setFilter] = useState('');
  const f = filter.trim().toLowerCase();
  const shown = f ? fields.filter((x) => `${x.label} ${x.detail} ${x.docId}`.toLowerCase().includes(f)) : fields;

  return (
    <div className="policy-form" data-testid="policy-form">
      <label className="form-filter">
        Find a rule{' '}
        <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. MEAL, EU261, agent" data-testid="policy-form-filter" />
      </label>
      {FORM_SECTIONS.map((sec) => {
        const list = shown.filter((x) => x.section === sec.id);
        if (list.length === 0) return null;
        const bad = list.filter((x) => issueKeys.get(x.key)?.warning === false).length;
        const warn = list.filter((x) => issueKeys.get(x.key)?.warning === true).length;
        return (
          <details key={sec.id} className="form-section" open={sec.id === 'goodwill' || bad + warn > 0 || f !== ''} data-testid={`form-section-${sec.id}`}>
            <summary>
              <strong>{sec.title}</strong> <span className="muted">({list.length})</span>
              {bad > 0 && <span className="pill bad">{bad} to fix</span>}
              {warn > 0 && <span className="pill warnpill">{warn} to check</span>}
              <span className="muted hint"> — {sec.hint}</span>
            </summary>
            <div className="rules">
              {groupsOf(list).map((g) => (
                <div key={g[0]!.group} className="rule" role="group" aria-label={g[0]!.groupLabel}>
                  <div className="rule-head" title={g[0]!.group}>
                    <strong>{g[0]!.groupLabel}</strong>
                    <span className="muted field-detail">{g[0]!.detail}</span>
                  </div>
                  <div className="rule-inputs">
                    {g.map((x) => (
                      <Field key={x.key} field={x} issue={issueKeys.get(x.key) ?? null} readOnly={readOnly} />
                    ))}
                  </div>
                </div>
              ))}
            </div>
          </details>
        );
      })}
    </div>
  );
}

const Field = memo(function Field({ field, issue, readOnly }: { field: FormField; issue: Shown | null; readOnly: boolean }) {
  const setDraftField = useDeskStore((s) => s.setDraftField);
  const [text, setText] = useState(() => fieldText(field));
  // Follow outside changes (JSON view, reset) unless the text already means the stored value.
  useEffect(() => {
    if (parseFieldText(field.kind, text, field.currency) !== field.value) setText(fieldText(field));
  }, [field.value]);
  const unit = field.kind === 'money' ? field.currency ?? '' : field.kind === 'minutes' ? 'min' : '';
  const label = field.kind === 'text' ? field.label : `${field.label} ${field.kind === 'money' ? 'amount' : 'threshold'} (${unit})`;
  const errId = `issue-${field.key}`;
  return (
    <div className={`form-field kind-${field.kind} ${issue ? (issue.warning ? 'warned' : 'invalid') : ''}`} data-path={field.key} data-testid="policy-field">
      <label>
        <span className="field-caption" title={field.key}>
          {field.short}
        </span>
        <span className="field-input">
          <input
            aria-label={label}
            inputMode={field.kind === 'text' ? 'text' : 'decimal'}
            value={text}
            readOnly={readOnly}
            aria-invalid={issue && !issue.warning ? true : undefined}
            aria-describedby={issue ? errId : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setDraftField(field.path, parseFieldText(field.kind, e.target.value, field.currency));
            }}
          />
          {unit && unit !== field.short && <span className="unit">{unit}</span>}
        </span>
      </label>
      {issue && (
        <span className={issue.warning ? 'field-warning' : 'field-error'} id={errId} role={issue.warning ? 'status' : 'alert'} data-testid={issue.warning ? 'field-warning' : 'field-error'}>
          {issue.message}
        </span>
      )}
    </div>
  );
});

/** Fields of one rule together, in document order. */
function groupsOf(fields: readonly FormField[]): FormField[][] {
  const m = new Map<string, FormField[]>();
  for (const f of fields) m.set(f.group, [...(m.get(f.group) ?? []), f]);
  return [...m.values()];
}

interface Shown {
  message: string;
  warning: boolean;
}

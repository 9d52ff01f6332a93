import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import type { SimulationCaseResult, SimulationOutcome } from '../../../shared/policy/admin-contract.js';
import { formatMoney } from '../../../shared/money.js';
import { useDeskStore } from '../store/index.js';
import { policySelectors } from '../store/policy/selectors.js';

const money = (amount: number, currency: string): string => formatMoney({ amountMinor: amount, currency });
const signed = (amount: number, currency: string): string => `${amount > 0 ? '+' : amount < 0 ? '−' : '±'}${money(Math.abs(amount), currency)}`;

/**
 * The simulation of a version on past disruptions: start it, a progress bar while it runs, then the
 * passengers affected, the cost by regime and currency before/after (table and chart), and every
 * passenger whose outcome changes with both explanations.
 */
export function PolicySimulation({ version, label }: { version: number; label: string }) {
  const { days, job, cases, busy, error } = useDeskStore(useShallow(policySelectors.sim));
  const { startSimulation, setSimDays } = useDeskStore(useShallow((s) => ({ startSimulation: s.startSimulation, setSimDays: s.setSimDays })));
  const dirty = useDeskStore((s) => s.draftDirty);
  const totals = job?.totals ?? null;
  const running = busy && job !== null && (job.status === 'queued' || job.status === 'running');
  const chart = (totals?.cost ?? []).map((c) => ({ name: `${c.regime} (${c.currency})`, before: c.before / 100, after: c.after / 100 }));

  return (
    <div className="sim" data-testid="simulation">
      <form
        className="sim-start"
        onSubmit={(e) => {
          e.preventDefault();
          void startSimulation();
        }}
      >
        <label>
          Re-decide the cases of the last{' '}
          <input type="number" min={1} max={366} value={days} onChange={(e) => setSimDays(Math.max(1, Math.min(366, Number(e.target.value) || 30)))} aria-label="Days of past disruptions" className="days" />{' '}
          days under {label}
        </label>
        <button className="primary" type="submit" disabled={busy} data-testid="simulate-start">
          {busy ? 'Simulating…' : dirty ? 'Save and simulate' : 'Simulate'}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="simulation-error">
          {error}
        </p>
      )}
      {busy && (
        <div className="sim-progress" data-testid="simulation-progress" aria-live="polite">
          <progress value={job?.progress.done ?? 0} max={job?.progress.total ?? undefined} aria-label="Simulation progress" />
          <span className="muted">
            {job === null ? 'Starting…' : running ? `${job.status}: ${job.progress.done}${job.progress.total !== null ? ` of ${job.progress.total}` : ''} cases` : 'Loading the changed cases…'}
          </span>
        </div>
      )}
      {!busy && !job && !error && <p className="empty">Nothing simulated yet for {label}. A simulation re-decides past cases under this version without changing anything.</p>}
      {totals && job?.status === 'succeeded' && (
        <div className="sim-result" data-testid="simulation-result">
          <div className="sim-facts">
            <Fact label="Cases re-decided" value={totals.cases} />
            <Fact label="Passengers affected" value={totals.passengersAffected} testId="sim-passengers" />
            <Fact label="Cases changed" value={totals.changed} />
            <Fact label="Skipped" value={totals.skipped} />
            <span className="muted">
              {new Date(totals.from).toLocaleDateString()} – {new Date(totals.until).toLocaleDateString()} · decided by {totals.decidedBy.map((d) => `${d.policyVersion} (${d.cases})`).join(', ') || '—'}
            </span>
          </div>
          {totals.cost.length === 0 ? (
            <p className="empty">No payable amounts in the simulated cases.</p>
          ) : (
            <div className="sim-cost">
              <table className="admin-table" data-testid="sim-cost">
                <caption>Cost by regime and currency</caption>
                <thead>
                  <tr>
                    <th scope="col">Regime</th>
                    <th scope="col">Before</th>
                    <th scope="col">After ({label})</th>
                    <th scope="col">Difference</th>
                  </tr>
                </thead>
                <tbody>
                  {totals.cost.map((c) => (
                    <tr key={`${c.regime}-${c.currency}`} data-testid="sim-cost-row" data-regime={c.regime}>
                      <th scope="row">{c.regime}</th>
                      <td className="num">{money(c.before, c.currency)}</td>
                      <td className="num">{money(c.after, c.currency)}</td>
                      <td className={`num diffcell ${c.after > c.before ? 'up' : c.after < c.before ? 'down' : ''}`} data-testid="sim-cost-diff">
                        {signed(c.after - c.before, c.currency)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <figure className="sim-chart" aria-label="Cost by regime, before and after" data-testid="sim-chart">
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={chart} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="name" fontSize={12} />
                    <YAxis fontSize={12} />
                    <Tooltip formatter={(v) => Number(v).toFixed(2)} />
                    <Legend />
                    <Bar dataKey="before" name="Before" fill="#8aa1bd" isAnimationActive={false} />
                    <Bar dataKey="after" name={`After (${label})`} fill="#0b4f9c" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
                <figcaption className="muted">Cost by regime (major units of each regime’s currency)</figcaption>
              </figure>
            </div>
          )}
          <h3>Passengers whose outcome changes {cases && <span className="muted">({cases.length})</span>}</h3>
          {cases && cases.length === 0 && <p className="empty">No passenger’s outcome changes under {label}.</p>}
          <ul className="sim-cases" data-testid="sim-cases">
            {(cases ?? []).map((c, i) => (
              <ChangedCase key={c.caseId} c={c} open={i === 0} />
            ))}
          </ul>
        </div>
      )}
      <span hidden data-version={version} />
    </div>
  );
}

function Fact({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <span className="fact" data-testid={testId}>
      <strong>{value}</strong> <span className="muted">{label}</span>
    </span>
  );
}

function ChangedCase({ c, open }: { c: SimulationCaseResult; open: boolean }) {
  return (
    <li className="sim-case" data-testid="sim-case">
      <div className="sim-case-head">
        <strong className="mono">{c.passengerId}</strong> <span className="muted">flight {c.flightId}</span>{' '}
        {c.scheduledDeparture && <span className="muted">{new Date(c.scheduledDeparture).toLocaleString()}</span>}
        {c.error && <span className="error"> {c.error}</span>}
      </div>
      <div className="sim-case-sides">
        <Outcome title="Before" o={c.before} open={open} />
        <Outcome title="After" o={c.after} open={open} />
      </div>
    </li>
  );
}

/** `goodwill/meal/EVENT 1500 USD` (minor units, as the backend lists them) → `… 15.00 USD`. */
const readable = (entitlement: string): string =>
  entitlement.replace(/\b(\d+) ([A-Z]{3})\b/g, (_, n: string, cur: string) => formatMoney({ amountMinor: Number(n), currency: cur }));

function Outcome({ title, o, open }: { title: string; o: SimulationOutcome | null; open: boolean }) {
  return (
    <div className="sim-outcome">
      <h4>
        {title} {o && <span className="muted">{o.version}</span>}
      </h4>
      {!o ? (
        <p className="muted">No decision.</p>
      ) : (
        <>
          <p>{o.entitlements.length ? o.entitlements.map(readable).join('; ') : 'Nothing payable.'}</p>
          {o.explanation && (
            <details open={open}>
              <summary>Explanation</summary>
              <pre className="explanation">{o.explanation}</pre>
            </details>
          )}
        </>
      )}
    </div>
  );
}

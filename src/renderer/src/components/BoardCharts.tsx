import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { localTime, stationZone } from '../../../shared/board/station-movement.js';
import type { BoardStats } from '../../../shared/rpc/board-stats.js';
import { money, num } from '../format.js';
import { call } from '../rpc/client.js';
import { useDeskStore } from '../store/index.js';
import { errorText } from '../store/types.js';
import { duration } from '../logic/humanize.js';
import './board.css';

/** The board header's one statement of the zone every board time is in (the station's IANA zone). */
export function BoardZone({ station }: { station: string }) {
  const { t } = useTranslation('board');
  const zone = useDeskStore((s) => s.board?.timeZone) ?? stationZone(station);
  const offset = localTime(Date.now(), zone).offset;
  return (
    <p className="board-zone muted" data-testid="board-zone" data-zone={zone}>
      {t('zone', { station, zone, offset })}
    </p>
  );
}

/** `board:stats` for the station, fetched while the panel is open and again whenever the board changes. */
function useBoardStats(station: string, open: boolean): { stats: BoardStats | null; error: string | null } {
  const board = useDeskStore((s) => s.board);
  const [stats, setStats] = useState<BoardStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    // A burst of sync changes re-renders the board many times: ask once it settles.
    const timer = setTimeout(() => {
      call('board:stats', { station })
        .then((s) => {
          if (live) {
            setStats(s);
            setError(null);
          }
        })
        .catch((e: unknown) => live && setError(errorText(e)));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [station, open, board]);
  return { stats: stats?.station === station ? stats : null, error };
}

const COLORS = { onTime: '#8d99a8', delayed: '#c98a00', cancelled: '#b00020', cases: '#0b4f9c', issued: '#14632b' };

/**
 * Charts on the board (issue #12) in a collapsible panel so the flight list keeps its space:
 * delays by the station's local hour, cases by status, compensation issued by currency. SVG
 * (recharts) without animation; each chart is an image with a one-line summary for screen
 * readers plus a visually hidden table of its numbers.
 */
export function BoardCharts({ station }: { station: string }) {
  const { t } = useTranslation('board');
  const [open, setOpen] = useState(chartsOpenSaved);
  const { stats, error } = useBoardStats(station, open);
  return (
    <details
      className="board-charts"
      data-testid="board-charts"
      open={open}
      onToggle={(e) => {
        const now = (e.currentTarget as HTMLDetailsElement).open;
        setOpen(now);
        saveChartsOpen(now);
      }}
    >
      <summary data-testid="board-charts-toggle">{t('charts.summary')}</summary>
      {open && (
        <div className="charts">
          {error && (
            <p className="error" role="alert">
              {t('charts.error', { error })}
            </p>
          )}
          {!stats && !error && <p className="muted">{t('charts.loading')}</p>}
          {stats && (
            <>
              <DelaysChart stats={stats} />
              <CasesChart stats={stats} />
              <IssuedChart stats={stats} />
            </>
          )}
        </div>
      )}
    </details>
  );
}

const CHARTS_KEY = 'jetway.boardCharts';
/** The panel stays as the agent left it on this desk (open by default). */
function chartsOpenSaved(): boolean {
  try {
    return localStorage.getItem(CHARTS_KEY) !== 'closed';
  } catch {
    return true;
  }
}
function saveChartsOpen(open: boolean): void {
  try {
    localStorage.setItem(CHARTS_KEY, open ? 'open' : 'closed');
  } catch {
    // Storage unavailable: the choice lasts for this session only.
  }
}

const hh = (h: number): string => `${String(h).padStart(2, '0')}:00`;

function DelaysChart({ stats }: { stats: BoardStats }) {
  const { t } = useTranslation('board');
  const data = useMemo(
    () =>
      stats.delaysByHour.map((h) => ({
        ...h,
        label: String(h.hour).padStart(2, '0'),
        onTime: h.flights - h.delayed - h.cancelled,
      })),
    [stats],
  );
  const totals = stats.delaysByHour.reduce(
    (a, h) => ({ flights: a.flights + h.flights, delayed: a.delayed + h.delayed, cancelled: a.cancelled + h.cancelled }),
    { flights: 0, delayed: 0, cancelled: 0 },
  );
  const worst = [...stats.delaysByHour].sort((a, b) => b.delayed + b.cancelled - (a.delayed + a.cancelled))[0];
  const summary =
    totals.flights === 0
      ? t('charts.delaysNone', { day: stats.day, station: stats.station })
      : t('charts.delaysSummary', {
          ...totals,
          day: stats.day,
          hour: worst && worst.delayed + worst.cancelled > 0 ? hh(worst.hour) : '—',
        });
  return (
    <figure data-testid="chart-delays">
      <figcaption>{t('charts.delays', { day: stats.day, station: stats.station })}</figcaption>
      <div role="img" aria-label={summary} data-testid="chart-delays-img">
        <ResponsiveContainer width="100%" height={150}>
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -24 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" interval={2} tick={{ fontSize: 10 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
            <Tooltip isAnimationActive={false} />
            {/* The stack's colours say which flights were on time, delayed or cancelled. */}
            <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="onTime" name={t('charts.onTime')} stackId="f" fill={COLORS.onTime} isAnimationActive={false} />
            <Bar dataKey="delayed" name={t('charts.delayed')} stackId="f" fill={COLORS.delayed} isAnimationActive={false} />
            <Bar dataKey="cancelled" name={t('charts.cancelled')} stackId="f" fill={COLORS.cancelled} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="chart-note muted" aria-hidden="true">
        {summary}
      </p>
      <table className="sr-only" data-testid="chart-delays-table">
        <caption>{t('charts.delays', { day: stats.day, station: stats.station })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.hour')}</th>
            <th scope="col">{t('charts.flights')}</th>
            <th scope="col">{t('charts.delayed')}</th>
            <th scope="col">{t('charts.cancelled')}</th>
            <th scope="col">{t('charts.avgDelay')}</th>
          </tr>
        </thead>
        <tbody>
          {stats.delaysByHour
            .filter((h) => h.flights > 0)
            .map((h) => (
              <tr key={h.hour}>
                <th scope="row">{hh(h.hour)}</th>
                <td>{h.flights}</td>
                <td>{h.delayed}</td>
                <td>{h.cancelled}</td>
                <td>{h.delayed > 0 ? duration(Math.round(h.delayMinutes / h.delayed)) : '—'}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}

function CasesChart({ stats }: { stats: BoardStats }) {
  const { t } = useTranslation('board');
  const data = stats.casesByStatus.map((c) => ({ ...c, label: t(`caseStatus.${c.status}`, { defaultValue: c.status }) }));
  const total = data.reduce((n, c) => n + c.cases, 0);
  const summary =
    total === 0 ? t('charts.casesNone') : t('charts.casesSummary', { total: num(total), list: data.map((c) => `${c.label} ${num(c.cases)}`).join(', ') });
  return (
    <figure data-testid="chart-cases">
      <figcaption>{t('charts.cases')}</figcaption>
      {total > 0 && (
        <div role="img" aria-label={summary} data-testid="chart-cases-img">
          <ResponsiveContainer width="100%" height={Math.max(60, data.length * 24 + 10)}>
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 36, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <XAxis type="number" hide allowDecimals={false} />
              <YAxis type="category" dataKey="label" width={118} tick={{ fontSize: 11 }} />
              <Bar dataKey="cases" fill={COLORS.cases} isAnimationActive={false}>
                <LabelList dataKey="cases" position="right" fontSize={11} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="chart-note muted" aria-hidden={total > 0}>
        {summary}
      </p>
      <table className="sr-only" data-testid="chart-cases-table">
        <caption>{t('charts.cases')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.status')}</th>
            <th scope="col">{t('charts.count')}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((c) => (
            <tr key={c.status}>
              <th scope="row">{c.label}</th>
              <td>{c.cases}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function IssuedChart({ stats }: { stats: BoardStats }) {
  const { t } = useTranslation('board');
  // Amounts in different currencies share no scale: the bars compare how many were issued, the
  // label says how much (in that currency).
  const data = stats.issuedByCurrency.map((r) => ({
    ...r,
    amount: money({ amountMinor: r.amountMinor, currency: r.currency }),
  }));
  const summary =
    data.length === 0 ? t('charts.issuedNone') : t('charts.issuedSummary', { list: data.map((r) => `${r.amount} (${num(r.issuances)})`).join(', ') });
  return (
    <figure data-testid="chart-issued">
      <figcaption>{t('charts.issued')}</figcaption>
      {data.length > 0 && (
        <div role="img" aria-label={summary} data-testid="chart-issued-img">
          <ResponsiveContainer width="100%" height={Math.max(50, data.length * 26 + 10)}>
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 110, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <XAxis type="number" hide allowDecimals={false} />
              <YAxis type="category" dataKey="currency" width={44} tick={{ fontSize: 11 }} />
              <Bar dataKey="issuances" fill={COLORS.issued} isAnimationActive={false}>
                <LabelList dataKey="amount" position="right" fontSize={11} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="chart-note muted">
        {data.length > 0 ? t('charts.issuedNote') : summary}
      </p>
      <table className="sr-only" data-testid="chart-issued-table">
        <caption>{t('charts.issued')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('charts.currency')}</th>
            <th scope="col">{t('charts.amount')}</th>
            <th scope="col">{t('charts.issuances')}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.currency}>
              <th scope="row">{r.currency}</th>
              <td>{r.amount}</td>
              <td>{r.issuances}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

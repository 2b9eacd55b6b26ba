import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { BandMigration } from '../../src/api/api-types.ts';
import { getJson, sendJson, useMeQuery } from './api.ts';
import { Chart } from './charts.tsx';
import { BAND_COLOR, BAND_LABEL, money } from './format.ts';

type ModelItem = {
  version: number;
  name: string;
  status: string;
  createdAt: string;
  approvedBy: string | null;
  backtest: {
    auc: number | null;
    medianLeadDays: number | null;
    horizonDays: number | null;
    source: 'backtest' | 'training';
  } | null;
};
type LeadDist = {
  detected: number;
  missed: number;
  median: number | null;
  shareAtLeast90Days: number | null;
  histogram: { fromDays: number; toDays: number | null; count: number }[];
};
type Backtest = {
  model: { version: number; name: string };
  horizonDays: number;
  period: { from: string; to: string; dates: number };
  metrics: {
    snapshots: number;
    positives: number;
    baseRate: number;
    auc: number | null;
    aucCi: { lower: number | null; upper: number | null };
    averagePrecision: number | null;
    topDecile: { precision: number; recall: number | null; lift: number | null };
    rocCurve?: { fpr: number; tpr: number }[];
    liftByDecile?: DecileLift[];
    bandChurnRates: { band: string; count: number; churned: number; rate: number | null }[];
    leadTime: { churnedAccounts: number; atRisk: LeadDist; critical: LeadDist };
    calibration: {
      bins: { bin: number; count: number; meanPredicted: number; observedRate: number }[];
      expectedCalibrationError: number;
      brier: number;
    } | null;
  };
};
type DecileLift = {
  decile: number;
  accounts: number;
  churned: number;
  churnRate: number | null;
  lift: number | null;
};
type CategoryWeights = {
  category: string;
  /** The category's setting and its share of the score. */
  weight: number;
  share: number;
  signals: { signalId: string; label: string; weight: number; share: number }[];
};
type ModelDetail = { weightsByCategory: CategoryWeights[] };
/** What a backtest stored with a trained model holds (held-out period, both models on the same snapshots). */
type StoredMetrics = {
  auc: number | null;
  topDecile: { lift: number | null };
  leadTime: { atRisk: { median: number | null } };
};
type StoredTraining = {
  horizonDays: number;
  currentVersion: number;
  heldOut: { from: string; to: string; snapshots: number; churned: number };
  dropped: { signalId: string; reason: string }[];
  proposed: StoredMetrics;
  current: StoredMetrics;
};
type ModelDiff = {
  a: { version: number; name: string; status: string };
  b: { version: number; name: string; status: string };
  effectiveWeights: {
    signalId: string;
    label: string;
    category: string;
    a: number;
    b: number;
    delta: number;
  }[];
  changes: { path: string }[];
  backtests: { a: StoredTraining | null; b: StoredTraining | null };
};
type TrainReport = {
  heldOut: { from: string; to: string; snapshots: number };
  proposedVersion: number;
  currentVersion: number;
  beatsCurrent: boolean;
  proposed: { auc: number | null };
  current: { auc: number | null };
};

/** Calendar months from the month of `from` to the month of `to`, both counted (2025-01-01..2025-06-01 → 6). */
const monthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7)) +
  1;

/** A 0–1 axis value as a whole percentage. */
const axisPct = (v: number) => `${Math.round(v * 100)}%`;
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`;

export function ModelPage() {
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => getJson<{ items: ModelItem[] }>('/v1/models'),
  });
  const [version, setVersion] = useState<number | null>(null);
  const client = useQueryClient();
  const role = useMeQuery().data?.user.role;
  const admin = role === 'admin';
  const active = models.data?.items.find((m) => m.status === 'active');
  const v = version ?? active?.version ?? null;
  const detail = useQuery({
    queryKey: ['model', v],
    enabled: v !== null,
    queryFn: () => getJson<ModelDetail>(`/v1/models/${v}`),
  });
  const backtest = useQuery({
    queryKey: ['backtest', v],
    // backtests list every churned account company-wide: admins only (docs/reliability.md)
    enabled: v !== null && admin,
    staleTime: 300_000,
    queryFn: async () => {
      const b = await getJson<Backtest>(`/v1/models/${v}/backtest`);
      // the run is recorded: the versions table now lists this run's AUC for the version
      void client.invalidateQueries({ queryKey: ['models'] });
      return b;
    },
  });
  const proposed = models.data?.items.filter((m) => m.status === 'proposed').at(-1);
  return (
    <section>
      <div className="page-head">
        <h1>Health model</h1>
        {admin && <TrainForm onTrained={setVersion} />}
      </div>
      {models.isPending ? (
        <p>Loading models…</p>
      ) : models.isError ? (
        <p className="error">{models.error.message}</p>
      ) : (
        <div className="grid-wrap">
          <table className="grid" aria-label="Model versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Name</th>
                <th>Status</th>
                <th>Created</th>
                <th className="num">Backtest AUC</th>
                <th className="num">Median lead</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((m) => (
                <tr key={m.version}>
                  <td>v{m.version}</td>
                  <td>{m.name}</td>
                  <td>
                    <span className={`pill ${m.status === 'active' ? 'healthy' : ''}`}>{m.status}</span>
                  </td>
                  <td>{m.createdAt.slice(0, 10)}</td>
                  <td
                    className="num"
                    data-testid={`auc-v${m.version}`}
                    title={
                      m.backtest?.source === 'training'
                        ? 'Held-out months at training; show the version to backtest it on all history'
                        : m.backtest
                          ? `Latest backtest on all history (${m.backtest.horizonDays} days horizon)`
                          : 'Not backtested yet: show the version to backtest it'
                    }
                  >
                    {m.backtest?.auc?.toFixed(3) ?? '–'}
                    {m.backtest?.source === 'training' ? ' (held-out)' : ''}
                  </td>
                  <td className="num">
                    {m.backtest?.medianLeadDays == null ? '–' : `${m.backtest.medianLeadDays} d`}
                  </td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setVersion(m.version)} disabled={m.version === v}>
                        {m.version === v ? 'shown' : 'show'}
                      </button>
                      {admin && m.status === 'proposed' && <ApproveButton version={m.version} />}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {active && proposed && (admin || role === 'manager') && (
        <BandMigrationPanel version={proposed.version} current={active.version} />
      )}
      {active && proposed && <ProposalPanel current={active.version} proposed={proposed.version} />}
      <div className="cols">
        <div className="panel">
          <h2>Signal weights{v ? ` (v${v})` : ''}</h2>
          {detail.isPending ? (
            <p className="muted">Loading…</p>
          ) : detail.isError ? (
            <p className="error">{detail.error.message}</p>
          ) : (
            <WeightsTable categories={detail.data.weightsByCategory} />
          )}
        </div>
        <div className="panel">
          <h2>Backtest on your own history</h2>
          {!admin ? (
            <p>Backtests list churned accounts across the company, so only admins run them.</p>
          ) : backtest.isPending ? (
            <p>Scoring past dates and checking what happened next…</p>
          ) : backtest.isError ? (
            <p className="error">{backtest.error.message}</p>
          ) : (
            <BacktestView b={backtest.data} />
          )}
        </div>
      </div>
    </section>
  );
}

/** Raw settings of a learned model carry six decimals; three significant digits read better. */
const setting = (w: number) => String(Number(w.toPrecision(3)));
const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${(Math.abs(v) * 100).toFixed(1)}`;

/** Weights grouped by category: the category's share of the score, then its signals' shares. */
function WeightsTable({ categories }: { categories: CategoryWeights[] }) {
  return (
    <div className="grid-wrap">
      <table className="grid weights" aria-label="Signal weights by category">
        <thead>
          <tr>
            <th>Category / signal</th>
            <th className="num">Setting</th>
            <th className="num">Share of score</th>
          </tr>
        </thead>
        {categories.map((c) => (
          <tbody key={c.category}>
            <tr className="cat-row">
              <th scope="rowgroup">{c.category}</th>
              <td className="num">{setting(c.weight)}</td>
              <td className="num">{pct(c.share)}</td>
            </tr>
            {c.signals.map((x) => (
              <tr key={x.signalId} className={x.share === 0 ? 'off' : ''}>
                <td className="sig" title={x.signalId}>
                  {x.label}
                  {x.share === 0 ? <span className="muted small"> (off)</span> : null}
                </td>
                <td className="num">{setting(x.weight)}</td>
                <td className="num">
                  <span className="bar" style={{ width: `${Math.min(60, x.share * 300)}px` }} />{' '}
                  {pct(x.share)}
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** Admins train a proposal from history; nothing changes until someone approves it. */
function TrainForm({ onTrained }: { onTrained: (version: number) => void }) {
  const client = useQueryClient();
  const [horizonDays, setHorizonDays] = useState(180);
  const [testMonths, setTestMonths] = useState(12);
  const [started, setStarted] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (started === null) return;
    const t = setInterval(() => setElapsed(Math.round((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(t);
  }, [started]);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setStarted(Date.now());
    setElapsed(0);
    setResult(null);
    try {
      const r = await sendJson<TrainReport>('POST', '/v1/models/train', { horizonDays, testMonths });
      await client.invalidateQueries({ queryKey: ['models'] });
      onTrained(r.proposedVersion);
      setResult({
        ok: true,
        text: `Proposed v${r.proposedVersion}: held-out AUC ${r.proposed.auc?.toFixed(3) ?? '–'} vs ${r.current.auc?.toFixed(3) ?? '–'} for v${r.currentVersion}${r.beatsCurrent ? '' : ' (not better)'}. Evaluated on ${monthsBetween(r.heldOut.from, r.heldOut.to)} of the ${testMonths} held-out months (${r.heldOut.from} to ${r.heldOut.to}, ${r.heldOut.snapshots.toLocaleString('en-US')} account-months): the last ${horizonDays} days have no known outcome yet.`,
      });
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setStarted(null);
    }
  };
  return (
    <form className="train-form" onSubmit={submit} aria-label="Train a proposal">
      <label>
        Horizon
        <select value={horizonDays} onChange={(e) => setHorizonDays(Number(e.target.value))}>
          <option value={90}>90 days</option>
          <option value={180}>180 days</option>
          <option value={365}>365 days</option>
        </select>
      </label>
      <label>
        Held-out months
        <input
          type="number"
          min={1}
          max={60}
          value={testMonths}
          onChange={(e) => setTestMonths(Number(e.target.value))}
        />
      </label>
      <button type="submit" className="primary" disabled={started !== null}>
        {started !== null ? `Training… ${elapsed} s` : 'Train a proposal'}
      </button>
      <span role="status" className={`train-result small ${result?.ok ? 'ok' : 'error-text'}`}>
        {result?.text ?? ''}
      </span>
    </form>
  );
}

/** The latest proposal next to the active model: both backtests on the same held-out snapshots, and every weight. */
function ProposalPanel({ current, proposed }: { current: number; proposed: number }) {
  const diff = useQuery({
    queryKey: ['model-diff', current, proposed],
    queryFn: () => getJson<ModelDiff>(`/v1/models/diff?a=${current}&b=${proposed}`),
  });
  if (diff.isPending) return <p className="muted">Loading the proposal…</p>;
  if (diff.isError) return <p className="error">{diff.error.message}</p>;
  const d = diff.data;
  const t = d.backtests.b;
  const fair = t !== null && t.currentVersion === d.a.version;
  const dropped = new Map((t?.dropped ?? []).map((x) => [x.signalId, x.reason.replace(/-/g, ' ')]));
  const byCategory = new Map<string, ModelDiff['effectiveWeights']>();
  for (const w of d.effectiveWeights) byCategory.set(w.category, [...(byCategory.get(w.category) ?? []), w]);
  const sum = (ws: ModelDiff['effectiveWeights'], k: 'a' | 'b') => ws.reduce((x, w) => x + w[k], 0);
  const groups = [...byCategory].sort(
    (x, y) => sum(y[1], 'b') - sum(x[1], 'b') || sum(y[1], 'a') - sum(x[1], 'a'),
  );
  const rows: {
    label: string;
    a: number | null;
    b: number | null;
    fmt: (v: number) => string;
    higher: boolean;
  }[] = fair
    ? [
        { label: 'ROC AUC', a: t.current.auc, b: t.proposed.auc, fmt: (v) => v.toFixed(3), higher: true },
        {
          label: 'Lift, riskiest 10%',
          a: t.current.topDecile.lift,
          b: t.proposed.topDecile.lift,
          fmt: (v) => `${v.toFixed(2)}×`,
          higher: true,
        },
        {
          label: 'Median lead time',
          a: t.current.leadTime.atRisk.median,
          b: t.proposed.leadTime.atRisk.median,
          fmt: (v) => `${v} d`,
          higher: true,
        },
      ]
    : [];
  return (
    <div className="panel proposal" data-testid="proposal">
      <h2>
        Proposed v{d.b.version} vs current v{d.a.version}
      </h2>
      <div className="cols">
        <div>
          {fair ? (
            <>
              <table className="grid" aria-label="Backtests side by side">
                <thead>
                  <tr>
                    <th />
                    <th className="num">Current v{d.a.version}</th>
                    <th className="num">Proposed v{d.b.version}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const better = r.a !== null && r.b !== null && (r.higher ? r.b > r.a : r.b < r.a);
                    return (
                      <tr key={r.label}>
                        <td>{r.label}</td>
                        <td className="num">{r.a === null ? '–' : r.fmt(r.a)}</td>
                        <td className={`num ${better ? 'better' : ''}`}>{r.b === null ? '–' : r.fmt(r.b)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p className="muted small">
                Both models scored on the same {t.heldOut.snapshots.toLocaleString('en-US')} held-out
                account-months over {monthsBetween(t.heldOut.from, t.heldOut.to)} evaluated months (
                {t.heldOut.from} to {t.heldOut.to}; {t.heldOut.churned} of them churned within {t.horizonDays}{' '}
                days); the proposal never saw them while learning.
              </p>
            </>
          ) : (
            <p className="muted">
              No stored backtest compares v{d.b.version} with v{d.a.version}; show each version below to
              backtest it on all history.
            </p>
          )}
          <p className="muted small">
            {d.changes.length} setting{d.changes.length === 1 ? '' : 's'} differ
            {dropped.size > 0 ? `; ${dropped.size} signal${dropped.size === 1 ? '' : 's'} dropped` : ''}.
          </p>
        </div>
        <div className="grid-wrap">
          <table className="grid weights" aria-label="Weights side by side">
            <thead>
              <tr>
                <th>Category / signal</th>
                <th className="num">v{d.a.version}</th>
                <th className="num">v{d.b.version}</th>
                <th className="num">Change (pts)</th>
              </tr>
            </thead>
            {groups.map(([category, ws]) => (
              <tbody key={category}>
                <tr className="cat-row">
                  <th scope="rowgroup">{category}</th>
                  <td className="num">{pct(sum(ws, 'a'))}</td>
                  <td className="num">{pct(sum(ws, 'b'))}</td>
                  <td className="num">{signed(sum(ws, 'b') - sum(ws, 'a'))}</td>
                </tr>
                {ws.map((w) => {
                  const gone = w.b === 0 && w.a > 0;
                  return (
                    <tr key={w.signalId} className={gone ? 'dropped' : ''}>
                      <td className="sig" title={w.signalId}>
                        {w.label}{' '}
                        {gone ? (
                          <span className="pill critical">
                            dropped{dropped.has(w.signalId) ? `: ${dropped.get(w.signalId)}` : ''}
                          </span>
                        ) : w.a === 0 ? (
                          <span className="pill healthy">new</span>
                        ) : null}
                      </td>
                      <td className="num">{pct(w.a)}</td>
                      <td className="num">{pct(w.b)}</td>
                      <td className={`num ${w.delta > 0 ? 'up' : w.delta < 0 ? 'down' : ''}`}>
                        {signed(w.delta)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
        </div>
      </div>
    </div>
  );
}

/** Approving makes a proposed version active; every account is rescored by the server. */
function ApproveButton({ version }: { version: number }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={async () => {
          if (!window.confirm(`Approve model v${version}? Every account will be rescored with it.`)) return;
          setBusy(true);
          setError(null);
          try {
            await sendJson('POST', `/v1/models/${version}/approve`, {});
            await client.invalidateQueries({ queryKey: ['models'] });
          } catch (e) {
            setError((e as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        Approve
      </button>
      {error && <span className="error small">{error}</span>}
    </>
  );
}

/** How well the score ranks churners: the ROC curve against chance, and churn per risk decile. */
function RankingCharts({ m }: { m: Backtest['metrics'] }) {
  const roc = m.rocCurve ?? [];
  const deciles = m.liftByDecile ?? [];
  const top = deciles[0];
  return (
    <div className="chart-pair">
      {roc.length > 0 && (
        <Chart
          style={{ height: 240 }}
          option={{
            aria: {
              enabled: true,
              description: `ROC curve: ${roc.length} points, AUC ${m.auc?.toFixed(3) ?? '–'}, against the diagonal of a random ranking`,
            },
            title: { text: 'ROC curve', textStyle: { fontSize: 12 } },
            grid: { left: 45, right: 15, top: 30, bottom: 40 },
            tooltip: {
              trigger: 'axis',
              valueFormatter: (v: number) => axisPct(v),
            },
            xAxis: {
              type: 'value',
              min: 0,
              max: 1,
              name: 'false-positive rate',
              nameLocation: 'middle',
              nameGap: 24,
              axisLabel: { formatter: axisPct },
            },
            yAxis: {
              type: 'value',
              min: 0,
              max: 1,
              name: 'true-positive rate',
              nameLocation: 'middle',
              nameGap: 34,
              axisLabel: { formatter: axisPct },
            },
            series: [
              {
                name: 'true-positive rate',
                type: 'line',
                symbol: 'none',
                areaStyle: { color: 'rgba(43,108,176,0.08)' },
                lineStyle: { color: '#2b6cb0', width: 2 },
                data: roc.map((p) => [p.fpr, p.tpr]),
              },
              {
                name: 'chance',
                type: 'line',
                symbol: 'none',
                silent: true,
                tooltip: { show: false },
                lineStyle: { type: 'dashed', color: '#a0aec0' },
                data: [
                  [0, 0],
                  [1, 1],
                ],
              },
            ],
          }}
        />
      )}
      {deciles.length > 0 && (
        <>
          <Chart
            style={{ height: 240 }}
            option={{
              aria: {
                enabled: true,
                description: `Lift by risk decile: riskiest tenth ${top?.lift?.toFixed(2) ?? '–'} times the base churn rate`,
              },
              title: { text: 'Lift by risk decile (1 = riskiest)', textStyle: { fontSize: 12 } },
              grid: { left: 40, right: 15, top: 30, bottom: 40 },
              tooltip: {
                trigger: 'axis',
                formatter: (ps: { dataIndex: number }[]) => {
                  const d = deciles[ps[0]?.dataIndex ?? 0];
                  return d
                    ? `Decile ${d.decile}: ${d.churned} of ${d.accounts} churned (${pct(d.churnRate)}), lift ${d.lift?.toFixed(2) ?? '–'}×`
                    : '';
                },
              },
              xAxis: {
                type: 'category',
                name: 'risk decile',
                nameLocation: 'middle',
                nameGap: 24,
                data: deciles.map((d) => String(d.decile)),
              },
              yAxis: { type: 'value', axisLabel: { formatter: '{value}×' } },
              series: [
                {
                  type: 'bar',
                  data: deciles.map((d) => (d.lift === null ? null : Math.round(d.lift * 100) / 100)),
                  itemStyle: { color: '#c05621' },
                  markLine: {
                    symbol: 'none',
                    silent: true,
                    lineStyle: { type: 'dashed', color: '#718096' },
                    label: { formatter: 'base rate', position: 'insideEndTop' },
                    data: [{ yAxis: 1 }],
                  },
                },
              ],
            }}
          />
          <details className="small">
            <summary>Lift by decile as a table</summary>
            <table className="grid" aria-label="Lift by risk decile">
              <thead>
                <tr>
                  <th>Decile</th>
                  <th className="num">Account-months</th>
                  <th className="num">Churned</th>
                  <th className="num">Churn rate</th>
                  <th className="num">Lift</th>
                </tr>
              </thead>
              <tbody>
                {deciles.map((d) => (
                  <tr key={d.decile}>
                    <td>{d.decile}</td>
                    <td className="num">{d.accounts}</td>
                    <td className="num">{d.churned}</td>
                    <td className="num">{pct(d.churnRate)}</td>
                    <td className="num">{d.lift === null ? '–' : `${d.lift.toFixed(2)}×`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </div>
  );
}

function BacktestView({ b }: { b: Backtest }) {
  const m = b.metrics;
  const bands = m.bandChurnRates.filter((r) => r.count > 0);
  return (
    <>
      <p>
        ROC AUC <b>{m.auc?.toFixed(3) ?? '–'}</b> (95% CI {m.aucCi.lower?.toFixed(3) ?? '–'}–
        {m.aucCi.upper?.toFixed(3) ?? '–'}) on {m.snapshots.toLocaleString('en-US')} account-months (each
        account scored once a month) from {b.period.from} to {b.period.to}; {pct(m.baseRate)} churned within{' '}
        {b.horizonDays} days. Riskiest 10%: precision {pct(m.topDecile.precision)}, lift{' '}
        {m.topDecile.lift?.toFixed(2) ?? '–'}×.
      </p>
      <RankingCharts m={m} />
      <Chart
        style={{ height: 200 }}
        option={{
          aria: { enabled: true, description: 'Churn rate per band' },
          title: { text: 'Churn rate per band', textStyle: { fontSize: 12 } },
          grid: { left: 45, right: 15, top: 30, bottom: 25 },
          tooltip: { valueFormatter: (v: number) => `${v}%` },
          xAxis: { type: 'category', data: bands.map((r) => `${r.band} (${r.count} acct-months)`) },
          yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
          series: [
            {
              type: 'bar',
              data: bands.map((r) => ({
                value: r.rate === null ? null : Math.round(r.rate * 1000) / 10,
                itemStyle: { color: BAND_COLOR[r.band] ?? '#718096' },
              })),
            },
          ],
        }}
      />
      <p>
        Lead time: churned accounts were first at-risk a median <b>{m.leadTime.atRisk.median ?? '–'} days</b>{' '}
        before churning ({pct(m.leadTime.atRisk.shareAtLeast90Days)} at least 90 days ahead;{' '}
        {m.leadTime.atRisk.missed} missed); first critical a median {m.leadTime.critical.median ?? '–'} days
        before.
      </p>
      <Chart
        style={{ height: 180 }}
        option={{
          aria: { enabled: true, description: 'Lead time histogram' },
          grid: { left: 40, right: 15, top: 10, bottom: 25 },
          tooltip: {},
          xAxis: {
            type: 'category',
            data: m.leadTime.atRisk.histogram.map((h) =>
              h.toDays === null ? `≥${h.fromDays} d` : `${h.fromDays}–${h.toDays} d`,
            ),
          },
          yAxis: { type: 'value' },
          series: [
            {
              type: 'bar',
              data: m.leadTime.atRisk.histogram.map((h) => h.count),
              itemStyle: { color: '#d69e2e' },
            },
          ],
        }}
      />
      {m.calibration && m.calibration.bins.length > 0 ? (
        <>
          <p>
            Calibration: predicted churn probability against what happened, by decile (expected calibration
            error {pct(m.calibration.expectedCalibrationError)}, Brier {m.calibration.brier.toFixed(3)}).
          </p>
          <Chart
            style={{ height: 220 }}
            option={{
              aria: {
                enabled: true,
                description: `Calibration: predicted versus observed churn rate in ${m.calibration.bins.length} bins`,
              },
              grid: { left: 45, right: 15, top: 10, bottom: 35 },
              tooltip: { trigger: 'axis' },
              xAxis: {
                type: 'value',
                name: 'predicted',
                nameLocation: 'middle',
                nameGap: 22,
                min: 0,
                axisLabel: { formatter: axisPct },
              },
              yAxis: {
                type: 'value',
                min: 0,
                axisLabel: { formatter: axisPct },
              },
              series: [
                {
                  name: 'observed',
                  type: 'line',
                  data: m.calibration.bins.map((x) => [x.meanPredicted, x.observedRate]),
                  itemStyle: { color: '#2b6cb0' },
                },
                {
                  name: 'perfect',
                  type: 'line',
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: '#a0aec0' },
                  data: [
                    [0, 0],
                    [
                      Math.max(...m.calibration.bins.map((x) => x.meanPredicted), 0.05),
                      Math.max(...m.calibration.bins.map((x) => x.meanPredicted), 0.05),
                    ],
                  ],
                },
              ],
            }}
          />
        </>
      ) : (
        <p className="muted small">
          No churn-probability calibration for this model yet (train one to get it).
        </p>
      )}
    </>
  );
}

const MIGRATION_PAGE = 20;
const MATRIX_BANDS = ['healthy', 'at-risk', 'critical'] as const;

/**
 * Before approving: which of today's accounts the proposal would put in another band — the
 * sentence, the 3×3 matrix (today's band × the proposal's band) and the moved accounts, a page
 * at a time.
 */
function BandMigrationPanel({ version, current }: { version: number; current: number }) {
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    queryKey: ['band-migration', version, current, offset],
    staleTime: 60_000,
    queryFn: () =>
      getJson<BandMigration>(
        `/v1/models/${version}/band-migration?against=${current}&offset=${offset}&limit=${MIGRATION_PAGE}`,
      ),
  });
  return (
    <div className="panel band-migration" data-testid="band-migration">
      <h2>If v{version} is approved: band changes today</h2>
      {q.isPending ? (
        <p className="muted">
          Scoring today&apos;s accounts under v{current} and v{version}…
        </p>
      ) : q.isError ? (
        <p className="error">{q.error.message}</p>
      ) : (
        <>
          <p data-testid="band-migration-summary">
            <b>{q.data.summary}</b>{' '}
            <span className="muted">
              ({q.data.unchanged.toLocaleString('en-US')} of {q.data.accounts.toLocaleString('en-US')}{' '}
              accounts keep their band; scored as of {q.data.asOf}, overrides aside.)
            </span>
          </p>
          <table className="migration-matrix" aria-label="Accounts by band today and under the proposal">
            <thead>
              <tr>
                <th className="mm-h" scope="col">
                  today ↓ / v{version} →
                </th>
                {MATRIX_BANDS.map((b) => (
                  <th className="mm-h" scope="col" key={b}>
                    {BAND_LABEL[b] ?? b}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {MATRIX_BANDS.map((from, i) => (
                <tr key={from}>
                  <th className="mm-h" scope="row">
                    {BAND_LABEL[from] ?? from}
                  </th>
                  {MATRIX_BANDS.map((to, j) => {
                    const n = q.data.matrix[from][to];
                    const cls = i === j ? 'same' : j > i ? 'moved-down' : 'moved-up';
                    return (
                      <td
                        key={to}
                        className={`mm-c ${n > 0 ? cls : 'same'}`}
                        data-testid={`mm-${from}-${to}`}
                      >
                        {n.toLocaleString('en-US')}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {q.data.total > 0 && (
            <div className="grid-wrap">
              <table className="grid" aria-label="Accounts that change band">
                <thead>
                  <tr>
                    <th>Account</th>
                    <th className="num">ARR</th>
                    <th>Today</th>
                    <th>Under v{version}</th>
                    <th className="wide">Owner</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.items.map((a) => (
                    <tr key={a.accountId}>
                      <td>
                        <a href={`#/accounts/${encodeURIComponent(a.accountId)}`}>{a.name}</a>
                      </td>
                      <td className="num">{money(a.arr)}</td>
                      <td>
                        <span className={`pill ${a.from.band}`}>{BAND_LABEL[a.from.band]}</span>{' '}
                        {Math.round(a.from.score)}
                      </td>
                      <td>
                        <span className={`pill ${a.to.band}`}>{BAND_LABEL[a.to.band]}</span>{' '}
                        {Math.round(a.to.score)}
                      </td>
                      <td className="wide">{a.ownerName ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {q.data.total > MIGRATION_PAGE && (
            <div className="pager">
              <button
                type="button"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - MIGRATION_PAGE))}
              >
                Previous
              </button>
              <span className="muted">
                {offset + 1}–{Math.min(offset + MIGRATION_PAGE, q.data.total)} of {q.data.total} moved
                accounts
              </span>
              <button
                type="button"
                disabled={offset + MIGRATION_PAGE >= q.data.total}
                onClick={() => setOffset(offset + MIGRATION_PAGE)}
              >
                Next
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

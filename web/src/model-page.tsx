import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { getJson, sendJson, useMeQuery } from './api.ts';
import { Chart } from './charts.tsx';
import { BAND_COLOR } from './format.ts';

type ModelItem = {
  version: number;
  name: string;
  status: string;
  createdAt: string;
  approvedBy: string | null;
  backtest: { auc: number | null; medianLeadDays: number | null; horizonDays: number | null } | null;
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
    bandChurnRates: { band: string; count: number; churned: number; rate: number | null }[];
    leadTime: { churnedAccounts: number; atRisk: LeadDist; critical: LeadDist };
    calibration: {
      bins: { bin: number; count: number; meanPredicted: number; observedRate: number }[];
      expectedCalibrationError: number;
      brier: number;
    } | null;
  };
};
type ModelDetail = {
  document?: { signals?: Record<string, { weight: number }> };
  model?: { signals?: Record<string, { weight: number }> };
};

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`;

export function ModelPage() {
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => getJson<{ items: ModelItem[] }>('/v1/models'),
  });
  const [version, setVersion] = useState<number | null>(null);
  const admin = useMeQuery().data?.user.role === 'admin';
  const active = models.data?.items.find((m) => m.status === 'active');
  const v = version ?? active?.version ?? null;
  const detail = useQuery({
    queryKey: ['model', v],
    enabled: v !== null,
    queryFn: () => getJson<ModelDetail>(`/v1/models/${v}`),
  });
  const backtest = useQuery({
    queryKey: ['backtest', v],
    enabled: v !== null,
    staleTime: 300_000,
    queryFn: () => getJson<Backtest>(`/v1/models/${v}/backtest`),
  });
  const weights = Object.entries(detail.data?.model?.signals ?? detail.data?.document?.signals ?? {})
    .filter(([, s]) => s.weight > 0)
    .sort((a, b) => a[1].weight - b[1].weight);
  return (
    <section>
      <h1>Health model</h1>
      {models.isPending ? (
        <p>Loading models…</p>
      ) : models.isError ? (
        <p className="error">{models.error.message}</p>
      ) : (
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
                <td className="num">{m.backtest?.auc?.toFixed(3) ?? '–'}</td>
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
      )}
      <div className="cols">
        <div className="panel">
          <h2>Signal weights{v ? ` (v${v})` : ''}</h2>
          {weights.length === 0 ? (
            <p className="muted">Loading…</p>
          ) : (
            <Chart
              style={{ height: Math.max(260, weights.length * 16 + 40) }}
              option={{
                aria: { enabled: true },
                grid: { left: 170, right: 20, top: 10, bottom: 20 },
                tooltip: {},
                xAxis: { type: 'value' },
                yAxis: { type: 'category', data: weights.map(([id]) => id) },
                series: [
                  { type: 'bar', data: weights.map(([, s]) => s.weight), itemStyle: { color: '#2b6cb0' } },
                ],
              }}
            />
          )}
        </div>
        <div className="panel">
          <h2>Backtest on your own history</h2>
          {backtest.isPending ? (
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

function BacktestView({ b }: { b: Backtest }) {
  const m = b.metrics;
  const bands = m.bandChurnRates.filter((r) => r.count > 0);
  return (
    <>
      <p>
        ROC AUC <b>{m.auc?.toFixed(3) ?? '–'}</b> (95% CI {m.aucCi.lower?.toFixed(3) ?? '–'}–
        {m.aucCi.upper?.toFixed(3) ?? '–'}) on {m.snapshots.toLocaleString('en-US')} monthly snapshots from{' '}
        {b.period.from} to {b.period.to}; {pct(m.baseRate)} churned within {b.horizonDays} days. Riskiest 10%:
        precision {pct(m.topDecile.precision)}, lift {m.topDecile.lift?.toFixed(2) ?? '–'}×.
      </p>
      <Chart
        style={{ height: 200 }}
        option={{
          aria: { enabled: true, description: 'Churn rate per band' },
          title: { text: 'Churn rate per band', textStyle: { fontSize: 12 } },
          grid: { left: 45, right: 15, top: 30, bottom: 25 },
          tooltip: { valueFormatter: (v: number) => `${v}%` },
          xAxis: { type: 'category', data: bands.map((r) => `${r.band} (${r.count})`) },
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
            data: m.leadTime.atRisk.histogram.map((h) => `${h.fromDays}–${h.toDays ?? ''}d`),
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
                axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
              },
              yAxis: {
                type: 'value',
                min: 0,
                axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
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

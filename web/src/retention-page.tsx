import { useState } from 'react';
import { type Ratio, useCohortsQuery, useMetricsQuery } from './api.ts';
import { Chart } from './charts.tsx';
import { BAND_COLOR, money } from './format.ts';

const pct = (r: Ratio) => (r.value === null ? null : Math.round(r.value * 1000) / 10);

export function RetentionPage() {
  const [period, setPeriod] = useState('month');
  const m = useMetricsQuery(period);
  const cohorts = useCohortsQuery('quarter');
  return (
    <section>
      <h1>Retention</h1>
      <search className="filters">
        <label>
          Period
          <select value={period} onChange={(e) => setPeriod(e.target.value)}>
            <option value="month">month</option>
            <option value="quarter">quarter</option>
            <option value="year">year</option>
            <option value="ttm">trailing twelve months</option>
          </select>
        </label>
      </search>
      {m.isPending ? (
        <p>Loading metrics…</p>
      ) : m.isError ? (
        <p className="error">{m.error.message}</p>
      ) : (
        <>
          <div className="cols">
            <div className="panel">
              <h2>GRR, NRR and logo retention</h2>
              <Chart
                style={{ height: 280 }}
                option={{
                  aria: { enabled: true },
                  tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
                  legend: { bottom: 0 },
                  grid: { left: 45, right: 15, top: 15, bottom: 45 },
                  xAxis: { type: 'category', data: m.data.periods.map((p) => p.label) },
                  yAxis: {
                    type: 'value',
                    min: (v: { min: number }) => Math.floor(Math.min(80, v.min) / 5) * 5,
                    axisLabel: { formatter: '{value}%' },
                  },
                  series: [
                    { name: 'GRR', type: 'line', data: m.data.periods.map((p) => pct(p.grr)) },
                    { name: 'NRR', type: 'line', data: m.data.periods.map((p) => pct(p.nrr)) },
                    {
                      name: 'Logo retention',
                      type: 'line',
                      data: m.data.periods.map((p) => pct(p.logoRetention)),
                    },
                  ],
                }}
              />
            </div>
            <div className="panel">
              <h2>Revenue movements</h2>
              <Chart
                style={{ height: 280 }}
                option={{
                  aria: { enabled: true },
                  tooltip: { trigger: 'axis', valueFormatter: (v: number) => money(Math.abs(v)) },
                  legend: { bottom: 0 },
                  grid: { left: 60, right: 15, top: 15, bottom: 45 },
                  xAxis: { type: 'category', data: m.data.periods.map((p) => p.label) },
                  yAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(v) } },
                  series: [
                    {
                      name: 'New',
                      type: 'bar',
                      stack: 'in',
                      color: '#2b6cb0',
                      data: m.data.periods.map((p) => p.movements.new + p.movements.reactivation),
                    },
                    {
                      name: 'Expansion',
                      type: 'bar',
                      stack: 'in',
                      color: '#1f9d55',
                      data: m.data.periods.map((p) => p.movements.expansion),
                    },
                    {
                      name: 'Contraction',
                      type: 'bar',
                      stack: 'out',
                      color: '#d69e2e',
                      data: m.data.periods.map((p) => -p.movements.contraction),
                    },
                    {
                      name: 'Churn',
                      type: 'bar',
                      stack: 'out',
                      color: '#e53e3e',
                      data: m.data.periods.map((p) => -p.movements.churn),
                    },
                  ],
                }}
              />
            </div>
          </div>
          <div className="cols">
            <ByBand periods={m.data.periods} />
            <div className="panel">
              <h2>Compound effect</h2>
              {m.data.projection ? (
                <>
                  <Chart
                    style={{ height: 220 }}
                    option={{
                      aria: { enabled: true },
                      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
                      legend: { bottom: 0 },
                      grid: { left: 45, right: 15, top: 15, bottom: 45 },
                      xAxis: {
                        type: 'category',
                        data: m.data.projection.scenarios[0]!.retainedByYear.map((_, k) => `year ${k}`),
                      },
                      yAxis: { type: 'value', min: 40, max: 100, axisLabel: { formatter: '{value}%' } },
                      series: m.data.projection.scenarios.map((s) => ({
                        name: `${s.label} ${(s.annualRetention * 100).toFixed(1)}%`,
                        type: 'line',
                        data: s.retainedByYear.map((v) => Math.round(v * 1000) / 10),
                      })),
                    }}
                  />
                  <p className="muted">
                    After {m.data.projection.years} years the gap is {m.data.projection.gapPoints} points of
                    revenue: {Math.round(m.data.projection.relativeGap * 100)}% more revenue kept at the
                    target rate.
                  </p>
                </>
              ) : (
                <p className="muted">Not enough history for a trailing-twelve-month retention yet.</p>
              )}
              <p>
                Time to value: median <b>{m.data.timeToValue.medianDays ?? '–'} days</b> (
                {m.data.timeToValue.reached} of {m.data.timeToValue.customers} customers reached a value
                milestone).
              </p>
            </div>
          </div>
        </>
      )}
      <div className="panel">
        <h2>Logo retention by quarterly cohort</h2>
        {cohorts.isPending ? (
          <p>Loading cohorts…</p>
        ) : cohorts.isError ? (
          <p className="error">{cohorts.error.message}</p>
        ) : (
          <Heatmap rows={cohorts.data.rows} />
        )}
      </div>
    </section>
  );
}

function ByBand({
  periods,
}: {
  periods: {
    label: string;
    byBand: { band: string; customers: number; grr: Ratio; logoRetention: Ratio }[];
  }[];
}) {
  const complete = periods.filter((p) => !p.label.includes('(to '));
  const last = complete[complete.length - 1];
  if (!last) return <div className="panel">No complete period yet.</div>;
  const bands = last.byBand.filter((b) => b.band !== 'unscored');
  return (
    <div className="panel">
      <h2>Retention by health band at the start of {last.label}</h2>
      <Chart
        style={{ height: 220 }}
        option={{
          aria: { enabled: true },
          tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
          grid: { left: 45, right: 15, top: 15, bottom: 30 },
          xAxis: { type: 'category', data: bands.map((b) => `${b.band} (${b.customers})`) },
          yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
          series: [
            {
              name: 'logo retention',
              type: 'bar',
              data: bands.map((b) => ({
                value: pct(b.logoRetention),
                itemStyle: { color: BAND_COLOR[b.band] },
              })),
            },
          ],
        }}
      />
      <p className="muted small">
        Does a healthy account really renew more? If the bars do not fall from healthy to critical, the score
        needs work.
      </p>
    </div>
  );
}

function Heatmap({ rows }: { rows: { cohort: string; customers: number; logo: (number | null)[] }[] }) {
  const width = Math.max(...rows.map((r) => r.logo.length));
  const data = rows.flatMap((r, y) => r.logo.map((v, x) => [x, y, v === null ? null : Math.round(v * 100)]));
  return (
    <Chart
      style={{ height: Math.max(240, rows.length * 22 + 70) }}
      option={{
        aria: { enabled: true, description: 'Cohort retention heatmap' },
        tooltip: {
          formatter: (p: { value: [number, number, number] }) =>
            `${rows[p.value[1]]!.cohort}, quarter ${p.value[0]}: ${p.value[2]}%`,
        },
        grid: { left: 80, right: 20, top: 10, bottom: 80 },
        xAxis: {
          type: 'category',
          data: Array.from({ length: width }, (_, i) => `Q+${i}`),
          splitArea: { show: true },
        },
        yAxis: { type: 'category', data: rows.map((r) => `${r.cohort} (${r.customers})`), inverse: true },
        visualMap: {
          min: 0,
          max: 100,
          calculable: true,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          inRange: { color: ['#fed7d7', '#fefcbf', '#c6f6d5', '#1f9d55'] },
        },
        series: [{ type: 'heatmap', data, label: { show: true, fontSize: 10 } }],
      }}
    />
  );
}

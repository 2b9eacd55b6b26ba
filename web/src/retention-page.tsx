import { useState } from 'react';
import { type PeriodMetrics, type Ratio, useCohortsQuery, useForecastQuery, useMetricsQuery } from './api.ts';
import { Chart } from './charts.tsx';
import { BAND_COLOR, money } from './format.ts';

const pct = (r: Ratio) => (r.value === null ? null : Math.round(r.value * 1000) / 10);
const pctText = (r: Ratio) => (r.value === null ? 'n/d' : `${(r.value * 100).toFixed(1)}%`);

/** Why a chart has nothing to draw, in words (never an empty frame). */
function Empty({ why }: { why: string }) {
  return (
    <p className="muted empty-chart" data-testid="empty-chart">
      {why}
    </p>
  );
}

type Tile = { label: string; value: string; change: string | null; good: boolean | null; title: string };

function ratioTile(label: string, now: Ratio, before: Ratio | undefined, title: string): Tile {
  const d = now.value !== null && before?.value != null ? (now.value - before.value) * 100 : null;
  return {
    label,
    value: pctText(now),
    change: d === null ? null : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} pts`,
    good: d === null || d === 0 ? null : d > 0,
    title: now.value === null ? (now.reason ?? 'not defined') : title,
  };
}
function moneyTile(label: string, now: number, before: number | undefined, upIsGood: boolean): Tile {
  const d = before === undefined ? null : now - before;
  return {
    label,
    value: money(now),
    change: d === null ? null : `${d >= 0 ? '+' : '−'}${money(Math.abs(d))}`,
    good: d === null || d === 0 ? null : d > 0 === upIsGood,
    title: `${label} over the twelve months`,
  };
}

/** Headline tiles: the trailing twelve months to date, and the change against the twelve months before. */
function Headline({ periods }: { periods: PeriodMetrics[] }) {
  const now = periods[periods.length - 1];
  if (!now) return <Empty why="No trailing-twelve-month window ends in the range yet." />;
  const before = periods.length > 12 ? periods[periods.length - 13] : undefined;
  const tiles: Tile[] = [
    ratioTile(
      'GRR',
      now.grr,
      before?.grr,
      'revenue kept from the customers paying a year ago, expansion excluded',
    ),
    ratioTile(
      'NRR',
      now.nrr,
      before?.nrr,
      'revenue from the customers paying a year ago, expansion included',
    ),
    ratioTile(
      'Logo retention',
      now.logoRetention,
      before?.logoRetention,
      'customers paying a year ago still paying',
    ),
    moneyTile('Churned ARR', now.movements.churn, before?.movements.churn, false),
    moneyTile('Expansion ARR', now.movements.expansion, before?.movements.expansion, true),
  ];
  return (
    <>
      <p className="muted">
        Trailing twelve months {now.start} – {now.end}
        {before
          ? `, change against ${before.start} – ${before.end}`
          : ' (no earlier year to compare with yet)'}
      </p>
      <div className="tiles" data-testid="retention-tiles">
        {tiles.map((t) => (
          <div className="tile" key={t.label} title={t.title}>
            <div className="tile-label">{t.label}</div>
            <div className="tile-value">{t.value}</div>
            <div className={`tile-sub ${t.good === null ? '' : t.good ? 'up' : 'down'}`}>
              {t.change ?? 'no change to show'}
            </div>
          </div>
        ))}
      </div>
    </>
  );
}

/** Why a series of retention ratios has no point: the reason of the first undefined ratio. */
function ratioGap(periods: PeriodMetrics[]): string | null {
  if (periods.length === 0) return 'No period in the range.';
  if (periods.some((p) => p.grr.value !== null)) return null;
  return `Every period is "not defined": ${periods[0]!.grr.reason ?? 'no paying customers at the start'}.`;
}

export function RetentionPage() {
  const [period, setPeriod] = useState('ttm');
  const ttm = useMetricsQuery('ttm');
  const m = useMetricsQuery(period);
  const cohorts = useCohortsQuery('quarter');
  const forecast = useForecastQuery();
  const rolling = period === 'ttm';
  return (
    <section>
      <h1>Retention</h1>
      {ttm.isPending ? (
        <div className="tiles loading">Loading the trailing twelve months…</div>
      ) : ttm.isError ? (
        <p className="error">{ttm.error.message}</p>
      ) : (
        <Headline periods={ttm.data.periods} />
      )}
      <search className="filters">
        <label>
          Period
          <select value={period} onChange={(e) => setPeriod(e.target.value)}>
            <option value="ttm">trailing twelve months</option>
            <option value="month">month</option>
            <option value="quarter">quarter</option>
            <option value="year">year</option>
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
              {ratioGap(m.data.periods) ? (
                <Empty why={ratioGap(m.data.periods)!} />
              ) : (
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
              )}
            </div>
            <div className="panel">
              <h2>Revenue movements{rolling ? ' (each point: the twelve months to that month)' : ''}</h2>
              {m.data.periods.every((p) => Object.values(p.movements).every((v) => v === 0)) ? (
                <Empty
                  why={
                    m.data.periods.length === 0
                      ? 'No period in the range.'
                      : 'No customer started, grew, shrank, left or came back in these periods.'
                  }
                />
              ) : (
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
                        data: m.data.periods.map((p) => p.movements.new),
                      },
                      {
                        name: 'Reactivation',
                        type: 'bar',
                        stack: 'in',
                        color: '#805ad5',
                        data: m.data.periods.map((p) => p.movements.reactivation),
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
              )}
            </div>
          </div>
          <MovementsTable periods={m.data.periods} />
          <div className="cols">
            <ByBand periods={m.data.periods} />
            <ChurnReasons periods={rolling ? m.data.periods.slice(-1) : m.data.periods} />
          </div>
          <div className="cols">
            <Forecast q={forecast} />
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
                <Empty why="Not enough history for a trailing-twelve-month retention yet." />
              )}
              <p>
                Time to value: median <b>{m.data.timeToValue.medianDays ?? '–'} days</b> (
                {m.data.timeToValue.reached} of {m.data.timeToValue.customers} customers reached a value
                milestone).
              </p>
            </div>
          </div>
          <p className="muted small">Conventions: {JSON.stringify(m.data.conventions)}</p>
        </>
      )}
      <div className="panel">
        <h2>Logo retention by quarterly cohort</h2>
        {cohorts.isPending ? (
          <p>Loading cohorts…</p>
        ) : cohorts.isError ? (
          <p className="error">{cohorts.error.message}</p>
        ) : cohorts.data.rows.length === 0 ? (
          <Empty why="No customer has had revenue yet, so there is no cohort to follow." />
        ) : (
          <Heatmap rows={cohorts.data.rows} />
        )}
      </div>
    </section>
  );
}

/** The bridge as text: reactivation kept apart from new business. */
function MovementsTable({ periods }: { periods: PeriodMetrics[] }) {
  if (periods.length === 0) return null;
  return (
    <div className="panel">
      <h2>Revenue bridge</h2>
      <table aria-label="Revenue bridge per period">
        <thead>
          <tr>
            <th>Period</th>
            <th className="num">Start ARR</th>
            <th className="num">New</th>
            <th className="num">Reactivation</th>
            <th className="num">Expansion</th>
            <th className="num">Contraction</th>
            <th className="num">Churn</th>
            <th className="num">End ARR</th>
            <th className="num">GRR</th>
            <th className="num">NRR</th>
            <th className="num">Logos</th>
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.label}>
              <td>{p.label}</td>
              <td className="num">{money(p.startArr)}</td>
              <td className="num">{money(p.movements.new)}</td>
              <td className="num">{money(p.movements.reactivation)}</td>
              <td className="num">{money(p.movements.expansion)}</td>
              <td className="num">{money(p.movements.contraction)}</td>
              <td className="num">{money(p.movements.churn)}</td>
              <td className="num">{money(p.endArr)}</td>
              <td className="num">{pctText(p.grr)}</td>
              <td className="num">{pctText(p.nrr)}</td>
              <td className="num">{pctText(p.logoRetention)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChurnReasons({ periods }: { periods: PeriodMetrics[] }) {
  const rows = new Map<string, { arr: number; logos: number }>();
  for (const p of periods)
    for (const r of p.churnReasons) {
      const x = rows.get(r.reason) ?? { arr: 0, logos: 0 };
      x.arr += r.arr;
      x.logos += r.logos;
      rows.set(r.reason, x);
    }
  const list = [...rows].sort((a, b) => b[1].arr - a[1].arr);
  const first = periods[0];
  const last = periods[periods.length - 1];
  return (
    <div className="panel">
      <h2>Churn by reason{first && last ? ` (${first.start} – ${last.end})` : ''}</h2>
      {list.length === 0 ? (
        <Empty why="No customer churned in these periods, so there is no reason to show." />
      ) : (
        <>
          <Chart
            style={{ height: Math.max(160, list.length * 28 + 40) }}
            option={{
              aria: { enabled: true },
              tooltip: { trigger: 'axis', valueFormatter: (v: number) => money(v) },
              grid: { left: 120, right: 20, top: 10, bottom: 25 },
              xAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(v) } },
              yAxis: { type: 'category', inverse: true, data: list.map(([r, x]) => `${r} (${x.logos})`) },
              series: [{ name: 'Lost ARR', type: 'bar', color: '#e53e3e', data: list.map(([, x]) => x.arr) }],
            }}
          />
          <p className="muted small">
            Reason: the churn event nearest the loss, else the contract&apos;s churn reason, else unknown.
            Lost ARR comes from the contracts, so the bars add up to the churn in the bridge.
          </p>
        </>
      )}
    </div>
  );
}

function Forecast({ q }: { q: ReturnType<typeof useForecastQuery> }) {
  if (q.isPending) return <div className="panel">Loading the renewal forecast…</div>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const f = q.data;
  const b = f.backtest;
  return (
    <div className="panel">
      <h2>Renewal forecast</h2>
      {f.buckets.every((x) => x.renewals === 0) ? (
        <Empty why="No live term renews in the next 180 days." />
      ) : (
        <table aria-label="Renewals due">
          <thead>
            <tr>
              <th>Due within</th>
              <th className="num">Renewals</th>
              <th className="num">ARR</th>
              <th className="num">Expected renewed</th>
              <th className="num">Expected churn</th>
              <th className="num">No estimate</th>
            </tr>
          </thead>
          <tbody>
            {f.buckets.map((x) => (
              <tr key={x.withinDays}>
                <td>{x.withinDays} days</td>
                <td className="num">{x.renewals}</td>
                <td className="num">{money(x.arr)}</td>
                <td className="num">{money(x.expectedRenewedArr)}</td>
                <td className="num">{money(x.expectedChurnArr)}</td>
                <td className="num">{money(x.unestimatedArr)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        Expected GRR over the next 90 days:{' '}
        <b data-testid="expected-grr">
          {f.expectedGrrNext90 === null ? 'n/d (no ARR today)' : `${(f.expectedGrrNext90 * 100).toFixed(1)}%`}
        </b>{' '}
        of {money(f.arrToday)} ARR.
      </p>
      <p className="muted small">
        Churn probability: {f.probabilitySource}. Backtest ({b.leadDays} days before each renewal of the past
        year): {b.renewals} renewals, predicted renewed {money(b.predictedRenewedArr)} vs actual{' '}
        {money(b.actualRenewedArr)}
        {b.relativeError === null ? '' : ` (error ${(b.relativeError * 100).toFixed(1)}%)`}
        {b.brier === null ? '' : `, Brier ${b.brier}`}
        {b.withoutScore ? `; ${b.withoutScore} renewals had no score then` : ''}.
      </p>
    </div>
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
  if (!last)
    return (
      <div className="panel">
        <Empty why="No complete period yet: retention by band needs a period that has ended." />
      </div>
    );
  const bands = last.byBand.filter((b) => b.band !== 'unscored' && b.customers > 0);
  return (
    <div className="panel">
      <h2>Retention by health band at the start of {last.label}</h2>
      {bands.length === 0 ? (
        <Empty
          why={`No customer had a stored score at the start of ${last.label}: score history (vigil score --backfill-from) fills this.`}
        />
      ) : (
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
      )}
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

import { DuckDBInstance } from '@duckdb/node-api';
import type { Contract } from '../src/core/data-model/entities.ts';
import { createRng } from '../src/core/demo/prng.ts';
import { computeCohorts } from '../src/core/metrics/cohorts.ts';
import { computePeriodMetrics, retentionByBand } from '../src/core/metrics/compute-retention.ts';
import { DEFAULT_CONVENTIONS } from '../src/core/metrics/conventions.ts';
import { customerRevenue } from '../src/core/metrics/customer-arr.ts';
import { periodWindows } from '../src/core/metrics/periods.ts';
import { computeTimeToValue } from '../src/core/metrics/time-to-value.ts';
import type { Band } from '../src/core/scoring/score-result.ts';
import { toDay } from '../src/core/signals/signal-helpers.ts';
import type { BenchOptions, BenchRow } from './bench-row.ts';

/** Synthetic contracts: annual terms with renewals, expansions, contractions and churn over 36 months. */
function portfolio(accounts: number): Contract[] {
  const rng = createRng(7);
  const out: Contract[] = [];
  const day0 = Date.UTC(2023, 0, 1);
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  for (let a = 0; a < accounts; a++) {
    let start = day0 + rng.int(0, 900) * 86_400_000;
    let arr = Math.round(rng.logUniform(5000, 300000));
    for (let t = 0; t < 4 && start < Date.UTC(2026, 0, 1); t++) {
      const end = start + 364 * 86_400_000;
      const churn = rng.chance(0.12);
      out.push({
        id: `c${a}-${t}`,
        accountId: `a${a}`,
        start: iso(start),
        end: iso(end),
        arr,
        currency: 'USD',
        products: [],
        status: churn ? 'churned' : 'renewed',
        churnedAt: churn ? iso(end) : null,
      });
      if (churn) break;
      start = end + 86_400_000;
      arr = Math.round(arr * (rng.chance(0.2) ? 1.3 : rng.chance(0.1) ? 0.7 : 1.03));
    }
  }
  return out;
}

export default async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const accounts = quick ? 2000 : 10_000;
  const contracts = portfolio(accounts);
  const windows = periodWindows('month', '2023-01-01', '2025-12-31');
  // inputs the engine loads from the store: a band per account and value milestone days
  const bandRng = createRng(11);
  const bandNames: Band[] = ['healthy', 'at-risk', 'critical'];
  const bands = new Map<string, Band>();
  const milestones = new Map<string, number[]>();
  const firstStart = new Map<string, number>();
  for (const c of contracts) if (!firstStart.has(c.accountId)) firstStart.set(c.accountId, toDay(c.start));
  for (let a = 0; a < accounts; a++) {
    if (bandRng.chance(0.9)) bands.set(`a${a}`, bandNames[bandRng.int(0, 2)]!);
    const first = firstStart.get(`a${a}`);
    if (first !== undefined && bandRng.chance(0.8)) milestones.set(`a${a}`, [first + bandRng.int(0, 200)]);
  }
  const t0 = performance.now();
  const revenue = customerRevenue(contracts, DEFAULT_CONVENTIONS);
  const monthly = windows.map((w) => computePeriodMetrics(w, { revenue }, DEFAULT_CONVENTIONS));
  const monthlyMs = performance.now() - t0;
  for (const w of windows) retentionByBand(w, { revenue }, DEFAULT_CONVENTIONS, bands);
  computeTimeToValue(revenue, milestones);
  computeCohorts(revenue, 'month', toDay('2025-12-31'));
  const vigilMs = performance.now() - t0;

  // the reference: DuckDB computes the same monthly GRR and NRR in SQL over the same contracts
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run('create table contracts (account_id varchar, start_date date, end_date date, arr double)');
  const appender = await conn.createAppender('contracts');
  for (const c of contracts) {
    const end = c.status === 'churned' && c.churnedAt ? c.churnedAt : (c.end ?? '9999-12-31');
    appender.appendVarchar(c.accountId);
    appender.appendVarchar(c.start);
    appender.appendVarchar(end);
    appender.appendDouble(c.arr);
    appender.endRow();
  }
  appender.closeSync();
  const t1 = performance.now();
  const reader = await conn.runAndReadAll(`
    with months as (select cast(m as date) as s, cast(m + interval 1 month - interval 1 day as date) as e
                    from range(date '2023-01-01', date '2026-01-01', interval 1 month) t(m)),
         per as (select months.s, c.account_id,
                   sum(case when c.start_date <= months.s and c.end_date >= months.s then c.arr else 0 end) as a,
                   sum(case when c.start_date <= months.e and c.end_date >= months.e then c.arr else 0 end) as b
                 from months cross join contracts c group by 1, 2)
    select s, sum(least(a, b)) / nullif(sum(a), 0) as grr, sum(b) / nullif(sum(a), 0) as nrr
    from per where a > 0 group by s order by s`);
  const rows = reader.getRows();
  const duckMs = performance.now() - t1;
  conn.closeSync();
  db.closeSync();
  // the two must agree (renewal gaps are one day here, so bridging changes nothing)
  const worst = Math.max(...rows.map((r, i) => Math.abs(Number(r[1]) - (monthly[i]!.grr.value ?? 0))));
  const w = `metrics: ${accounts.toLocaleString('en-US')} accounts × 36 months`;
  return [
    {
      workload: w,
      metric: 'all monthly metrics, by band, TTV, cohorts',
      vigil: vigilMs / 1000,
      reference: duckMs / 1000,
      referenceName: 'DuckDB SQL (GRR/NRR only)',
      unit: 's',
      lowerIsBetter: true,
      note: `max GRR difference ${worst.toFixed(6)}; movements + GRR/NRR/logos alone ${(monthlyMs / 1000).toFixed(3)} s`,
    },
  ];
}

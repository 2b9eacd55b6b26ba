import { loadavg } from 'node:os';
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
import { monthSpineMovements } from '../src/store/oracles/month-spine-movements.ts';
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
  // warm-up (JIT) on a slice, untimed: the figure is the steady state a server sees
  const warm = customerRevenue(contracts.slice(0, 2000), DEFAULT_CONVENTIONS);
  for (const w of windows) computePeriodMetrics(w, { revenue: warm }, DEFAULT_CONVENTIONS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const revenue = customerRevenue(contracts, DEFAULT_CONVENTIONS);
  const monthly = windows.map((w) => computePeriodMetrics(w, { revenue }, DEFAULT_CONVENTIONS));
  // start = previous end in every month (the bridge the issue found broken)
  for (let i = 1; i < monthly.length; i++)
    if (monthly[i]!.startArr !== monthly[i - 1]!.endArr)
      throw new Error(`bridge broken at ${monthly[i]!.label}`);
  const monthlyMs = performance.now() - t0;
  for (const w of windows) retentionByBand(w, { revenue }, DEFAULT_CONVENTIONS, bands);
  computeTimeToValue(revenue, milestones);
  computeCohorts(revenue, 'month', toDay('2025-12-31'));
  const vigilMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const vigilCpuMs = (cpu.user + cpu.system) / 1000;

  // the reference: DuckDB runs the month-spine MRR movement SQL (src/store/oracles) over the same
  // contracts, in the month-spine convention; Vigil's figures above use the same one
  const cpu1 = process.cpuUsage();
  const spine = await monthSpineMovements(contracts, '2023-01-01', '2025-12-31');
  const cpuSpine = process.cpuUsage(cpu1);
  const duckMs = spine.queryMs;
  const spineConv = { ...DEFAULT_CONVENTIONS, reactivationWindowDays: 100_000 };
  const revenueSpine = customerRevenue(contracts, spineConv);
  const t2 = performance.now();
  const vigilSpine = windows.map((w) => computePeriodMetrics(w, { revenue: revenueSpine }, spineConv));
  const movementsOnlyMs = performance.now() - t2;
  let worst = 0;
  for (const [i, m] of vigilSpine.entries()) {
    const o = spine.months[i]!;
    for (const k of ['new', 'expansion', 'contraction', 'churn', 'reactivation'] as const)
      worst = Math.max(worst, Math.abs(m.movements[k] - o[k]));
    worst = Math.max(worst, Math.abs(m.endArr - o.endArr));
  }
  const w = `metrics: ${accounts.toLocaleString('en-US')} accounts × 36 months`;
  return [
    {
      workload: w,
      metric: 'all monthly metrics, by band, TTV, cohorts',
      vigil: vigilMs / 1000,
      reference: duckMs / 1000,
      referenceName: 'DuckDB month-spine movements SQL (movements only)',
      unit: 's',
      lowerIsBetter: true,
      note: `CPU time Vigil ${(vigilCpuMs / 1000).toFixed(3)} s, DuckDB load+query ${((cpuSpine.user + cpuSpine.system) / 1e6).toFixed(3)} s; max movement/ARR difference vs DuckDB ${worst.toFixed(6)}; Vigil movements alone ${(monthlyMs / 1000).toFixed(3)} s (spine convention ${(movementsOnlyMs / 1000).toFixed(3)} s); load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    },
  ];
}

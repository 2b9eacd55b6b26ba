import { type ChurnReasonRow, churnReasons } from '../../core/metrics/churn-reasons.ts';
import { type CohortRow, computeCohorts } from '../../core/metrics/cohorts.ts';
import { type CompoundProjection, projectCompoundRetention } from '../../core/metrics/compound-projection.ts';
import {
  type BandRetention,
  computePeriodMetrics,
  type PeriodMetrics,
  retentionByBand,
} from '../../core/metrics/compute-retention.ts';
import { type MetricConventions, metricConventionsSchema } from '../../core/metrics/conventions.ts';
import { customerRevenue } from '../../core/metrics/customer-arr.ts';
import { type Period, periodWindows } from '../../core/metrics/periods.ts';
import { computeTimeToValue, type TimeToValue } from '../../core/metrics/time-to-value.ts';
import { dayIso, toDay } from '../../core/signals/signal-helpers.ts';
import {
  bandsAt,
  earliestEventDay,
  listChurnReasons,
  listFailedPayments,
  listScopedContracts,
  listValueMilestoneDays,
  type MetricsScope,
} from '../../store/queries/metrics-inputs.ts';
import { type EngineContext, today } from '../context.ts';

export type MetricsReportOptions = MetricsScope & {
  period: Period;
  from?: string;
  to?: string;
  conventions?: Partial<MetricConventions>;
  /** What-if annual retention for the compound projection (default 0.95). */
  targetRetention?: number;
};

export type MetricsReport = {
  asOf: string;
  scope: MetricsScope;
  conventions: MetricConventions;
  periods: (Omit<PeriodMetrics, 'churned'> & { byBand: BandRetention[]; churnReasons: ChurnReasonRow[] })[];
  timeToValue: TimeToValue;
  /** TTV counts only customers whose first contract started on or after this day (the first stored event). */
  timeToValueSince: string | null;
  projection: CompoundProjection | null;
  ms: number;
};

/** GRR, NRR, logo retention, movements, retention by band, time to value and the compound projection. */
export async function computeMetricsReport(
  ctx: EngineContext,
  options: MetricsReportOptions,
): Promise<MetricsReport> {
  const t0 = performance.now();
  const conventions = metricConventionsSchema.parse(options.conventions ?? {});
  const asOf = today(ctx);
  const to = options.to ?? asOf;
  const defaultFrom = new Date(Date.parse(to) - (options.period === 'year' ? 3 * 365 : 365) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  // a period still running is measured to date (contracts after `to` are not known yet)
  const toDayNumber = toDay(to);
  const windows = periodWindows(options.period, options.from ?? defaultFrom, to).map((w) =>
    w.endDay > toDayNumber ? { ...w, endDay: toDayNumber, end: to, label: `${w.label} (to ${to})` } : w,
  );
  const scope: MetricsScope = { segment: options.segment, owner: options.owner, viewer: options.viewer };
  const contracts = await listScopedContracts(ctx.store, scope);
  const revenue = customerRevenue(contracts, conventions);
  const failedPayments =
    conventions.failedPaymentChurnDays === null ? undefined : await listFailedPayments(ctx.store);
  const inputs = { revenue, failedPayments };
  const reasons = await listChurnReasons(ctx.store, scope);
  const periods = [];
  for (const w of windows) {
    const bands = await bandsAt(ctx.store, w.start);
    const { churned, ...m } = computePeriodMetrics(w, inputs, conventions);
    periods.push({
      ...m,
      byBand: retentionByBand(w, inputs, conventions, bands),
      churnReasons: churnReasons(churned, reasons),
    });
  }
  // a customer who started before the event history begins would show a milestone years late
  const historyStart = await earliestEventDay(ctx.store);
  const observable = new Set(
    [...revenue.values()]
      .filter((r) => r.firstDay !== null && historyStart !== null && r.firstDay >= historyStart)
      .map((r) => r.accountId),
  );
  const ttv = computeTimeToValue(revenue, await listValueMilestoneDays(ctx.store), observable);
  // the compound projection starts from the measured trailing-twelve-month GRR
  const ttm = periodWindows('ttm', to, to)[0]!;
  const measured = computePeriodMetrics(
    { ...ttm, endDay: Math.min(ttm.endDay, toDay(to)) },
    inputs,
    conventions,
  ).grr.value;
  const projection =
    measured === null
      ? null
      : projectCompoundRetention([
          { label: 'measured (TTM GRR)', annualRetention: measured },
          { label: 'target', annualRetention: options.targetRetention ?? 0.95 },
        ]);
  return {
    asOf,
    scope,
    conventions,
    periods,
    timeToValue: ttv,
    timeToValueSince: historyStart === null ? null : dayIso(historyStart),
    projection,
    ms: performance.now() - t0,
  };
}

export async function computeCohortReport(
  ctx: EngineContext,
  options: MetricsScope & { by: 'month' | 'quarter'; conventions?: Partial<MetricConventions> },
): Promise<{ by: string; conventions: MetricConventions; rows: CohortRow[] }> {
  const conventions = metricConventionsSchema.parse(options.conventions ?? {});
  const contracts = await listScopedContracts(ctx.store, options);
  return {
    by: options.by,
    conventions,
    rows: computeCohorts(customerRevenue(contracts, conventions), options.by, toDay(today(ctx))),
  };
}

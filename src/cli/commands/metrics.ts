import type { Command } from 'commander';
import { z } from 'zod';
import type { Ratio } from '../../core/metrics/compute-retention.ts';
import { PERIODS } from '../../core/metrics/periods.ts';
import {
  computeCohortReport,
  computeMetricsReport,
  type MetricsReport,
} from '../../engine/metrics/metrics-report.ts';
import { computeRenewalForecast, type RenewalForecastReport } from '../../engine/metrics/renewal-forecast.ts';
import { printJson, withContext } from '../with-context.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const rate = z.string().regex(/^[A-Z]{3}=\d+(\.\d+)?$/, 'expected CUR=rate, e.g. EUR=1.08');
const conventionOptions = {
  currency: z.string().length(3).optional(),
  rate: z.array(rate).optional(),
  denominator: z.enum(['whole-base', 'renewal-due']).optional(),
  samePeriod: z.enum(['exclude', 'count']).optional(),
  movements: z.enum(['period', 'event']).optional(),
  reactivationDays: z.coerce.number().int().min(0).optional(),
  graceDays: z.coerce.number().int().min(0).optional(),
  failedPaymentDays: z.coerce.number().int().positive().optional(),
  noCap: z.boolean().optional(),
};
const metricsSchema = z.object({
  period: z.enum(PERIODS).default('quarter'),
  from: date.optional(),
  to: date.optional(),
  segment: z.string().optional(),
  owner: z.string().optional(),
  target: z.coerce.number().min(0).max(1).optional(),
  json: z.boolean().default(false),
  ...conventionOptions,
});

function conventionsFrom(o: { [K in keyof typeof conventionOptions]?: unknown }) {
  return {
    ...(o.currency ? { currency: o.currency as string } : {}),
    ...(o.rate
      ? { rates: Object.fromEntries((o.rate as string[]).map((r) => [r.slice(0, 3), Number(r.slice(4))])) }
      : {}),
    ...(o.denominator ? { denominator: o.denominator as 'whole-base' | 'renewal-due' } : {}),
    ...(o.samePeriod ? { samePeriodStartAndChurn: o.samePeriod as 'exclude' | 'count' } : {}),
    ...(o.movements ? { movementBasis: o.movements as 'period' | 'event' } : {}),
    ...(o.reactivationDays !== undefined ? { reactivationWindowDays: o.reactivationDays as number } : {}),
    ...(o.graceDays !== undefined ? { renewalGraceDays: o.graceDays as number } : {}),
    ...(o.failedPaymentDays !== undefined ? { failedPaymentChurnDays: o.failedPaymentDays as number } : {}),
    ...(o.noCap ? { grrPerCustomerCap: false } : {}),
  };
}

const pct = (r: Ratio) => (r.value === null ? 'n/d' : `${(r.value * 100).toFixed(1)}%`);
const money = (n: number) => Math.round(n).toLocaleString('en-US');

function addConventionOptions(cmd: Command): Command {
  return cmd
    .option('--currency <CUR>', 'reporting currency (default USD)')
    .option('--rate <CUR=rate...>', 'exchange rates into the reporting currency, e.g. EUR=1.08')
    .option('--denominator <d>', 'whole-base | renewal-due (default whole-base)')
    .option(
      '--same-period <mode>',
      'customers who start and leave in one period: exclude | count (default exclude)',
    )
    .option(
      '--movements <basis>',
      'period (one net movement per customer per period, month-spine) | event (every dated change) (default period)',
    )
    .option('--reactivation-days <n>', 'a return within n days of leaving is a reactivation (default 365)')
    .option(
      '--grace-days <n>',
      'event movements: the same product line back within n days, inside one period, is a late renewal (default 30)',
    )
    .option(
      '--failed-payment-days <n>',
      'a payment failed and unpaid for n days counts as churn (default: never)',
    )
    .option('--no-cap', 'GRR per product line instead of capped per customer');
}

function printForecast(f: RenewalForecastReport) {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`renewals as of ${f.asOf} (churn probability: ${f.probabilitySource})`);
  out(
    `${'due within'.padEnd(12)} ${'renewals'.padStart(8)} ${'ARR'.padStart(12)} ${'expected renewed'.padStart(17)} ${'expected churn'.padStart(15)} ${'no estimate'.padStart(12)}`,
  );
  for (const b of f.buckets)
    out(
      `${`${b.withinDays} days`.padEnd(12)} ${String(b.renewals).padStart(8)} ${money(b.arr).padStart(12)} ${money(b.expectedRenewedArr).padStart(17)} ${money(b.expectedChurnArr).padStart(15)} ${money(b.unestimatedArr).padStart(12)}`,
    );
  out(
    `expected GRR over the next 90 days: ${f.expectedGrrNext90 === null ? 'n/d (no ARR today)' : `${(f.expectedGrrNext90 * 100).toFixed(1)}%`} of ${money(f.arrToday)} ARR`,
  );
  const b = f.backtest;
  out(
    `\nbacktest (forecast made ${b.leadDays} days before each renewal of the past year; ${b.calibration}):`,
  );
  out(
    `  ${b.renewals} renewals, ${money(b.dueArr)} due: predicted renewed ${money(b.predictedRenewedArr)}, actual ${money(b.actualRenewedArr)}, error ${b.relativeError === null ? 'n/d' : `${(b.relativeError * 100).toFixed(1)}%`}, Brier ${b.brier ?? 'n/d'}${b.withoutScore ? `; ${b.withoutScore} renewals had no score ${b.leadDays} days before` : ''}`,
  );
}

export function register(program: Command) {
  const metrics = addConventionOptions(
    program
      .command('metrics')
      .description(
        'retention metrics: GRR, NRR, logo retention, revenue movements, retention by band, time to value',
      )
      .option('--period <p>', 'month | quarter | year | ttm (default quarter)')
      .option('--from <date>', 'first day (default a year before --to; three years for --period year)')
      .option('--to <date>', 'last day (default today)')
      .option('--segment <s>', 'only this segment')
      .option('--owner <user>', 'only this CSM')
      .option('--target <r>', 'what-if annual retention for the compound projection (default 0.95)')
      .option('--json', 'print JSON'),
  ).action(async (raw: unknown, cmd: Command) => {
    const o = metricsSchema.parse({ ...(raw as object), noCap: (raw as { cap?: boolean }).cap === false });
    const report = await withContext(cmd, (ctx) =>
      computeMetricsReport(ctx, {
        period: o.period,
        from: o.from,
        to: o.to,
        segment: o.segment,
        owner: o.owner,
        targetRetention: o.target,
        conventions: conventionsFrom(o),
      }),
    );
    if (o.json) printJson(report);
    else printReport(report);
  });

  metrics
    .command('forecast')
    .description(
      'renewals due in 30/90/180 days with churn probability, expected renewed ARR and GRR; backtest',
    )
    .option('--lead-days <n>', 'backtest: forecast made n days before each past renewal (default 90)')
    .option('--segment <s>', 'only this segment')
    .option('--owner <user>', 'only this CSM')
    .option('--json', 'print JSON')
    .action(async (_raw: unknown, cmd: Command) => {
      const all = cmd.optsWithGlobals();
      const o = z
        .object({
          leadDays: z.coerce.number().int().min(1).max(365).optional(),
          segment: z.string().optional(),
          owner: z.string().optional(),
          json: z.boolean().default(false),
        })
        .parse(all);
      const f = await withContext(cmd, (ctx) =>
        computeRenewalForecast(ctx, { segment: o.segment, owner: o.owner, leadDays: o.leadDays }),
      );
      if (o.json) printJson(f);
      else printForecast(f);
    });

  addConventionOptions(
    metrics
      .command('cohorts')
      .description('logo and revenue retention by start cohort')
      .option('--by <unit>', 'month | quarter (default quarter)')
      .option('--segment <s>', 'only this segment')
      .option('--owner <user>', 'only this CSM')
      .option('--json', 'print JSON'),
  ).action(async (_raw: unknown, cmd: Command) => {
    // the parent `metrics` shares --segment, --json and the convention options and parses them
    // itself when they follow the subcommand, so read them with the parent's
    const all = cmd.optsWithGlobals<{ cap?: boolean }>();
    const o = z
      .object({
        by: z.enum(['month', 'quarter']).default('quarter'),
        segment: z.string().optional(),
        owner: z.string().optional(),
        json: z.boolean().default(false),
        ...conventionOptions,
      })
      .parse({ ...all, noCap: all.cap === false });
    const r = await withContext(cmd, (ctx) =>
      computeCohortReport(ctx, {
        by: o.by,
        segment: o.segment,
        owner: o.owner,
        conventions: conventionsFrom(o),
      }),
    );
    if (o.json) {
      printJson(r);
      return;
    }
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`logo retention by ${r.by} cohort (share of the cohort still paying at the end of each ${r.by})`);
    for (const row of r.rows)
      out(
        `${row.cohort.padEnd(8)} ${String(row.customers).padStart(4)}  ${row.logo.map((v) => (v === null ? '   -' : `${Math.round(v * 100)}`.padStart(4))).join('')}`,
      );
    out('\nrevenue retention (ARR vs the cohort start)');
    for (const row of r.rows)
      out(
        `${row.cohort.padEnd(8)} ${money(row.startArr).padStart(10)}  ${row.revenue.map((v) => (v === null ? '   -' : `${Math.round(v * 100)}`.padStart(4))).join('')}`,
      );
    out(`\nconventions: ${JSON.stringify(r.conventions)}`);
  });
}

function printReport(r: MetricsReport) {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `${'period'.padEnd(16)} ${'start ARR'.padStart(12)} ${'new'.padStart(10)} ${'reactivation'.padStart(12)} ${'expansion'.padStart(10)} ${'contraction'.padStart(12)} ${'churn'.padStart(10)} ${'end ARR'.padStart(12)}   GRR     NRR   logos  quick`,
  );
  for (const p of r.periods) {
    const m = p.movements;
    out(
      `${p.label.padEnd(16)} ${money(p.startArr).padStart(12)} ${money(m.new).padStart(10)} ${money(m.reactivation).padStart(12)} ${money(m.expansion).padStart(10)} ${money(m.contraction).padStart(12)} ${money(m.churn).padStart(10)} ${money(p.endArr).padStart(12)} ${pct(p.grr).padStart(7)} ${pct(p.nrr).padStart(7)} ${pct(p.logoRetention).padStart(7)} ${p.quickRatio.value === null ? '   n/d' : p.quickRatio.value.toFixed(2).padStart(6)}`,
    );
  }
  const complete = r.periods.filter((p) => !p.label.includes('(to '));
  const last = complete[complete.length - 1] ?? r.periods[r.periods.length - 1];
  if (last) {
    out(`\nretention by health band at the start of ${last.label}:`);
    for (const b of last.byBand)
      out(
        `  ${b.band.padEnd(9)} ${String(b.customers).padStart(5)} customers   GRR ${pct(b.grr).padStart(7)}   NRR ${pct(b.nrr).padStart(7)}   logos ${pct(b.logoRetention).padStart(7)}`,
      );
  }
  const withReasons = r.periods.filter((p) => p.churnReasons.length > 0);
  if (withReasons.length > 0) {
    out('\nchurned ARR and logos by reason (churn events, else contract churn reasons):');
    for (const p of withReasons)
      out(
        `  ${p.label.padEnd(16)} ${p.churnReasons.map((x) => `${x.reason} ${money(x.arr)} (${x.logos})`).join(', ')}`,
      );
  }
  const t = r.timeToValue;
  out(
    `\ntime to value: median ${t.medianDays ?? 'n/d'} days (p25 ${t.p25Days ?? 'n/d'}, p75 ${t.p75Days ?? 'n/d'}); ${t.reached} of ${t.customers} customers${r.timeToValueSince ? ` who started since ${r.timeToValueSince} (the event history)` : ''} reached a value milestone`,
  );
  if (r.projection) {
    const [a, b] = r.projection.scenarios;
    out(
      `compound: at ${(a!.annualRetention * 100).toFixed(1)}% a year you keep ${(a!.retainedByYear[3]! * 100).toFixed(1)}% after 3 years; at ${(b!.annualRetention * 100).toFixed(0)}%, ${(b!.retainedByYear[3]! * 100).toFixed(1)}% (${r.projection.gapPoints} points, ${(r.projection.relativeGap * 100).toFixed(0)}% more revenue)`,
    );
  }
  out(`\nconventions: ${JSON.stringify(r.conventions)}`);
  out(`n/d = not defined (no paying customers at the start of the period)`);
}

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
import { type Column, printTable } from '../print-table.ts';
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

/** The conventions a report was computed with, as a sentence (the JSON is for `--json`). */
function describeConventions(c: Record<string, unknown>): string {
  const rates = Object.entries((c.rates ?? {}) as Record<string, number>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const parts = [
    `currency ${c.currency ?? 'USD'}${rates ? ` (rates ${rates})` : ''}`,
    `GRR per-customer cap ${c.grrPerCustomerCap === false ? 'off' : 'on'}`,
    `movements per ${c.movementBasis ?? 'period'}`,
    `denominator ${c.denominator ?? 'whole-base'}`,
    `reactivation within ${c.reactivationWindowDays ?? 365} d`,
    `same-period start and churn: ${c.samePeriodStartAndChurn ?? 'exclude'}`,
  ];
  if (c.movementBasis === 'event') parts.push(`renewal grace ${c.renewalGraceDays ?? 30} d`);
  if (c.failedPaymentChurnDays != null)
    parts.push(`failed payment = churn after ${c.failedPaymentChurnDays} d`);
  return parts.join('; ');
}

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
    const span = Math.max(0, ...r.rows.map((row) => row.logo.length));
    const step = r.by === 'month' ? 'm' : r.by === 'quarter' ? 'q' : 'y';
    const shares = (key: 'logo' | 'revenue') =>
      Array.from(
        { length: span },
        (_, i): Column<(typeof r.rows)[number]> => ({
          header: `${step}${i}`,
          value: (row) => {
            const v = row[key][i];
            return v === null || v === undefined ? null : `${Math.round(v * 100)}`;
          },
          align: 'right',
        }),
      );
    printTable(r.rows, [
      { header: 'cohort', value: (row) => row.cohort },
      { header: 'customers', value: (row) => row.customers, align: 'right' },
      ...shares('logo'),
    ]);
    out("\nrevenue retention (% of the cohort's starting ARR)");
    printTable(r.rows, [
      { header: 'cohort', value: (row) => row.cohort },
      { header: 'start ARR', value: (row) => money(row.startArr), align: 'right' },
      ...shares('revenue'),
    ]);
    out(`\nconventions: ${describeConventions(r.conventions)}`);
  });
}

function printReport(r: MetricsReport) {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  printTable(r.periods, [
    { header: 'period', value: (p) => p.label },
    { header: 'start ARR', value: (p) => money(p.startArr), align: 'right' },
    { header: 'new', value: (p) => money(p.movements.new), align: 'right' },
    { header: 'reactivation', value: (p) => money(p.movements.reactivation), align: 'right' },
    { header: 'expansion', value: (p) => money(p.movements.expansion), align: 'right' },
    { header: 'contraction', value: (p) => money(p.movements.contraction), align: 'right' },
    { header: 'churn', value: (p) => money(p.movements.churn), align: 'right' },
    { header: 'end ARR', value: (p) => money(p.endArr), align: 'right' },
    { header: 'GRR', value: (p) => pct(p.grr), align: 'right' },
    { header: 'NRR', value: (p) => pct(p.nrr), align: 'right' },
    { header: 'logos', value: (p) => pct(p.logoRetention), align: 'right' },
    {
      header: 'quick',
      value: (p) => (p.quickRatio.value === null ? 'n/d' : p.quickRatio.value.toFixed(2)),
      align: 'right',
    },
  ]);
  const complete = r.periods.filter((p) => !p.label.includes('(to '));
  const last = complete[complete.length - 1] ?? r.periods[r.periods.length - 1];
  if (last) {
    out(`\nretention by health band at the start of ${last.label}:`);
    printTable(last.byBand, [
      { header: 'band', value: (b) => b.band },
      { header: 'customers', value: (b) => b.customers, align: 'right' },
      { header: 'GRR', value: (b) => pct(b.grr), align: 'right' },
      { header: 'NRR', value: (b) => pct(b.nrr), align: 'right' },
      { header: 'logos', value: (b) => pct(b.logoRetention), align: 'right' },
    ]);
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
  out(`\nconventions: ${describeConventions(r.conventions)}`);
  out(`n/d = not defined (no paying customers at the start of the period)`);
}

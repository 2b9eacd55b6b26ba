import type { Command } from 'commander';
import { z } from 'zod';
import { type BacktestReport, backtestModel } from '../../engine/learning/backtest-model.ts';
import { formatExcluded, formatMetrics, labelText, num, toSourceText } from '../learning/print-metrics.ts';
import { printJson, withContext } from '../with-context.ts';

const optionsSchema = z.object({
  model: z.coerce.number().int().positive().optional(),
  horizon: z.coerce.number().int().min(1).max(1095).optional(),
  label: z.enum(['horizon', 'renewal', 'lapse']).default('horizon'),
  lapseDays: z.coerce.number().int().min(1).max(1095).optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  bootstrap: z.coerce.number().int().min(1).max(10_000).default(200),
  scores: z.enum(['auto', 'stored', 'compute']).default('auto'),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('backtest')
    .description(
      'how well a model would have predicted churn on your own history (AUC, lift, bands, calibration, lead time)',
    )
    .option('--model <version>', 'model version (default: the active model)')
    .option(
      '--horizon <days>',
      'label: churned within this many days after each snapshot (default 180; lapse label: the lapse days)',
    )
    .option(
      '--label <kind>',
      'horizon: churned within --horizon days of the snapshot; renewal: churned at the next renewal; lapse: no activity or purchase for --lapse-days days (no contracts needed)',
      'horizon',
    )
    .option('--lapse-days <n>', 'lapse label: days without customer activity that count as churned', '90')
    .option('--from <date>', 'first snapshot month (default: first contract start)')
    .option(
      '--to <date>',
      "last day of known outcomes (default: the data's last day if it lies in the past, else today)",
    )
    .option('--bootstrap <n>', 'bootstrap resamples for the AUC confidence interval', '200')
    .option('--scores <source>', 'auto | stored (backfilled scores) | compute (rescore history)', 'auto')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = optionsSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await backtestModel(ctx, {
          version: opts.model,
          horizonDays: opts.horizon,
          label: opts.label,
          lapseDays: opts.lapseDays,
          from: opts.from,
          to: opts.to,
          bootstrapIterations: opts.bootstrap,
          scores: opts.scores,
        });
        if (opts.json) return printJson(r);
        process.stdout.write(formatBacktest(r));
      });
    });
}

/** The backtest report for people (the figures as tables); `--json` prints the report itself. */
export function formatBacktest(r: BacktestReport): string {
  const lines = [
    `Backtest of model ${r.model.version} (${r.model.name}, ${r.model.status}), ${labelText(r)}`,
    `  monthly snapshots from ${r.period.from}, outcomes known to ${r.period.to} (${toSourceText[r.period.toSource]}; ${r.period.dates.toLocaleString('en-US')} dates)`,
    r.scoreSource === 'stored'
      ? `  scores: the model's stored (backfilled) scores${r.missingScores ? `; ${r.missingScores.toLocaleString('en-US')} snapshots had none and are left out` : ''}`
      : '  scores: recomputed from the data as it stood on each date',
    formatExcluded(r.excluded),
  ];
  let text = `${lines.join('\n')}\n${formatMetrics(r.metrics, r.horizonDays, r.label === 'lapse' ? 'lapsed' : 'churned')}`;
  if (r.calibrationSource === 'fitted-on-earlier-half')
    text +=
      '  (no stored calibration: probabilities fitted on the earlier half of the snapshots, judged on the later half)\n';
  text += `\n  time: snapshots ${num(r.timings.scoreMs / 1000, 1)} s, metrics ${num(r.timings.metricsMs / 1000, 2)} s, total ${num(r.timings.totalMs / 1000, 1)} s\n`;
  return text;
}

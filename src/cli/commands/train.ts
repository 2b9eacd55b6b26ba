import type { Command } from 'commander';
import { z } from 'zod';
import { type TrainReport, trainModel } from '../../engine/learning/train-model.ts';
import { formatExcluded, labelText, num, pct, toSourceText } from '../learning/print-metrics.ts';
import { formatNumber, formatTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const optionsSchema = z.object({
  horizon: z.coerce.number().int().min(1).max(1095).optional(),
  label: z.enum(['horizon', 'renewal', 'lapse']).default('horizon'),
  lapseDays: z.coerce.number().int().min(1).max(1095).optional(),
  renewalTiming: z.boolean().default(true),
  eventSignals: z.boolean().optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  testMonths: z.coerce.number().int().min(1).max(120).default(12),
  l2: z.coerce.number().positive().optional(),
  by: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('train')
    .description(
      'learn signal weights from history and write them as a proposed model (approve with `vigil model approve`)',
    )
    .option(
      '--horizon <days>',
      'predict churn within this many days (default 180; lapse label: the lapse days)',
    )
    .option(
      '--label <kind>',
      'horizon: churned within --horizon days of the snapshot; renewal: churned at the next renewal; lapse: no activity or purchase for --lapse-days days (no contracts needed)',
      'horizon',
    )
    .option('--lapse-days <n>', 'lapse label: days without customer activity that count as churned', '90')
    .option('--from <date>', 'first snapshot month (default: 90 days after the first activity)')
    .option(
      '--to <date>',
      "last day of known outcomes (default: the data's last day if it lies in the past, else today)",
    )
    .option('--test-months <n>', 'most recent snapshot months held out for evaluation', '12')
    .option(
      '--l2 <lambda>',
      'ridge penalty on standardised coefficients (default: chosen by cross-validation)',
    )
    .option(
      '--no-renewal-timing',
      'do not offer "renewal within the horizon" (days to renewal) to the learner: rank by health alone',
    )
    .option(
      '--event-signals',
      'also offer a signal per mapped event type (count in 30/90 days) and days since the last activity (default with --label lapse)',
    )
    .option('--no-event-signals', "offer only the current model's signals")
    .option('--by <name>', 'recorded as the creator of the proposal')
    .option('--json', 'print JSON')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = optionsSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const r = await trainModel(ctx, {
          horizonDays: opts.horizon,
          label: opts.label,
          lapseDays: opts.lapseDays,
          from: opts.from,
          to: opts.to,
          renewalTiming: opts.renewalTiming,
          eventSignals: opts.eventSignals,
          testMonths: opts.testMonths,
          l2: opts.l2,
          by: opts.by,
        });
        if (opts.json) return printJson(r);
        process.stdout.write(formatTrainReport(r));
      });
    });
}

/** A training report for people: the split, the weights and the held-out comparison as tables. */
export function formatTrainReport(r: TrainReport): string {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  const table = (text: string) => out(text.trimEnd().replace(/^/gm, '  '));
  out(`Proposed model ${r.proposedVersion} (challenging model ${r.currentVersion}), ${labelText(r)}`);
  out(`  outcomes known to ${r.to} (${toSourceText[r.toSource]})`);
  out(
    `  fitted on ${r.fit.snapshots.toLocaleString('en-US')} snapshots ${r.fit.from} – ${r.fit.to} (${r.fit.churned} churned)`,
  );
  out(
    `  evaluated on ${r.heldOut.snapshots.toLocaleString('en-US')} held-out snapshots ${r.heldOut.from} – ${r.heldOut.to} (${r.heldOut.churned} churned); ${r.embargoed} snapshots in between left out so no label overlaps`,
  );
  out(formatExcluded(r.excluded));
  out();
  table(
    formatTable(r.weights, [
      { header: 'SIGNAL', value: (w) => w.signalId },
      { header: 'CURRENT', value: (w) => pct(w.current), align: 'right' },
      { header: 'PROPOSED', value: (w) => pct(w.proposed), align: 'right' },
      {
        header: 'EFFECT/SD',
        value: (w) => num(w.standardizedCoefficient, 2).replace(/^-(0\.0+)$/, '$1'),
        align: 'right',
      },
      { header: 'COVERAGE', value: (w) => pct(w.coverage), align: 'right' },
    ]),
  );
  for (const d of r.dropped) out(`  dropped ${d.signalId}: ${d.reason}`);
  out();
  const rows: [string, string, string][] = [];
  const row = (label: string, c: string, p: string) => rows.push([label, c, p]);
  row('ROC AUC', num(r.current.auc), num(r.proposed.auc));
  row(
    '  95% CI',
    `${num(r.current.aucCi.lower)}–${num(r.current.aucCi.upper)}`,
    `${num(r.proposed.aucCi.lower)}–${num(r.proposed.aucCi.upper)}`,
  );
  row('PR AUC', num(r.current.averagePrecision), num(r.proposed.averagePrecision));
  row('lift in riskiest 10%', num(r.current.topDecile.lift, 2), num(r.proposed.topDecile.lift, 2));
  row('Brier score', num(r.current.calibration?.brier, 4), num(r.proposed.calibration?.brier, 4));
  row(
    'median lead at-risk (d)',
    num(r.current.leadTime.atRisk.median, 0),
    num(r.proposed.leadTime.atRisk.median, 0),
  );
  row(
    'median lead critical (d)',
    num(r.current.leadTime.critical.median, 0),
    num(r.proposed.leadTime.critical.median, 0),
  );
  for (const band of ['critical', 'at-risk', 'healthy'])
    row(
      `churn rate ${band}`,
      pct(r.current.bandChurnRates.find((b) => b.band === band)?.rate),
      pct(r.proposed.bandChurnRates.find((b) => b.band === band)?.rate),
    );
  table(
    formatTable(rows, [
      { header: 'HELD-OUT BACKTEST', value: (x) => x[0] },
      { header: `MODEL ${r.currentVersion}`, value: (x) => x[1], align: 'right' },
      { header: `MODEL ${r.proposedVersion}`, value: (x) => x[2], align: 'right' },
    ]),
  );
  out(
    `  logistic model itself: held-out AUC ${num(r.logisticAuc)}; L2 penalty ${Number(r.l2.toPrecision(3))} (${r.l2Validation === 'time' ? 'chosen on the latest fit-period dates, fitted on earlier ones' : r.l2Validation === 'accounts' ? 'chosen by cross-validation over accounts' : 'fixed'})`,
  );
  if (r.renewalTiming)
    out(
      `  days to renewal offered as "renewal within ${r.horizonDays} days" (sub-score 0 within, 100 beyond)`,
    );
  out(
    `  bands (raw cut-points, shown as 80 / 50): healthy ≥ ${formatNumber(r.bands.current.healthy)} → ${formatNumber(r.bands.proposed.healthy)}, at-risk ≥ ${formatNumber(r.bands.current.atRisk)} → ${formatNumber(r.bands.proposed.atRisk)} (${r.bands.method === 'separation' ? 'chosen for separation' : 'from fixed band shares'})`,
  );
  for (const [period, sep] of [
    ['fit', r.bands.fit],
    ['held-out', r.bands.heldOut],
  ] as const) {
    if (!sep) continue;
    out(
      `    ${period.padEnd(8)} base ${pct(sep.baseRate)}: ${sep.bands
        .map(
          (b) =>
            `${b.band} ${pct(b.share)} of snapshots, churn ${pct(b.rate)} (${b.ratio === null ? '–' : `${num(b.ratio, 2)}×`})`,
        )
        .join('; ')}`,
    );
    for (const w of sep.warnings) out(`      ! ${w}`);
  }
  out(
    `  churn probability within ${r.horizonDays} d = 1 / (1 + exp(−(${num(r.calibration.slope, 4)} × score + ${num(r.calibration.intercept, 3)})))`,
  );
  out();
  out(
    r.beatsCurrent
      ? `The proposal beats the current model on held-out history. Review with \`vigil model diff ${r.currentVersion || r.proposedVersion} ${r.proposedVersion}\`, then \`vigil model approve ${r.proposedVersion}\`.`
      : 'The proposal does NOT beat the current model on held-out history; approving it is not recommended.',
  );
  return `${lines.join('\n')}\n`;
}
